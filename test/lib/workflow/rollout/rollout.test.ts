import { Client } from 'pg';
import type { TenantRecord } from '../../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import { MASTER_USERNAME } from '../../../../lambdas/shared/naming';
import { ROLLOUT_LOCK_ID } from '../../../../lambdas/shared/registry-rollout';
import type { RolloutPlan, RolloutRecord } from '../../../../lambdas/shared/rollout/contracts';
import type { AwsDouble } from '../../../../lib/local/aws';
import { ROLLOUT_STATE_NAMES } from '../../../../lib/workflow/rollout/definition';
import { connectionTo } from '../../../support/postgres';
import { type MigrationsFolder, migrationsFolder, SCHEMA_CHANGE } from '../../../support/schema-change';
import {
  createWorkflowDouble,
  type FleetTenant,
  findLeaks,
  installWorkflowDouble,
  registryRecord,
  runRollout,
  runWorkflow,
  seedFleetTenant,
  startWorkflowDatabase,
  synthesizedWorkflow,
  tenantDatabase,
  type WorkflowDatabase,
} from '../../../support/workflow-harness';

/**
 * The schema rollout state machine from the synthesized template, run in the workflow harness against real tenant
 * databases (one PostgreSQL database per tenant on the test server) and the AWS double. The release under test
 * ships one more migration than the tenants were onboarded with (test/fixtures/schema-change).
 */

let database: WorkflowDatabase;
let before: MigrationsFolder;
let after: MigrationsFolder;
let double: AwsDouble;
let restore: () => void;
let fleet = 0;

beforeAll(async () => {
  database = await startWorkflowDatabase();
  before = migrationsFolder(false);
  after = migrationsFolder(true);
});
afterAll(async () => {
  await database?.stop();
  before?.remove();
  after?.remove();
});
beforeEach(() => {
  double = createWorkflowDouble({ database });
  restore = installWorkflowDouble(double);
});
afterEach(() => restore());

/** Tenant ids unique to this test (every test gets fresh databases). */
function ids(...names: string[]): string[] {
  fleet += 1;
  return names.map((name) => `${name}-${fleet}`);
}

async function seed(tenantIds: string[], overrides: Record<string, Partial<FleetTenant>> = {}) {
  for (const tenantId of tenantIds) {
    await seedFleetTenant(double, database, { tenantId, migratedWith: before.dir, ...overrides[tenantId] });
  }
}

