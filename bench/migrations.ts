import { performance } from 'node:perf_hooks';
import { DATABASE_NAME, MASTER_USERNAME } from '../lambdas/shared/naming';
import type { DatabaseTarget } from '../lambdas/shared/schema/connection';
import { type MigrationLogger, runTenantMigrations } from '../lambdas/shared/schema/runner';
import { createRdsLikeDatabase, startPostgres } from '../test/support/postgres';

const MASTER_PASSWORD = 'Bench-Master-Passw0rd';
const APP_PASSWORD = 'Bench-App-Passw0rd';
const silent: MigrationLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: Math.round(performance.now() - started), result };
}

/**
 * The migration step's database work on a throwaway PostgreSQL: a first run on an empty tenant database (connect,
 * lock, every migration, the application role) and a second, no-op run (what a retried step costs). Each time
 * covers the whole call, connection and SCRAM authentication included; server start-up is not measured.
 */
export async function benchInitMigrations(): Promise<{ applyMs: number; noopMs: number; migrations: number }> {
  const server = await startPostgres();
  try {
    await createRdsLikeDatabase(server, {
      database: DATABASE_NAME,
      masterUser: MASTER_USERNAME,
      masterPassword: MASTER_PASSWORD,
    });
    const target: DatabaseTarget = {
      host: server.host,
      port: server.port,
      database: DATABASE_NAME,
      user: MASTER_USERNAME,
      password: MASTER_PASSWORD,
      tls: 'disabled',
    };
    const run = () => runTenantMigrations({ target, appPassword: APP_PASSWORD, logger: silent });
    const apply = await timed(run);
    const noop = await timed(run);
    if (noop.result.applied.length > 0) throw new Error(`the second run applied ${noop.result.applied.join(', ')}`);
    return { applyMs: apply.ms, noopMs: noop.ms, migrations: apply.result.applied.length };
  } finally {
    await server.stop();
  }
}
