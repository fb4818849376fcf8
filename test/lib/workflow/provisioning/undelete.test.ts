import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteDBInstanceCommand, ModifyDBInstanceCommand, RDSClient, RDSServiceException } from '@aws-sdk/client-rds';
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Client } from 'pg';
import { RUNTIME_ENV } from '../../../../lambdas/shared/config';
import { OUTCOME_DETAIL_TYPES, STEPS } from '../../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import {
  APP_USERNAME,
  alarmNames,
  appSecretName,
  DATABASE_NAME,
  instanceIdentifier,
  MASTER_USERNAME,
} from '../../../../lambdas/shared/naming';
import { DEFAULT_TIERS } from '../../../../lambdas/shared/tiers';
import { type AwsDouble, DEFAULT_RDS_TIMINGS } from '../../../../lib/local/aws';
import { serviceError } from '../../../../lib/local/aws/errors';
import { connectionTo } from '../../../support/postgres';
import { findLeaks, registryRecord, synthesizedWorkflow } from '../../../support/workflow-harness';
import { handlerEnvironment } from '../../../support/workflow-harness/environment';
import { useWorkflow } from './fixtures';
import { seedOffboardedTenant } from './undelete-fixtures';

/**
 * Undelete: onboarding an offboarded tenant restores its final snapshot on its tier's current settings, then runs
 * the remaining steps (credentials, migrations, backups, alarms) as for a new tenant. The synthesized workflow, the
 * real handlers, the AWS double and a real PostgreSQL behind every instance.
 */

const workflow = useWorkflow();

const tiers = Object.keys(DEFAULT_TIERS);

/** The password in the tenant's secret is the one the restored database accepts. */
async function expectApplicationLogin(double: AwsDouble, tenantId: string) {
  const arn = (await registryRecord(double, tenantId))?.secretArn ?? '';
  const { password } = JSON.parse(double.secretsManager.currentValue(arn, double.region) ?? '{}');
  await expect(workflow.database().logIn(APP_USERNAME, password)).resolves.toBe(APP_USERNAME);
}

function okCalls(double: AwsDouble, service: 'rds' | 'secretsmanager', command: string) {
  return double.callsTo(service, command).filter((c) => c.outcome === 'ok');
}

/** What a completed undelete leaves: one restored instance with its new master secret, the secret, the alarms. */
async function expectRestored(double: AwsDouble, tenantId: string, tier: string, secretArn: string | undefined) {
  const inventory = double.inventory();
  expect(inventory.instances.map((i) => i.identifier)).toEqual([instanceIdentifier(tenantId)]);
  expect(inventory.secrets.map((s) => [s.name, s.scheduledDeletion])).toEqual([[appSecretName(tenantId), undefined]]);
  if (secretArn) expect(inventory.secrets[0]?.arn).toBe(secretArn);
  expect(inventory.managedSecrets).toHaveLength(1);
  expect(inventory.alarms.map((a) => a.name).sort()).toEqual(alarmNames(tenantId).sort());
  expect(okCalls(double, 'rds', 'CreateDBInstance')).toEqual([]);
  // One restore went through (a function that died right after it found it on its retry).
  const restores = double.callsTo('rds', 'RestoreDBInstanceFromDBSnapshot');
  expect(restores.filter((c) => c.outcome === 'ok' || c.outcome === 'crashed')).toHaveLength(1);
  const instance = double.rds.describeInstance(instanceIdentifier(tenantId), double.region);
  const definition = DEFAULT_TIERS[tier];
  expect(instance).toMatchObject({
    DBInstanceClass: definition?.instanceClass,
    MultiAZ: definition?.multiAz,
    MonitoringInterval: definition?.monitoring.enhancedMonitoringIntervalSeconds,
    PerformanceInsightsEnabled: definition?.monitoring.performanceInsights,
    StorageEncrypted: true,
    DeletionProtection: definition?.deletionProtection,
  });
  expect(double.violations).toEqual([]);
}

