/**
 * Applies the tenant migrations with node-pg-migrate, a maintained library that tracks applied migrations in a
 * table, reads plain versioned `.sql` files, runs them in a transaction and checks their order. The runner adds
 * what a provisioning step needs on top:
 *
 * - **Serialized runs.** A blocking session advisory lock (bounded by `lock_timeout`) instead of the library's
 *   try-lock, which would fail the second of two concurrent runs instead of letting it find the work done. The key
 *   is the library's own, so an operator running the node-pg-migrate CLI is excluded too.
 * - **All or nothing.** All pending migrations run in one transaction: a failure leaves the schema as it was.
 * - **The application role.** After the migrations, the role gets LOGIN and the password from the credentials
 *   secret (see {@link ensureAppRole}), under the same lock.
 * - **Bounded waits and classified errors** (see {@link DatabaseTimeouts} and {@link toMigrationError}).
 *
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { runner as migrate, type RunnerOption } from 'node-pg-migrate';
import { Client } from 'pg';
import { clock } from '../shared/clock';
import { readEnv } from '../shared/config';
import type { MigrationsResult } from '../shared/contracts';
import { logger as sharedLogger } from '../shared/runtime';
import { ensureAppRole } from './app-role';
import { MIGRATIONS_DIR_VARIABLE } from './bundling';
import { clientConfig, type DatabaseTarget, type DatabaseTimeouts, DEFAULT_TIMEOUTS } from './connection';
import { type ErrorContext, toMigrationError } from './errors';

/** Where node-pg-migrate records applied migrations (schema public, owned by the master user). */
const MIGRATIONS_TABLE = 'pgmigrations';
/** node-pg-migrate's advisory lock key. */
export const MIGRATION_LOCK_KEY = '7241865325823964';
/** Only `.sql` files are migrations (the library would `require()` anything else). */
const NOT_SQL = '(?!.*\\.sql$).*';
const MIGRATION_HEADER = /^### MIGRATION (.+) \(UP\) ###$/;

/** The part of a Powertools logger the runner uses. */
export type MigrationLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
type LibraryLogger = NonNullable<RunnerOption['logger']>;

export interface RunMigrationsOptions {
  /** The master login: it owns the schema objects and may create roles. */
  target: DatabaseTarget;
  /** The application role's password, from the tenant's credentials secret. */
  appPassword: string;
  /** Defaults to `$MIGRATIONS_DIR`, else the `migrations` folder next to this module (or the bundle). */
  migrationsDir?: string;
  timeouts?: DatabaseTimeouts;
  logger?: MigrationLogger;
}

/** The folder the runner reads migrations from. */
function migrationsDir(): string {
  return readEnv(MIGRATIONS_DIR_VARIABLE);
}

/**
 * Brings the tenant database to the latest migration and the application role up to date. Idempotent: a second
 * run applies nothing and only re-sets the role's password.
 *
 * @returns the names of the migrations this run applied (empty when the database was up to date)
 * @throws one of the classes in `./errors`, never with a password in its message
 */
export async function runTenantMigrations(options: RunMigrationsOptions): Promise<MigrationsResult> {
  const { target, appPassword, timeouts = DEFAULT_TIMEOUTS, logger = sharedLogger } = options;
  const started = clock.now();
  const context: ErrorContext = {
    endpoint: `${target.host}:${target.port}`,
    user: target.user,
    phase: 'connect',
    secrets: [target.password, appPassword],
  };
  const client = new Client(clientConfig(target, timeouts));
  // A server that ends the session between queries emits 'error' on the client; unhandled, it would crash the runtime.
  client.on('error', (error) =>
    logger.warn('database session ended', { reason: toMigrationError(error, context).message }),
  );
  let connected = false;
  try {
    await client.connect();
    connected = true;
    context.phase = 'lock';
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    context.phase = 'migrate';
    const applied = await migrate({
      dbClient: client,
      dir: options.migrationsDir ?? migrationsDir(),
      ignorePattern: NOT_SQL,
      direction: 'up',
      migrationsTable: MIGRATIONS_TABLE,
      schema: 'public',
      checkOrder: true,
      singleTransaction: true,
      noLock: true,
      logger: libraryLogger(logger, (name) => {
        context.migration = name;
      }),
    });
    context.phase = 'role';
    await ensureAppRole(client, appPassword);
    const result = { applied: applied.map((m) => m.name), durationMs: clock.now() - started };
    logger.info('tenant database migrated', { endpoint: context.endpoint, ...result });
    return result;
  } catch (error) {
    throw toMigrationError(error, context);
  } finally {
    // Ending the session also releases the advisory lock.
    if (connected) await client.end().catch(() => undefined);
  }
}

/**
 * node-pg-migrate's log lines, routed to our logger; the header it logs before each migration tells us which one a
 * failure belongs to. Its lines carry migration SQL and names only, never credentials.
 */
function libraryLogger(logger: MigrationLogger, onMigration: (name: string) => void): LibraryLogger {
  return {
    debug: (message: string) => logger.debug(message),
    info: (message: string) => {
      const header = MIGRATION_HEADER.exec(message);
      if (header?.[1]) onMigration(header[1]);
      logger.info(message);
    },
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
  };
}