async function onTenant<T>(tenantId: string, work: (client: Client) => Promise<T>): Promise<T> {
  const [, master] = database.passwords;
  const client = new Client(
    connectionTo(database.server, tenantDatabase(tenantId), { user: MASTER_USERNAME, password: master as string }),
  );
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The migrations the tenant's database records. */
const applied = (tenantId: string) =>
  onTenant(tenantId, async (c) =>
    (await c.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id')).rows.map((r) => r.name),
  );

/** A column the new migration also adds, with another type: the migration fails on this tenant. */
const breakTenant = (tenantId: string) =>
  onTenant(tenantId, (c) => c.query('ALTER TABLE projects ADD COLUMN labels integer'));
const repairTenant = (tenantId: string) =>
  onTenant(tenantId, (c) => c.query('ALTER TABLE projects DROP COLUMN labels'));

const record = (tenantId: string) => registryRecord(double, tenantId) as Promise<TenantRecord | undefined>;
const rolloutRecord = async () =>
  (await double.dynamodb.items(synthesizedWorkflow().rollout.tableName)).find((i) => i.lockId === ROLLOUT_LOCK_ID) as
    | RolloutRecord
    | undefined;
const planOf = (run: { stateData: unknown[] }) =>
  (run.stateData.findLast((d) => (d as { plan?: unknown })?.plan) as { plan: RolloutPlan } | undefined)?.plan;
const rollout = (input: unknown, executionName?: string) =>
  runRollout(input, { double, database, environment: { MIGRATIONS_DIR: after.dir }, executionName });

describe('schema rollout workflow', () => {
  it('brings every ACTIVE tenant to the new migration in gated waves and skips the others', async () => {
    // Prepare: five ACTIVE tenants, one still provisioning, one failed
    const tenants = ids('a', 'b', 'c', 'd', 'e');
    const [provisioning, failed] = ids('p', 'f');
    await seed([...tenants, provisioning as string, failed as string], {
      [provisioning as string]: { status: 'PROVISIONING' },
      [failed as string]: { status: 'FAILED' },
    });

    // Act
    const run = await rollout({ canary: 1, waves: { by: 'percent', steps: [50, 100] } });

    // Assess: succeeded through a canary of one and two waves of two, each gated on the previous
    expect(run.status).toBe('SUCCEEDED');
    expect(run.endState).toBe(ROLLOUT_STATE_NAMES.completed);
    expect(run.mapRuns.map((m) => [m.items, m.failed])).toEqual([
      [1, 0],
      [2, 0],
      [2, 0],
    ]);
    for (const tenantId of tenants) {
      expect(await applied(tenantId)).toEqual(after.names);
      expect(await record(tenantId)).toMatchObject({ schemaVersion: SCHEMA_CHANGE });
    }
    // Assess: tenants that are not ACTIVE were not touched
    for (const tenantId of [provisioning, failed] as string[]) {
      expect(await applied(tenantId)).toEqual(before.names);
      expect((await record(tenantId))?.schemaVersion).toBe(before.names.at(-1));
    }
    expect(await rolloutRecord()).toMatchObject({ status: 'COMPLETED', target: SCHEMA_CHANGE });
    expect(findLeaks([run], [...double.allSecretValues(), ...database.passwords])).toEqual([]);
    // Assess: the wave lists went through S3, not through the state
    expect(planOf(run)?.waves.map((w) => w.size)).toEqual([1, 2, 2]);
  });

  it('halts when a canary fails, touching no other tenant, recording the reason and alerting', async () => {
    // Prepare
    const [canary, ...others] = ids('canary', 'x', 'y') as [string, ...string[]];
    await seed([canary, ...others]);
    await breakTenant(canary);

    // Act
    const run = await rollout({ canary: [canary], tolerate: '50%' });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.endState).toBe(ROLLOUT_STATE_NAMES.halted);
    expect(run.mapRuns).toHaveLength(1);
    for (const tenantId of others) expect(await applied(tenantId)).toEqual(before.names);
    expect(await applied(canary)).toEqual(before.names);
    expect((await record(canary))?.rolloutFailure).toMatchObject({
      error: ERROR_NAMES.migrationFailed,
      reason: expect.stringContaining('labels'),
      wave: 0,
    });
    const halted = await rolloutRecord();
    expect(halted).toMatchObject({
      status: 'HALTED',
      haltReason: expect.stringContaining('2 tenants in later waves were not touched'),
    });
    expect(halted?.waves['0']).toMatchObject({
      failed: 1,
      failures: [{ tenantId: canary, error: ERROR_NAMES.migrationFailed }],
    });
    expect(run.snsMessages).toHaveLength(1);
    expect(run.snsMessages[0]?.subject).toContain('halted at wave 0');
    expect(findLeaks([run], [...double.allSecretValues(), ...database.passwords])).toEqual([]);
  });

  it.each([
    ['a count', '1', 'SUCCEEDED', 1],
    ['a percentage', '20%', 'SUCCEEDED', 1],
    ['a count, exceeded', '1', 'FAILED', 2],
    ['a percentage, exceeded', '20%', 'FAILED', 2],
  ])('tolerates failures up to %s (tolerate %s): %s with %i failing', async (_case, tolerate, status, failing) => {
    // Prepare: a healthy canary, then one wave of five with `failing` broken tenants
    const [canary, ...wave] = ids('k', 'w1', 'w2', 'w3', 'w4', 'w5') as [string, ...string[]];
    await seed([canary, ...wave]);
    const broken = wave.slice(0, failing);
    for (const tenantId of broken) await breakTenant(tenantId);

    // Act
    const run = await rollout({
      canary: [canary],
      tolerate,
      maxConcurrency: 1,
      waves: { by: 'percent', steps: [100] },
    });

    // Assess
    expect(run.status).toBe(status);
    for (const tenantId of broken) {
      expect(await applied(tenantId)).toEqual(before.names);
      expect((await record(tenantId))?.rolloutFailure?.error).toBe(ERROR_NAMES.migrationFailed);
    }
    const waveRun = run.mapRuns[1];
    expect(waveRun?.failed).toBe(failing);
    if (status === 'FAILED') {
      // With one at a time, the halt comes right after the failure that crossed the threshold.
      expect(waveRun?.started).toBe(failing);
      expect(await rolloutRecord()).toMatchObject({ status: 'HALTED' });
    } else {
      expect(await rolloutRecord()).toMatchObject({ status: 'COMPLETED' });
      expect((await rolloutRecord())?.waves['1']).toMatchObject({ size: 5, failed: 1 });
    }
  });

  it('resumes: started again after a halt, it continues with the tenants still behind', async () => {
    // Prepare: a halted rollout (the canary passed, the next wave crossed its tolerance)
    const [canary, ...wave] = ids('r0', 'r1', 'r2', 'r3') as [string, ...string[]];
    await seed([canary, ...wave]);
    await breakTenant(wave[0] as string);
    const first = await rollout({ canary: [canary], maxConcurrency: 1 });
    expect(first.status).toBe('FAILED');

    // Act: the operator repairs the tenant and starts the rollout again
    await repairTenant(wave[0] as string);
    const second = await rollout({ canary: 1 });

    // Assess: the second plan holds only the tenants still behind; everyone reaches the target
    expect(second.status).toBe('SUCCEEDED');
    const plan = planOf(second);
    expect(plan?.waves.flatMap((w) => w.size)).not.toContain(0);
    expect(plan?.atTarget).toBeGreaterThanOrEqual(1);
    expect(plan?.waves.reduce((n, w) => n + w.size, 0)).toBe(4 - (plan?.atTarget ?? 0));
    for (const tenantId of [canary, ...wave]) expect(await applied(tenantId)).toEqual(after.names);
    expect((await record(wave[0] as string))?.rolloutFailure).toBeUndefined();
  });

  it('converges after a crash between migrating a tenant and recording it', async () => {
    // Prepare: the first registry write of the version dies with the Lambda (the database already committed)
    const tenants = ids('c1', 'c2');
    await seed(tenants);
    double.faults.add({
      service: 'dynamodb',
      command: 'UpdateItem',
      kind: 'crashAfter',
      match: (input) =>
        JSON.stringify(input).includes(SCHEMA_CHANGE) && JSON.stringify(input).includes(tenants[0] as string),
    });

    // Act
    const run = await rollout({ canary: 1 });

    // Assess: the retried item found the database migrated but unrecorded (no drift) and recorded it
    expect(run.status).toBe('SUCCEEDED');
    for (const tenantId of tenants) expect(await record(tenantId)).toMatchObject({ schemaVersion: SCHEMA_CHANGE });
    expect(run.invocations.filter((i) => i.name === 'MigrateTenant' && i.outcome === 'crashed')).toHaveLength(1);
  });

  it('reports drift instead of migrating over it', async () => {
    // Prepare: one database holds a migration the platform does not ship
    const [drifted, healthy] = ids('drift', 'ok') as [string, string];
    await seed([drifted, healthy]);
    await onTenant(drifted, (c) =>
      c.query("INSERT INTO pgmigrations (name, run_on) VALUES ('20261115000000000_hotfix', now())"),
    );

    // Act
    const run = await rollout({ canary: [healthy], tolerate: '1' });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect((await record(drifted))?.rolloutFailure).toMatchObject({
      error: ERROR_NAMES.schemaDrift,
      reason: expect.stringContaining('20261115000000000_hotfix'),
    });
    expect(await applied(drifted)).not.toContain(SCHEMA_CHANGE);
    expect(await applied(healthy)).toEqual(after.names);
  });

  it('leaves a tenant onboarded during the rollout to its own workflow, which brings it to the new version', async () => {
    // Prepare
    const tenants = ids('m1', 'm2');
    await seed(tenants);
    const [newcomer] = ids('newcomer') as [string];

    // Act: the onboarding and the rollout run side by side, with the same release
    const [onboarding, run] = await Promise.all([
      runWorkflow(
        { tenantId: newcomer, tier: 'starter' },
        { double, database, environment: { MIGRATIONS_DIR: after.dir } },
      ),
      rollout({ canary: 1 }),
    ]);

    // Assess: the rollout never took the tenant (not ACTIVE when planned); its onboarding recorded the new version
    expect(onboarding.status).toBe('SUCCEEDED');
    expect(run.status).toBe('SUCCEEDED');
    expect(planOf(run)?.waves.reduce((n, w) => n + w.size, 0)).toBe(2);
    expect(await record(newcomer)).toMatchObject({ status: 'ACTIVE', schemaVersion: SCHEMA_CHANGE });
    for (const tenantId of tenants) expect(await record(tenantId)).toMatchObject({ schemaVersion: SCHEMA_CHANGE });
  });

  it('runs one rollout at a time: a second one is refused and touches nothing', async () => {
    // Prepare: another rollout holds the lock
    const tenants = ids('l1');
    await seed(tenants);
    const table = synthesizedWorkflow().rollout.tableName;
    await double.dynamodb.seed(table, {
      lockId: ROLLOUT_LOCK_ID,
      rolloutId: 'earlier',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-workflow-schema-rollout:earlier',
      status: 'RUNNING',
      target: SCHEMA_CHANGE,
      requestedBy: 'ops',
      startedAt: new Date(double.clock.now()).toISOString(),
      updatedAt: new Date(double.clock.now()).toISOString(),
      leaseExpiresAt: new Date(double.clock.now() + 3_600_000).toISOString(),
      waves: {},
    });

    // Act
    const run = await rollout({});

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.endState).toBe(ROLLOUT_STATE_NAMES.rejected);
    expect(run.error?.Error).toBe(ERROR_NAMES.rolloutConflict);
    expect(await applied(tenants[0] as string)).toEqual(before.names);
    expect(await rolloutRecord()).toMatchObject({ rolloutId: 'earlier', status: 'RUNNING' });
  });

  it('rejects invalid options before touching anything', async () => {
    // Act
    const run = await rollout({ tolerate: 'lots', __proto__: { x: 1 } });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe(ERROR_NAMES.validation);
    expect(await rolloutRecord()).toBeUndefined();
  });
});