describe('onboarding an offboarded tenant', () => {
  it.each(tiers)('%s tier: restores the final snapshot and ends ACTIVE, restored', async (tier) => {
    // Prepare
    const double = workflow.double();
    const tenantId = `undelete-${tier}`;
    const offboarded = await seedOffboardedTenant(double, tenantId, { tier });

    // Act
    const run = await workflow.provision(tenantId, tier);

    // Assess: the execution, the instance and the secret
    expect(run).toMatchObject({ status: 'SUCCEEDED', endState: 'Provisioned' });
    await expectRestored(double, tenantId, tier, offboarded.secretArn);
    const restoreInput = okCalls(double, 'rds', 'RestoreDBInstanceFromDBSnapshot')[0]?.input;
    expect(restoreInput).toMatchObject({
      DBSnapshotIdentifier: offboarded.snapshot.snapshotId,
      DBInstanceClass: DEFAULT_TIERS[tier]?.instanceClass,
    });
    await expectApplicationLogin(double, tenantId);

    // Assess: the registry says restored and keeps what the purge job needs
    expect(await registryRecord(double, tenantId)).toMatchObject({
      status: 'ACTIVE',
      attempt: 2,
      restoredFrom: { snapshotArn: offboarded.snapshot.arn, takenAt: offboarded.snapshot.takenAt },
      finalSnapshots: [offboarded.snapshot],
      purgeAfter: offboarded.record.purgeAfter,
      lifecycleHistory: offboarded.record.lifecycleHistory,
    });

    // Assess: the outcome is "restored", which consumers tell apart from a new tenant, without any secret
    const restored = run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.restored);
    expect(restored).toHaveLength(1);
    expect(restored[0]?.detail).toMatchObject({
      tenantId,
      tier,
      restoredFrom: { snapshotArn: offboarded.snapshot.arn, takenAt: offboarded.snapshot.takenAt },
    });
    expect(run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.provisioned)).toEqual([]);
    expect(findLeaks([run], [...double.allSecretValues(), ...workflow.database().passwords])).toEqual([]);
  });

  it('whose secret is already gone creates a new one', async () => {
    // Prepare
    const double = workflow.double();
    const tenantId = 'undelete-nosecret';
    await seedOffboardedTenant(double, tenantId, { tier: 'starter', secret: 'gone' });

    // Act
    const run = await workflow.provision(tenantId, 'starter');

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    await expectRestored(double, tenantId, 'starter', undefined);
    expect(okCalls(double, 'secretsmanager', 'RestoreSecret')).toEqual([]);
    await expectApplicationLogin(double, tenantId);
  });

  it('restores at least the snapshot storage when the tier now allocates less', async () => {
    // Prepare
    const double = workflow.double();
    const tenantId = 'undelete-grown';
    await seedOffboardedTenant(double, tenantId, { tier: 'starter', snapshotGiB: 137 });

    // Act
    const run = await workflow.provision(tenantId, 'starter');

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(double.rds.describeInstance(instanceIdentifier(tenantId), double.region)?.AllocatedStorage).toBe(137);
  });
});

describe('a purged tenant', () => {
  it('is onboarded afresh with an empty database', async () => {
    // Prepare
    const double = workflow.double();
    const tenantId = 'purged-tenant';
    await seedOffboardedTenant(double, tenantId, { tier: 'pro', status: 'PURGED' });

    // Act
    const run = await workflow.provision(tenantId, 'pro');

    // Assess
    expect(run).toMatchObject({ status: 'SUCCEEDED', endState: 'Provisioned' });
    expect(okCalls(double, 'rds', 'CreateDBInstance')).toHaveLength(1);
    expect(double.callsTo('rds', 'RestoreDBInstanceFromDBSnapshot')).toEqual([]);
    const record = await registryRecord(double, tenantId);
    expect(record).toMatchObject({ status: 'ACTIVE', attempt: 2 });
    expect(record?.restoredFrom).toBeUndefined();
    expect(run.publishedEvents.map((e) => e.detailType)).toContain(OUTCOME_DETAIL_TYPES.provisioned);
  });
});

const throttled = [
  ['rds', 'DescribeDBSnapshots'],
  ['rds', 'RestoreDBInstanceFromDBSnapshot'],
  ['rds', 'ModifyDBInstance'],
  ['secretsmanager', 'RestoreSecret'],
  ['secretsmanager', 'TagResource'],
  ['secretsmanager', 'PutSecretValue'],
] as const;

