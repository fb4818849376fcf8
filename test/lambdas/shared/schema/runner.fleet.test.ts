import { Client } from 'pg';
import { ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import { MASTER_USERNAME } from '../../../../lambdas/shared/naming';
import type { DatabaseTarget } from '../../../../lambdas/shared/schema/connection';
import {
  appliedMigrations,
  type MigrationLogger,
  runTenantMigrations,
  shippedMigrations,
} from '../../../../lambdas/shared/schema/runner';
import { connectionTo, createRdsLikeDatabase, startPostgres, type TestPostgres } from '../../../support/postgres';
import { type MigrationsFolder, migrationsFolder, SCHEMA_CHANGE } from '../../../support/schema-change';

/**
 * The runner as a schema rollout uses it: many tenant databases on one server, each at its own version, brought to
 * the target in one transaction each, with the drift check under the lock and the application role left alone.
 */

const MASTER_PASSWORD = 'Master-Passw0rd-fleet';
const APP_PASSWORD = 'App-Passw0rd-fleet';
const silent: MigrationLogger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };

let server: TestPostgres;
let before: MigrationsFolder;
let after: MigrationsFolder;
let count = 0;

beforeAll(async () => {
  server = await startPostgres();
  before = migrationsFolder(false);
  after = migrationsFolder(true);
});
afterAll(async () => {
  await server?.stop();
  before?.remove();
  after?.remove();
});

/** A tenant database migrated with the release before the change (as onboarding left it). */
async function tenantAtPreviousRelease(): Promise<DatabaseTarget> {
  count += 1;
  const database = `fleet_${count}`;
  await createRdsLikeDatabase(server, { database, masterUser: MASTER_USERNAME, masterPassword: MASTER_PASSWORD });
  const target: DatabaseTarget = {
    host: server.host,
    port: server.port,
    database,
    user: MASTER_USERNAME,
    password: MASTER_PASSWORD,
    tls: 'disabled',
  };
  await runTenantMigrations({ target, appPassword: APP_PASSWORD, migrationsDir: before.dir, logger: silent });
  return target;
}

async function onDatabase<T>(target: DatabaseTarget, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(
    connectionTo(server, target.database, { user: MASTER_USERNAME, password: MASTER_PASSWORD }),
  );
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const previous = () => before.names.at(-1) as string;

describe('runTenantMigrations across a fleet', () => {
  it('brings databases at different versions to the target, each in its own transaction', async () => {
    // Prepare: one at the previous release, one already at the target, one that will fail the new migration
    const behind = await tenantAtPreviousRelease();
    const current = await tenantAtPreviousRelease();
    await runTenantMigrations({ target: current, migrationsDir: after.dir, logger: silent });
    const conflicting = await tenantAtPreviousRelease();
    await onDatabase(conflicting, (c) => c.query('ALTER TABLE projects ADD COLUMN labels integer'));

    // Act
    const results = await Promise.allSettled(
      [behind, current, conflicting].map((target) =>
        runTenantMigrations({ target, migrationsDir: after.dir, logger: silent, driftCheck: { recorded: previous() } }),
      ),
    );

    // Assess
    expect(results[0]).toMatchObject({
      status: 'fulfilled',
      value: { applied: [SCHEMA_CHANGE], version: SCHEMA_CHANGE },
    });
    expect(results[1]).toMatchObject({ status: 'fulfilled', value: { applied: [], version: SCHEMA_CHANGE } });
    expect(results[2]).toMatchObject({ status: 'rejected', reason: { name: ERROR_NAMES.migrationFailed } });
    expect(await onDatabase(conflicting, appliedMigrations)).toEqual(before.names);
    expect(await onDatabase(behind, appliedMigrations)).toEqual(after.names);
  });

  it('leaves the application role as it is when no password is given', async () => {
    // Prepare
    const target = await tenantAtPreviousRelease();
    const verifier = () =>
      server.superuser().then(async (admin) => {
        const { rows } = await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'tenant_app'");
        await admin.end();
        return rows[0]?.rolpassword as string;
      });
    const unchanged = await verifier();

    // Act
    await runTenantMigrations({ target, migrationsDir: after.dir, logger: silent });

    // Assess
    expect(await verifier()).toBe(unchanged);
  });

  it.each<[string, (target: DatabaseTarget) => Promise<unknown>, () => string | undefined, string]>([
    [
      'a hand-made migration',
      (t) =>
        onDatabase(t, (c) =>
          c.query("INSERT INTO pgmigrations (name, run_on) VALUES ('20261115000000000_hotfix', now())"),
        ),
      previous,
      'does not ship: 20261115000000000_hotfix',
    ],
    ['a database behind its record', async () => undefined, () => SCHEMA_CHANGE, `registry records ${SCHEMA_CHANGE}`],
  ])('refuses to migrate over %s and changes nothing', async (_case, drift, recorded, message) => {
    // Prepare
    const target = await tenantAtPreviousRelease();
    await drift(target);
    const applied = await onDatabase(target, appliedMigrations);

    // Act
    const error = await runTenantMigrations({
      target,
      migrationsDir: after.dir,
      logger: silent,
      driftCheck: { recorded: recorded() },
    }).catch((e: unknown) => e as Error);

    // Assess
    expect(error).toMatchObject({ name: ERROR_NAMES.schemaDrift, message: expect.stringContaining(message) });
    expect(await onDatabase(target, appliedMigrations)).toEqual(applied);
  });

  it('lists the shipped migrations in order', () => {
    // Act & Assess
    expect(shippedMigrations(after.dir)).toEqual([...before.names, SCHEMA_CHANGE]);
  });
});
