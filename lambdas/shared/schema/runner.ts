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
import { readdirSync } from 'node:fs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { runner as migrate, type RunnerOption } from 'node-pg-migrate';
import { Client } from 'pg';
import { clock } from '../clock';
import { readEnv } from '../config';
import type { MigrationsResult } from '../contracts';
import { logger as sharedLogger } from '../runtime';
import { ensureAppRole } from './app-role';
import { MIGRATIONS_DIR_VARIABLE } from './bundling';
import { clientConfig, type DatabaseTarget, type DatabaseTimeouts, DEFAULT_TIMEOUTS } from './connection';
import { describeDrift, detectDrift } from './drift';
import { type ErrorContext, SchemaDriftError, toMigrationError } from './errors';

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
  /**
   * The application role's password, from the tenant's credentials secret. Onboarding gives it; a schema rollout
   * does not (the role already logs in, and its password belongs to the rotation schedule by then), so the role step
   * is skipped. @default - the application role is left as it is
   */
  appPassword?: string;
  /** Defaults to `$MIGRATIONS_DIR`, else the `migrations` folder next to this module (or the bundle). */
  migrationsDir?: string;
  timeouts?: DatabaseTimeouts;
  logger?: MigrationLogger;
  /**
   * Compare the database with the registry's record under the lock, before migrating, and refuse to migrate a
   * drifted one (see `drift.ts`). @default - no check (onboarding: the database is new)
   */
  driftCheck?: { recorded?: string };
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
    secrets: appPassword === undefined ? [target.password] : [target.password, appPassword],
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
    const dir = options.migrationsDir ?? migrationsDir();
    if (options.driftCheck) {
      const drift = detectDrift({
        recorded: options.driftCheck.recorded,
        applied: await appliedMigrations(client),
        known: shippedMigrations(dir),
      });
      if (drift) throw new SchemaDriftError(`${context.endpoint}: ${describeDrift(drift)}`);
    }
    context.phase = 'migrate';
    const applied = await migrate({
      dbClient: client,
      dir,
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
    if (appPassword !== undefined) {
      context.phase = 'role';
      await ensureAppRole(client, appPassword);
    }
    const version = await latestAppliedMigration(client);
    const result = {
      applied: applied.map((m) => m.name),
      durationMs: clock.now() - started,
      ...(version ? { version } : {}),
    };
    logger.info('tenant database migrated', { endpoint: context.endpoint, ...result });
    return result;
  } catch (error) {
    throw toMigrationError(error, context);
  } finally {
    // Ending the session also releases the advisory lock.
    if (connected) await client.end().catch(() => undefined);
  }
}

/** The migrations in `dir` (file names without `.sql`), in the order they apply. */
export function shippedMigrations(dir: string = migrationsDir()): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -'.sql'.length))
    .sort();
}

/**
 * The names of the migrations the database records as applied, oldest first (empty when it has none yet): what
 * drift detection compares with the registry's record.
 */
export async function appliedMigrations(client: Pick<Client, 'query'>): Promise<string[]> {
  const exists = await client.query<{ table: string | null }>(
    `SELECT to_regclass('public.${MIGRATIONS_TABLE}') AS table`,
  );
  if (!exists.rows[0]?.table) return [];
  const { rows } = await client.query<{ name: string }>(`SELECT name FROM public.${MIGRATIONS_TABLE} ORDER BY id`);
  return rows.map((row) => row.name);
}

/** The last migration the database records (the tenant's schema version), if any. */
async function latestAppliedMigration(client: Pick<Client, 'query'>): Promise<string | undefined> {
  // File names sort in the order node-pg-migrate applies them (checkOrder holds it to that).
  return (await appliedMigrations(client)).sort().at(-1);
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