describe('a fault during an undelete', () => {
  it.each(throttled)('a throttled %s %s is retried and the restore completes', async (service, command) => {
    // Prepare
    const double = workflow.double();
    const tenantId = `throttled-${throttled.findIndex(([, c]) => c === command)}`;
    const offboarded = await seedOffboardedTenant(double, tenantId, { tier: 'pro' });
    double.faults.add({ service, command, kind: 'throttle', times: 2 });

    // Act
    const run = await workflow.provision(tenantId, 'pro');

    // Assess
    expect(double.faults.pending()).toEqual([]);
    expect(run.status).toBe('SUCCEEDED');
    await expectRestored(double, tenantId, 'pro', offboarded.secretArn);
    await expectApplicationLogin(double, tenantId);
  });

  it.each(throttled)('a function that dies right after %s %s finds its own work', async (service, command) => {
    // Prepare
    const double = workflow.double();
    const tenantId = `crashed-${throttled.findIndex(([, c]) => c === command)}`;
    const offboarded = await seedOffboardedTenant(double, tenantId, { tier: 'pro' });
    double.faults.add({ service, command, kind: 'crashAfter' });

    // Act
    const run = await workflow.provision(tenantId, 'pro');

    // Assess
    expect(double.faults.pending()).toEqual([]);
    expect(run.status).toBe('SUCCEEDED');
    await expectRestored(double, tenantId, 'pro', offboarded.secretArn);
    await expectApplicationLogin(double, tenantId);
  });

  it.each([
    [STEPS.createInstance, 'rds', 'RestoreDBInstanceFromDBSnapshot'],
    [STEPS.waitForInstance, 'rds', 'ModifyDBInstance'],
    [STEPS.storeCredentials, 'secretsmanager', 'PutSecretValue'],
    [STEPS.configureAlarms, 'cloudwatch', 'PutMetricAlarm'],
  ] as const)(
    'a permanent failure at %s rolls back, keeps the snapshot, and the next onboarding restores',
    async (step, service, command) => {
      // Prepare
      const double = workflow.double();
      const tenantId = `broken-${step.toLowerCase()}`;
      const offboarded = await seedOffboardedTenant(double, tenantId, { tier: 'pro' });
      const error = serviceError(RDSServiceException, 'AccessDeniedException', `not authorized to perform: ${command}`);
      double.faults.add({ service, command, kind: 'error', error });

      // Act
      const failed = await workflow.provision(tenantId, 'pro');

      // Assess: failed, nothing of the attempt left, the snapshot and the record's snapshot fields kept
      expect(failed.status).toBe('FAILED');
      expect(double.inventory().instances).toEqual([]);
      expect(double.rdsSnapshots.list()).toEqual([
        expect.objectContaining({
          identifier: offboarded.snapshot.snapshotId,
          region: double.region,
          status: 'available',
        }),
      ]);
      expect(await registryRecord(double, tenantId)).toMatchObject({
        status: 'FAILED',
        failedStep: step,
        finalSnapshots: [offboarded.snapshot],
        purgeAfter: offboarded.record.purgeAfter,
      });

      // Act: onboard again
      const again = await workflow.provision(tenantId, 'pro');

      // Assess: restored from the same snapshot
      expect(again.status).toBe('SUCCEEDED');
      expect(await registryRecord(double, tenantId)).toMatchObject({
        status: 'ACTIVE',
        restoredFrom: { snapshotArn: offboarded.snapshot.arn },
      });
      await expectApplicationLogin(double, tenantId);
    },
  );

  it('a snapshot deleted by hand fails the onboarding with the snapshot named, before anything is created', async () => {
    // Prepare
    const double = workflow.double();
    const tenantId = 'undelete-no-snapshot';
    const offboarded = await seedOffboardedTenant(double, tenantId, { tier: 'starter', snapshotMissing: true });

    // Act
    const run = await workflow.provision(tenantId, 'starter');

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe(ERROR_NAMES.awsRequest);
    expect(run.error?.Cause).toContain(offboarded.snapshot.snapshotId);
    expect(double.callsTo('rds', 'RestoreDBInstanceFromDBSnapshot')).toEqual([]);
    expect(double.callsTo('rds', 'CreateDBInstance')).toEqual([]);
    expect(double.inventory().instances).toEqual([]);
    const record = await registryRecord(double, tenantId);
    expect(record).toMatchObject({ status: 'FAILED', failedStep: STEPS.createInstance });
    expect(record?.failureReason).toContain('no longer exists');
  });
});

