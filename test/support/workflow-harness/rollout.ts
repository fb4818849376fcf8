/**
 * The schema rollout workflow in the harness: its synthesized definition run by `runWorkflow` (Distributed Maps
 * emulated, see distributed-map.ts), and tenants whose databases are real databases on the test server, each at the
 * version a test needs, with registry records that say where they are.
 *
 * @module
 */
import type { TenantRecord, TenantStatus } from '../../../lambdas/shared/contracts';
import { rdsTls } from '../../../lambdas/shared/database/tls';
import { MASTER_USERNAME } from '../../../lambdas/shared/naming';
import { runTenantMigrations } from '../../../lambdas/shared/schema/runner';
import type { AwsDouble } from '../../../lib/local/aws';
import { createRdsLikeDatabase } from '../postgres';
import type { WorkflowDatabase } from './database';
import { type RunWorkflowOptions, runWorkflow, type WorkflowRun } from './run';
import { synthesizedWorkflow } from './synthesized';

/**
 * Runs the rollout state machine once with `input` (the rollout request).
 *
 * @example
 * ```ts
 * const run = await runRollout({ canary: ['acme'], tolerate: '1' }, { double, database });
 * ```
 */
export function runRollout(
  input: unknown,
  options: Omit<RunWorkflowOptions, 'definition' | 'stateMachineArn'>,
): Promise<WorkflowRun> {
  const { rollout } = synthesizedWorkflow();
  return runWorkflow(input, { ...options, definition: rollout.definition, stateMachineArn: rollout.stateMachineArn });
}

/** A tenant of a fleet test. */
export interface FleetTenant {
  tenantId: string;
  tier?: string;
  status?: TenantStatus;
  /** The migrations folder its database was last migrated with (as its onboarding or an earlier release left it). */
  migratedWith: string;
  /** Record this version instead of the one the database reached (drift, or a tenant onboarded before versions). */
  recordedVersion?: string | null;
}

/** The tenant's database name on the test server. */
export function tenantDatabase(tenantId: string): string {
  return `fleet_${tenantId.replaceAll('-', '_')}`;
}

/**
 * Creates the tenant's database on the test server (owned by the master login the double's RDS-managed secrets
 * hold), migrates it with `migratedWith`, creates its master secret in the double and writes its registry record.
 */
export async function seedFleetTenant(double: AwsDouble, database: WorkflowDatabase, tenant: FleetTenant) {
  const { backingServer } = database;
  const name = tenantDatabase(tenant.tenantId);
  await createRdsLikeDatabase(database.server, {
    database: name,
    masterUser: MASTER_USERNAME,
    masterPassword: backingServer.masterPassword,
  });
  const result = await runTenantMigrations({
    target: {
      host: backingServer.address,
      port: backingServer.port,
      database: name,
      user: MASTER_USERNAME,
      password: backingServer.masterPassword,
      tls: rdsTls(database.caFile),
    },
    appPassword: `App-${backingServer.masterPassword}`,
    migrationsDir: tenant.migratedWith,
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const masterSecretArn = double.secretsManager.createManaged({
    region: double.region,
    name: `rds!db-${tenant.tenantId}`,
    owningService: 'rds',
    kmsKeyId: 'alias/aws/secretsmanager',
    tags: [
      {
        Key: 'aws:rds:primaryDBInstanceArn',
        Value: `arn:aws:rds:${double.region}:${double.account}:db:tenant-${tenant.tenantId}`,
      },
    ],
    value: JSON.stringify({ username: MASTER_USERNAME, password: backingServer.masterPassword }),
  });
  const version = tenant.recordedVersion === undefined ? result.version : (tenant.recordedVersion ?? undefined);
  const record: TenantRecord = {
    tenantId: tenant.tenantId,
    tier: tenant.tier ?? 'starter',
    status: tenant.status ?? 'ACTIVE',
    requestId: `${tenant.tenantId}-1`,
    requestedBy: 'test',
    executionArn: `arn:aws:states:${double.region}:${double.account}:execution:provisioning:${tenant.tenantId}-1`,
    attempt: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    instanceId: `tenant-${tenant.tenantId}`,
    endpointAddress: backingServer.address,
    endpointPort: backingServer.port,
    databaseName: name,
    masterSecretArn,
    ...(version ? { schemaVersion: version, schemaVersionAt: '2026-11-01T00:00:00.000Z' } : {}),
  };
  await double.dynamodb.seed(registryTableName(), { ...record });
}

function registryTableName(): string {
  const fn = Object.values(synthesizedWorkflow().rollout.taskFunctions)[0];
  const name = fn?.environment.REGISTRY_TABLE_NAME;
  if (!name) throw new Error('workflow harness: the rollout functions have no REGISTRY_TABLE_NAME');
  return name;
}