describe('the purge job and an undelete racing for one tenant', () => {
  const registry = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const table = () => handlerEnvironment(synthesizedWorkflow())[RUNTIME_ENV.registryTable.name] as string;
  /** The purge job's take, as its contract states: conditional on OFFBOARDED and no operation. */
  const purgeTakes = (tenantId: string) =>
    registry().send(
      new UpdateCommand({
        TableName: table(),
        Key: { tenantId },
        UpdateExpression: 'SET #operation = :operation, updatedAt = :now',
        ConditionExpression: '#status = :offboarded AND attribute_not_exists(#operation)',
        ExpressionAttributeNames: { '#status': 'status', '#operation': 'operation' },
        ExpressionAttributeValues: {
          ':offboarded': 'OFFBOARDED',
          ':now': '2027-02-19T00:00:00.000Z',
          ':operation': {
            name: 'purge',
            executionArn: 'arn:aws:states:us-east-1:123456789012:execution:purge:nightly',
            requestedBy: 'schedule',
            startedAt: '2027-02-19T00:00:00.000Z',
          },
        },
      }),
    );

  it('the purge wins: the onboarding is rejected and touches nothing', async () => {
    // Prepare
    const double = workflow.double();
    const tenantId = 'race-purge-first';
    await seedOffboardedTenant(double, tenantId, { tier: 'starter' });
    await purgeTakes(tenantId);

    // Act
    const run = await workflow.provision(tenantId, 'starter');

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe(ERROR_NAMES.tenantConflict);
    expect(run.error?.Cause).toContain('purge');
    expect(double.inventory().instances).toEqual([]);
    expect(run.publishedEvents.map((e) => e.detailType)).toEqual([OUTCOME_DETAIL_TYPES.rejected]);
    expect((await registryRecord(double, tenantId))?.status).toBe('OFFBOARDED');
  });

  it('the undelete wins: the purge job cannot take the tenant', async () => {
    // Prepare
    const double = workflow.double();
    const tenantId = 'race-undelete-first';
    await seedOffboardedTenant(double, tenantId, { tier: 'starter' });

    // Act
    const run = await workflow.provision(tenantId, 'starter');
    const purge = purgeTakes(tenantId);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    await expect(purge).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(double.rdsSnapshots.list()).toHaveLength(1);
  });
});

describe('the data of an undeleted tenant (real PostgreSQL)', () => {
  const NOTE = 'written before offboarding';
  const SNAPSHOT_DATABASE = 'undelete_final_snapshot';

  /** Runs `sql` as the RDS-like master user in the tenant database. */
  async function asMaster<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const { server, backingServer } = workflow.database();
    const client = new Client(
      connectionTo(server, DATABASE_NAME, { user: MASTER_USERNAME, password: backingServer.masterPassword }),
    );
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Runs `sql` as the server's superuser on its maintenance database (creating and dropping databases). */
  async function asSuperuser(sql: string): Promise<void> {
    const admin = await workflow.database().server.superuser('postgres');
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  }

  afterAll(() => asSuperuser(`DROP DATABASE IF EXISTS ${SNAPSHOT_DATABASE} WITH (FORCE)`));

  it('a row written before offboarding is read after onboarding the tenant again', async () => {
    // Prepare: a live tenant writes a row
    const double = workflow.double();
    const tenantId = 'data-comes-back';
    expect((await workflow.provision(tenantId, 'starter')).status).toBe('SUCCEEDED');
    await asMaster('CREATE TABLE undelete_probe (note text NOT NULL)');
    await asMaster('INSERT INTO undelete_probe (note) VALUES ($1)', [NOTE]);

    // Prepare: offboarding, by hand as the offboarding workflow would do it: the final snapshot (a copy of the
    // database), the instance, its secret (with a recovery window) and alarms deleted, the data gone
    await asSuperuser(`CREATE DATABASE ${SNAPSHOT_DATABASE} TEMPLATE ${DATABASE_NAME}`);
    const rds = new RDSClient({});
    await rds.send(
      new ModifyDBInstanceCommand({ DBInstanceIdentifier: instanceIdentifier(tenantId), DeletionProtection: false }),
    );
    await rds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: instanceIdentifier(tenantId), SkipFinalSnapshot: true }),
    );
    double.clock.advance(DEFAULT_RDS_TIMINGS.deletionMs);
    await new CloudWatchClient({}).send(new DeleteAlarmsCommand({ AlarmNames: alarmNames(tenantId) }));
    const live = await registryRecord(double, tenantId);
    await new SecretsManagerClient({}).send(
      new DeleteSecretCommand({ SecretId: live?.secretArn, RecoveryWindowInDays: 7 }),
    );
    await asSuperuser(`DROP DATABASE ${DATABASE_NAME} WITH (FORCE)`);
    const offboarded = await seedOffboardedTenant(double, tenantId, {
      tier: 'starter',
      secret: 'gone',
      data: SNAPSHOT_DATABASE,
    });
    double.rds.restores.onRestore = (data) =>
      asSuperuser(`CREATE DATABASE ${DATABASE_NAME} TEMPLATE ${data} OWNER ${MASTER_USERNAME}`);

    // Act
    const run = await workflow.provision(tenantId, 'starter');

    // Assess: restored, and the row is there for the master and reachable with the application's new password
    expect(run.status).toBe('SUCCEEDED');
    expect((await registryRecord(double, tenantId))?.restoredFrom?.snapshotArn).toBe(offboarded.snapshot.arn);
    await expect(asMaster<{ note: string }>('SELECT note FROM undelete_probe')).resolves.toEqual([{ note: NOTE }]);
    await expectApplicationLogin(double, tenantId);
    expect(okCalls(double, 'secretsmanager', 'RestoreSecret')).toHaveLength(1);
  });
});
