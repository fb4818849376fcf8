import {
  CloudWatchClient,
  ResourceNotFoundException as CloudWatchResourceNotFoundException,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  ResourceNotFound,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DBInstance,
  type DBInstanceAutomatedBackup,
  DBInstanceAutomatedBackupNotFoundFault,
  DBInstanceNotFoundFault,
  DeleteDBInstanceAutomatedBackupCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceAutomatedBackupStateFault,
  InvalidDBInstanceStateFault,
  ModifyDBInstanceCommand,
  RDSClient,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  InvalidRequestException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { type ObservedInstance, type ObservedResources, planRollback } from '../../../lambdas/rollback/plan';
import { type RollbackPassResult, rollbackPass } from '../../../lambdas/rollback/rollback';
import { clock } from '../../../lambdas/shared/clock';
import { DEFAULT_ROLLBACK_MAX_PASSES } from '../../../lambdas/shared/config';
import type { RollbackResult, TenantRecord, ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { alarmNames, type OwnerContext, ownershipTags } from '../../../lambdas/shared/naming';
import { metrics } from '../../../lambdas/shared/runtime';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';

const ACCOUNT = '123456789012';
const INSTANCE_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:db:tenant-acme`;
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:saas/tenant/acme/app-AbCdEf`;
const BACKUP_REGION = 'us-west-2';
const REPLICATION_ARN = `arn:aws:rds:${BACKUP_REGION}:${ACCOUNT}:auto-backup:ab-EXAMPLE`;
const OTHER_REPLICATION_ARN = `arn:aws:rds:${BACKUP_REGION}:${ACCOUNT}:auto-backup:ab-OLDER`;
const REPLICATED = `replicated-backups:${REPLICATION_ARN}`;
const TIERS = Object.keys(DEFAULT_TIERS);
const REGISTRY_TABLE = 'tenant-registry';
/** The deadline CreateInstance reported in {@link stateFor}. */
const DEADLINE = '2026-11-26T12:00:00.000Z';
/** The time of every pass here (the shared clock's), just after the deadline. */
const NOW = '2026-11-26T12:00:30.000Z';
/** Since when earlier passes have not seen the instance in {@link afterInstanceUnseen}: longer than RDS's delay. */
const UNSEEN_SINCE = '2026-11-26T11:58:00.000Z';

function tierOf(name: string): TierDefinition {
  const tier = DEFAULT_TIERS[name];
  if (!tier) throw new Error(`no tier ${name}`);
  return tier;
}

function ownerFor(tier: string, execution = `acme-${tier}-1`): OwnerContext {
  return {
    tenantId: 'acme',
    tier,
    executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:provisioning:${execution}`,
  };
}

function stateFor(tier: string, extra: Partial<WorkflowState> = {}): WorkflowState {
  return {
    request: { ...ownerFor(tier), tierDefinition: tierOf(tier) } as ValidatedRequest,
    claim: { outcome: 'CLAIMED', attempt: 1 },
    instance: { instanceId: 'tenant-acme', instanceArn: INSTANCE_ARN, deadline: DEADLINE },
    error: { Error: 'AwsRequestError', Cause: '{"errorMessage":"boom"}' },
    ...extra,
  };
}

/**
 * A later pass of the rollback of `tier`: earlier passes have not seen the instance for longer than RDS takes to list
 * a new one, so "not found" now confirms it is gone. (A first pass never takes one "not found" as proof.)
 */
function afterInstanceUnseen(tier: string, extra: Partial<WorkflowState> = {}): WorkflowState {
  const previous: RollbackResult = {
    complete: false,
    leftovers: ['db-instance:tenant-acme'],
    deleted: [],
    passes: 5,
    exhausted: false,
    skipped: [],
    instanceUnseenSince: UNSEEN_SINCE,
  };
  return stateFor(tier, { rollback: previous, ...extra });
}

// ---------------------------------------------------------------------------------------------------------------
// planRollback
// ---------------------------------------------------------------------------------------------------------------

const instance = (overrides: Partial<ObservedInstance> = {}): ObservedInstance => ({
  id: 'tenant-acme',
  arn: INSTANCE_ARN,
  status: 'available',
  owned: true,
  deletionProtection: false,
  replicating: false,
  ...overrides,
});

describe('planRollback', () => {
  it.each<[string, ObservedResources, ReturnType<typeof planRollback>]>([
    ['nothing exists', { alarms: [] }, { actions: [], remaining: [], skipped: [], stuck: [] }],
    [
      'everything exists and is ours (reverse creation order)',
      {
        alarms: [
          { name: 'tenant-alarm-acme-cpu-utilization', owned: true },
          { name: 'tenant-alarm-acme-free-storage', owned: true },
        ],
        secret: { arn: SECRET_ARN, owned: true, scheduledForDeletion: false },
        instance: instance({ deletionProtection: true, replicating: true }),
      },
      {
        actions: [
          { kind: 'delete-alarms', names: ['tenant-alarm-acme-cpu-utilization', 'tenant-alarm-acme-free-storage'] },
          { kind: 'stop-backup-replication', sourceArn: INSTANCE_ARN },
          { kind: 'delete-secret', arn: SECRET_ARN, scheduledForDeletion: false },
          { kind: 'delete-instance', instanceId: 'tenant-acme', disableDeletionProtection: true },
        ],
        remaining: ['db-instance:tenant-acme'],
        skipped: [],
        stuck: [],
      },
    ],
    [
      'our instance is already deleting',
      { alarms: [], instance: instance({ status: 'deleting', replicating: true }) },
      { actions: [], remaining: ['db-instance:tenant-acme'], skipped: [], stuck: [] },
    ],
    [
      'our instance is still creating (RDS decides whether it can go yet)',
      { alarms: [], instance: instance({ status: 'creating' }) },
      {
        actions: [{ kind: 'delete-instance', instanceId: 'tenant-acme', disableDeletionProtection: false }],
        remaining: ['db-instance:tenant-acme'],
        skipped: [],
        stuck: [],
      },
    ],
    [
      'the instance, secret and an alarm belong to a live tenant',
      {
        alarms: [
          { name: 'tenant-alarm-acme-cpu-utilization', owned: false },
          { name: 'tenant-alarm-acme-read-latency', owned: true },
        ],
        secret: { arn: SECRET_ARN, owned: false, scheduledForDeletion: false },
        instance: instance({ owned: false, replicating: true, deletionProtection: true }),
      },
      {
        actions: [{ kind: 'delete-alarms', names: ['tenant-alarm-acme-read-latency'] }],
        remaining: [],
        skipped: [
          {
            label: 'alarm:tenant-alarm-acme-cpu-utilization',
            reason: expect.stringContaining('tags do not name this execution'),
          },
          { label: `secret:${SECRET_ARN}`, reason: expect.any(String) },
          { label: 'db-instance:tenant-acme', reason: expect.any(String) },
        ],
        stuck: [],
      },
    ],
    [
      'only a secret scheduled for deletion is left',
      { alarms: [], secret: { arn: SECRET_ARN, owned: true, scheduledForDeletion: true } },
      {
        actions: [{ kind: 'delete-secret', arn: SECRET_ARN, scheduledForDeletion: true }],
        remaining: [],
        skipped: [],
        stuck: [],
      },
    ],
    [
      'our replicated backups are retained after the instance is gone',
      { alarms: [], replicatedBackups: [{ arn: REPLICATION_ARN, status: 'retained', owned: true }] },
      { actions: [{ kind: 'delete-replicated-backups', arn: REPLICATION_ARN }], remaining: [], skipped: [], stuck: [] },
    ],
    [
      'our backups still replicate though the source does not report it yet (stop now, delete in a later pass)',
      {
        alarms: [],
        instance: instance(),
        replicatedBackups: [{ arn: REPLICATION_ARN, status: 'pending', owned: true }],
      },
      {
        actions: [
          { kind: 'stop-backup-replication', sourceArn: INSTANCE_ARN },
          { kind: 'delete-instance', instanceId: 'tenant-acme', disableDeletionProtection: false },
        ],
        remaining: [REPLICATED, 'db-instance:tenant-acme'],
        skipped: [],
        stuck: [],
      },
    ],
    [
      'our backups still replicate while the instance is deleting (RDS retains them once it is gone)',
      {
        alarms: [],
        instance: instance({ status: 'deleting', replicating: true }),
        replicatedBackups: [{ arn: REPLICATION_ARN, status: 'replicating', owned: true }],
      },
      { actions: [], remaining: [REPLICATED, 'db-instance:tenant-acme'], skipped: [], stuck: [] },
    ],
    [
      'our replicated backups are being deleted',
      { alarms: [], replicatedBackups: [{ arn: REPLICATION_ARN, status: 'deleting', owned: true }] },
      { actions: [], remaining: [REPLICATED], skipped: [], stuck: [] },
    ],
    [
      "another instance's retained and replicating backups are listed",
      {
        alarms: [],
        instance: instance(),
        replicatedBackups: [
          { arn: OTHER_REPLICATION_ARN, status: 'retained', owned: false },
          { arn: REPLICATION_ARN, status: 'replicating', owned: false },
        ],
      },
      {
        actions: [{ kind: 'delete-instance', instanceId: 'tenant-acme', disableDeletionProtection: false }],
        remaining: ['db-instance:tenant-acme'],
        skipped: [
          { label: `replicated-backups:${OTHER_REPLICATION_ARN}`, reason: expect.stringContaining('DbiResourceId') },
          { label: REPLICATED, reason: expect.stringContaining('DbiResourceId') },
        ],
        stuck: [],
      },
    ],
    [
      'our instance, secret and alarm (the state proves it) no longer carry our tags',
      {
        alarms: [
          { name: 'tenant-alarm-acme-cpu-utilization', owned: false, createdHere: true },
          { name: 'tenant-alarm-acme-read-latency', owned: false, createdHere: false },
        ],
        secret: { arn: SECRET_ARN, owned: false, createdHere: true, scheduledForDeletion: false },
        instance: instance({ owned: false, createdHere: true, replicating: true, deletionProtection: true }),
      },
      {
        actions: [],
        remaining: [],
        skipped: [
          {
            label: 'alarm:tenant-alarm-acme-read-latency',
            reason: expect.stringContaining('tags do not name this execution'),
          },
        ],
        stuck: [
          { label: 'alarm:tenant-alarm-acme-cpu-utilization', reason: expect.stringContaining('tags no longer') },
          { label: `secret:${SECRET_ARN}`, reason: expect.stringContaining('tags no longer') },
          { label: 'db-instance:tenant-acme', reason: expect.stringContaining('tags no longer') },
        ],
      },
    ],
    [
      'our tagged resources are always deleted, whatever the state records',
      {
        alarms: [{ name: 'tenant-alarm-acme-cpu-utilization', owned: true, createdHere: false }],
        secret: { arn: SECRET_ARN, owned: true, createdHere: false, scheduledForDeletion: false },
        instance: instance({ createdHere: false }),
      },
      {
        actions: [
          { kind: 'delete-alarms', names: ['tenant-alarm-acme-cpu-utilization'] },
          { kind: 'delete-secret', arn: SECRET_ARN, scheduledForDeletion: false },
          { kind: 'delete-instance', instanceId: 'tenant-acme', disableDeletionProtection: false },
        ],
        remaining: ['db-instance:tenant-acme'],
        skipped: [],
        stuck: [],
      },
    ],
  ])('when %s', (_case, observed, expected) => {
    // Act
    const plan = planRollback(observed);

    // Assess
    expect(plan).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// rollbackPass
// ---------------------------------------------------------------------------------------------------------------

const rds = new RDSClient({ region: 'us-east-1' });
const backupRds = new RDSClient({ region: BACKUP_REGION });
const secrets = new SecretsManagerClient({ region: 'us-east-1' });
const cloudwatch = new CloudWatchClient({ region: 'us-east-1' });
const registryDoc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const clients = {
  registry: { doc: registryDoc, table: REGISTRY_TABLE },
  rds,
  secrets,
  cloudwatch,
  backup: { region: BACKUP_REGION, client: backupRds },
};
const registryMock = mockClient(DynamoDBDocumentClient);
const rdsMock = mockClient(rds);
const backupMock = mockClient(backupRds);
const secretsMock = mockClient(secrets);
const cloudwatchMock = mockClient(cloudwatch);

function replicated(status: string, overrides: Partial<DBInstanceAutomatedBackup> = {}): DBInstanceAutomatedBackup {
  return {
    DBInstanceAutomatedBackupsArn: REPLICATION_ARN,
    DbiResourceId: 'db-ABC',
    DBInstanceArn: INSTANCE_ARN,
    DBInstanceIdentifier: 'tenant-acme',
    Region: 'us-east-1',
    Status: status,
    ...overrides,
  };
}

const backupsNotFound = () =>
  new DBInstanceAutomatedBackupNotFoundFault({ message: 'No automated backup found', $metadata: {} });

function dbInstance(tier: string, overrides: Partial<DBInstance> = {}, owner = ownerFor(tier)): DBInstance {
  return {
    DBInstanceIdentifier: 'tenant-acme',
    DBInstanceArn: INSTANCE_ARN,
    DbiResourceId: 'db-ABC',
    DBInstanceStatus: 'available',
    DeletionProtection: tierOf(tier).deletionProtection,
    TagList: ownershipTags(owner),
    DBInstanceAutomatedBackupsReplications: tierOf(tier).backup.crossRegionReplication
      ? [{ DBInstanceAutomatedBackupsArn: REPLICATION_ARN }]
      : [],
    ...overrides,
  };
}

/** The tenant's alarms exist, tagged for `owner`. */
function givenAlarms(owner: OwnerContext): void {
  cloudwatchMock
    .on(DescribeAlarmsCommand)
    .resolves({
      MetricAlarms: alarmNames('acme').map((n) => ({
        AlarmName: n,
        AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${n}`,
      })),
    })
    .on(ListTagsForResourceCommand)
    .resolves({ Tags: ownershipTags(owner) });
}

/** Everything the execution of `tier` created is still there. */
function givenEverything(tier: string, owner = ownerFor(tier)): void {
  givenAlarms(owner);
  secretsMock
    .on(DescribeSecretCommand)
    .resolves({ ARN: SECRET_ARN, Name: 'saas/tenant/acme/app', Tags: ownershipTags(owner) });
  rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [dbInstance(tier, {}, owner)] });
  if (tierOf(tier).backup.crossRegionReplication) {
    backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [replicated('replicating')],
    });
  }
}

/** The tenant's registry record: claimed by `executionArn` and in `status`. */
function registryRecord(status: TenantRecord['status'], executionArn: string): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status,
    requestId: 'req-1',
    requestedBy: 'ops',
    executionArn,
    attempt: 1,
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
  };
}

beforeEach(() => {
  for (const mock of [registryMock, rdsMock, backupMock, secretsMock, cloudwatchMock]) mock.reset();
  jest.spyOn(clock, 'now').mockReturnValue(Date.parse(NOW));
  registryMock.on(GetCommand).resolves({ Item: registryRecord('PROVISIONING', ownerFor('pro').executionArn) });
  cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  secretsMock.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
  rdsMock.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} }));
  backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).rejects(backupsNotFound());
  delete process.env.ROLLBACK_MAX_PASSES;
  delete process.env.SECRET_NAME_PATTERN;
});

afterEach(() => jest.restoreAllMocks());

describe('rollbackPass', () => {
  it.each(TIERS)('deletes everything this %s execution created, the instance last', async (tier) => {
    // Prepare
    givenEverything(tier);
    const replicates = tierOf(tier).backup.crossRegionReplication;

    // Act
    const result = await rollbackPass(clients, stateFor(tier));

    // Assess
    expect(result).toEqual({
      complete: false,
      leftovers: [...(replicates ? [REPLICATED] : []), 'db-instance:tenant-acme'],
      deleted: [
        ...alarmNames('acme').map((n) => `alarm:${n}`),
        ...(replicates ? [`backup-replication:${INSTANCE_ARN}`] : []),
        `secret:${SECRET_ARN}`,
      ],
      passes: 1,
      exhausted: false,
      skipped: [],
      instanceResourceId: 'db-ABC',
      instanceDeletionAccepted: true,
    });
    expect(registryMock).toHaveReceivedCommandWith(GetCommand, {
      TableName: REGISTRY_TABLE,
      Key: { tenantId: 'acme' },
      ConsistentRead: true,
    });
    expect(cloudwatchMock).toHaveReceivedCommandWith(DeleteAlarmsCommand, { AlarmNames: alarmNames('acme') });
    expect(secretsMock).toHaveReceivedCommandWith(DeleteSecretCommand, {
      SecretId: SECRET_ARN,
      ForceDeleteWithoutRecovery: true,
    });
    expect(rdsMock).toHaveReceivedCommandWith(DeleteDBInstanceCommand, {
      DBInstanceIdentifier: 'tenant-acme',
      SkipFinalSnapshot: true,
      DeleteAutomatedBackups: true,
    });
    expect(rdsMock).toHaveReceivedCommandTimes(ModifyDBInstanceCommand, tierOf(tier).deletionProtection ? 1 : 0);
    if (tierOf(tier).deletionProtection) {
      expect(rdsMock).toHaveReceivedCommandWith(ModifyDBInstanceCommand, {
        DBInstanceIdentifier: 'tenant-acme',
        DeletionProtection: false,
        ApplyImmediately: true,
      });
    }
    expect(backupMock).toHaveReceivedCommandTimes(StopDBInstanceAutomatedBackupsReplicationCommand, replicates ? 1 : 0);
    expect(backupMock).toHaveReceivedCommandWith(DescribeDBInstanceAutomatedBackupsCommand, {
      DbiResourceId: 'db-ABC',
    });
    // Still replicating when listed: deleting them is for a later pass.
    expect(backupMock).not.toHaveReceivedCommand(DeleteDBInstanceAutomatedBackupCommand);
    expect(rdsMock).not.toHaveReceivedCommand(StopDBInstanceAutomatedBackupsReplicationCommand);
  });

  it.each(TIERS)('waits while the %s instance is deleting, then completes once it is gone', async (tier) => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [dbInstance(tier, { DBInstanceStatus: 'deleting' })] })
      .rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} }));

    // Act
    const waiting = await rollbackPass(clients, stateFor(tier));
    const done = await rollbackPass(clients, stateFor(tier, { rollback: waiting }));

    // Assess
    expect(waiting).toMatchObject({
      complete: false,
      leftovers: ['db-instance:tenant-acme'],
      passes: 1,
      instanceDeletionAccepted: true,
    });
    expect(waiting.instanceUnseenSince).toBeUndefined();
    expect(done).toEqual({
      complete: true,
      leftovers: [],
      deleted: [],
      passes: 2,
      exhausted: false,
      skipped: [],
      instanceResourceId: 'db-ABC',
      instanceUnseenSince: NOW,
      instanceDeletionAccepted: true,
    });
    expect(rdsMock).not.toHaveReceivedCommand(DeleteDBInstanceCommand);
    // Once the instance is gone, the recorded DbiResourceId still finds its backups.
    expect(backupMock).toHaveReceivedNthCommandWith(2, DescribeDBInstanceAutomatedBackupsCommand, {
      DbiResourceId: 'db-ABC',
    });
  });

  it("leaves a live tenant's instance, secret and alarms alone and does not count them as leftovers", async () => {
    // Prepare
    givenEverything('pro', ownerFor('pro', 'acme-pro-0'));
    // CreateInstance found the name taken by the live tenant and reported no instance (OwnershipConflictError).
    const { instance: _refused, ...state } = stateFor('pro');

    // Act
    const result = await rollbackPass(clients, state);

    // Assess
    expect(result).toMatchObject({ complete: true, leftovers: [], deleted: [] });
    expect(result.stuck).toBeUndefined();
    expect(result.skipped).toEqual([
      ...alarmNames('acme').map((n) => `alarm:${n}`),
      `secret:${SECRET_ARN}`,
      'db-instance:tenant-acme',
    ]);
    for (const command of [DeleteDBInstanceCommand, ModifyDBInstanceCommand])
      expect(rdsMock).not.toHaveReceivedCommand(command);
    expect(secretsMock).not.toHaveReceivedCommand(DeleteSecretCommand);
    expect(cloudwatchMock).not.toHaveReceivedCommand(DeleteAlarmsCommand);
    expect(backupMock).not.toHaveReceivedAnyCommand();
  });

  it.each([
    ['still creating', new InvalidDBInstanceStateFault({ message: 'Instance is in creating state', $metadata: {} })],
    ['refused for another reason', Object.assign(new Error('not authorized'), { name: 'AccessDenied' })],
  ])('keeps the instance as a leftover when its deletion is %s, and still deletes the rest', async (_case, error) => {
    // Prepare
    givenEverything('starter');
    rdsMock.on(DeleteDBInstanceCommand).rejects(error);

    // Act
    const result = await rollbackPass(clients, stateFor('starter'));

    // Assess
    expect(result).toMatchObject({ complete: false, leftovers: ['db-instance:tenant-acme'] });
    expect(result.deleted).toContain(`secret:${SECRET_ARN}`);
  });

  it('records a secret it may not delete as a leftover and goes on to the instance', async () => {
    // Prepare
    givenEverything('starter');
    secretsMock.on(DeleteSecretCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    // Act
    const result = await rollbackPass(clients, stateFor('starter'));

    // Assess
    expect(result.leftovers).toEqual(['db-instance:tenant-acme', `secret:${SECRET_ARN}`]);
    expect(rdsMock).toHaveReceivedCommand(DeleteDBInstanceCommand);
  });

  it.each([
    ['already deleted', new ResourceNotFoundException({ message: 'gone', $metadata: {} }), false],
    [
      'being force-deleted',
      new InvalidRequestException({ message: 'already scheduled for deletion', $metadata: {} }),
      true,
    ],
  ])('counts a secret %s as gone', async (_case, error, scheduled) => {
    // Prepare
    secretsMock
      .on(DescribeSecretCommand)
      .resolves({
        ARN: SECRET_ARN,
        Tags: ownershipTags(ownerFor('pro')),
        ...(scheduled ? { DeletedDate: new Date() } : {}),
      })
      .on(DeleteSecretCommand)
      .rejects(error);

    // Act
    const result = await rollbackPass(clients, afterInstanceUnseen('pro'));

    // Assess
    expect(result).toMatchObject({ complete: true, leftovers: [], deleted: [] });
  });

  it.each<[string, () => void]>([
    [
      'an instance (DeleteDBInstance: DBInstanceNotFoundFault)',
      () =>
        rdsMock
          .on(DescribeDBInstancesCommand)
          .resolves({ DBInstances: [dbInstance('starter')] })
          .on(DeleteDBInstanceCommand)
          .rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} })),
    ],
    [
      'alarms (DeleteAlarms: ResourceNotFound)',
      () => {
        givenAlarms(ownerFor('starter'));
        cloudwatchMock.on(DeleteAlarmsCommand).rejects(new ResourceNotFound({ message: 'not found', $metadata: {} }));
      },
    ],
  ])('counts %s that vanished between describe and delete as gone', async (_case, given) => {
    // Prepare
    given();

    // Act
    const result = await rollbackPass(clients, afterInstanceUnseen('starter'));

    // Assess
    expect(result).toMatchObject({ complete: true, leftovers: [] });
  });

  it('counts an alarm deleted between DescribeAlarms and ListTagsForResource as absent', async () => {
    // Prepare
    givenAlarms(ownerFor('starter'));
    cloudwatchMock
      .on(ListTagsForResourceCommand)
      .rejects(new CloudWatchResourceNotFoundException({ message: 'does not exist', $metadata: {} }));

    // Act
    const result = await rollbackPass(clients, afterInstanceUnseen('starter'));

    // Assess
    expect(result).toMatchObject({ complete: true, leftovers: [], deleted: [] });
    expect(cloudwatchMock).not.toHaveReceivedCommand(DeleteAlarmsCommand);
  });

  it('keeps throttled alarms for the next pass and still deletes the rest', async () => {
    // Prepare
    givenEverything('pro');
    cloudwatchMock.on(DeleteAlarmsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));

    // Act
    const result = await rollbackPass(clients, stateFor('pro'));

    // Assess
    expect(result).toMatchObject({
      complete: false,
      exhausted: false,
      leftovers: ['db-instance:tenant-acme', ...alarmNames('acme').map((n) => `alarm:${n}`)],
      deleted: [`secret:${SECRET_ARN}`],
    });
    expect(rdsMock).toHaveReceivedCommand(DeleteDBInstanceCommand);
  });

  it('stops a replication the backup Region lists even before the source reports it', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [dbInstance('enterprise', { DBInstanceAutomatedBackupsReplications: [] })],
    });
    backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [replicated('pending')],
    });

    // Act
    const result = await rollbackPass(clients, stateFor('enterprise'));

    // Assess
    expect(backupMock).toHaveReceivedCommandWith(StopDBInstanceAutomatedBackupsReplicationCommand, {
      SourceDBInstanceArn: INSTANCE_ARN,
    });
    expect(result).toMatchObject({
      deleted: [`backup-replication:${INSTANCE_ARN}`],
      leftovers: [REPLICATED, 'db-instance:tenant-acme'],
    });
  });

  it('does not stop a replication the state reports when the backup Region has none left', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [dbInstance('enterprise', { DBInstanceAutomatedBackupsReplications: [] })],
    });
    const state = stateFor('enterprise', {
      backups: { retentionDays: 35, replicationArn: REPLICATION_ARN, replicationRegion: BACKUP_REGION },
    });

    // Act
    const result = await rollbackPass(clients, state);

    // Assess
    expect(backupMock).not.toHaveReceivedCommand(StopDBInstanceAutomatedBackupsReplicationCommand);
    expect(result).toMatchObject({ deleted: [], leftovers: ['db-instance:tenant-acme'] });
  });

  it('finds the secret under SECRET_NAME_PATTERN', async () => {
    // Prepare
    process.env.SECRET_NAME_PATTERN = 'prod/{tenantId}/db-app';

    // Act
    await rollbackPass(clients, stateFor('starter'));

    // Assess
    expect(secretsMock).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: 'prod/acme/db-app' });
  });
});

describe('rollbackPass: replicated backups in the backup Region', () => {
  /**
   * A pass after an earlier one saw our instance (recording its DbiResourceId) and RDS accepted its deletion; the
   * instance is gone now.
   */
  const laterPass = () => {
    const previous: RollbackPassResult = {
      complete: false,
      leftovers: ['db-instance:tenant-acme'],
      deleted: [],
      passes: 3,
      exhausted: false,
      skipped: [],
      instanceResourceId: 'db-ABC',
      instanceDeletionAccepted: true,
    };
    return stateFor('enterprise', { rollback: previous });
  };

  it.each<[string, DBInstanceAutomatedBackup[], { deletes: boolean; leftovers: string[]; skipped: string[] }]>([
    ['retained: deleted', [replicated('retained')], { deletes: true, leftovers: [], skipped: [] }],
    ['being deleted: waited for', [replicated('deleting')], { deletes: false, leftovers: [REPLICATED], skipped: [] }],
    [
      'still replicating after the source is gone: waited for until RDS retains them',
      [replicated('replicating')],
      { deletes: false, leftovers: [REPLICATED], skipped: [] },
    ],
    [
      "another instance's (an earlier tenant-acme): untouched",
      [replicated('retained', { DbiResourceId: 'db-OLDER', DBInstanceAutomatedBackupsArn: OTHER_REPLICATION_ARN })],
      { deletes: false, leftovers: [], skipped: [`replicated-backups:${OTHER_REPLICATION_ARN}`] },
    ],
  ])('backups %s', async (_case, listed, expected) => {
    // Prepare
    backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: listed });

    // Act
    const result = await rollbackPass(clients, laterPass());

    // Assess
    expect(backupMock).toHaveReceivedCommandWith(DescribeDBInstanceAutomatedBackupsCommand, {
      DbiResourceId: 'db-ABC',
    });
    expect(backupMock).toHaveReceivedCommandTimes(DeleteDBInstanceAutomatedBackupCommand, expected.deletes ? 1 : 0);
    if (expected.deletes) {
      expect(backupMock).toHaveReceivedCommandWith(DeleteDBInstanceAutomatedBackupCommand, {
        DBInstanceAutomatedBackupsArn: REPLICATION_ARN,
      });
    }
    expect(backupMock).not.toHaveReceivedCommand(StopDBInstanceAutomatedBackupsReplicationCommand);
    expect(result).toMatchObject({
      complete: expected.leftovers.length === 0,
      leftovers: expected.leftovers,
      deleted: expected.deletes ? [REPLICATED] : [],
      skipped: expected.skipped,
      instanceResourceId: 'db-ABC',
    });
  });

  it('stops a replication that is still active, then deletes the retained backups in a later pass', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [dbInstance('enterprise')] })
      .resolvesOnce({ DBInstances: [dbInstance('enterprise', { DBInstanceStatus: 'deleting' })] })
      .rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} }));
    backupMock
      .on(DescribeDBInstanceAutomatedBackupsCommand)
      .resolvesOnce({ DBInstanceAutomatedBackups: [replicated('replicating')] })
      .resolvesOnce({ DBInstanceAutomatedBackups: [replicated('retained')] })
      .rejects(backupsNotFound());

    // Act
    const first = await rollbackPass(clients, stateFor('enterprise'));
    const deletesAfterFirst = backupMock.commandCalls(DeleteDBInstanceAutomatedBackupCommand).length;
    const second = await rollbackPass(clients, stateFor('enterprise', { rollback: first }));
    const third = await rollbackPass(clients, stateFor('enterprise', { rollback: second }));

    // Assess
    expect(first).toMatchObject({
      deleted: [`backup-replication:${INSTANCE_ARN}`],
      leftovers: [REPLICATED, 'db-instance:tenant-acme'],
    });
    expect(deletesAfterFirst).toBe(0);
    expect(second).toMatchObject({ deleted: [REPLICATED], leftovers: ['db-instance:tenant-acme'] });
    expect(third).toMatchObject({ complete: true, leftovers: [], deleted: [] });
    expect(backupMock).toHaveReceivedCommandTimes(StopDBInstanceAutomatedBackupsReplicationCommand, 1);
    expect(backupMock).toHaveReceivedCommandTimes(DeleteDBInstanceAutomatedBackupCommand, 1);
    expect(backupMock.commandCalls(DescribeDBInstanceAutomatedBackupsCommand).map((c) => c.args[0].input)).toEqual([
      { DbiResourceId: 'db-ABC' },
      { DbiResourceId: 'db-ABC' },
      { DbiResourceId: 'db-ABC' },
    ]);
  });

  it('finds the backups by the replication ARN ConfigureBackups recorded when no pass saw the instance', async () => {
    // Prepare
    backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [replicated('retained')],
    });
    const state = stateFor('enterprise', {
      backups: { retentionDays: 35, replicationArn: REPLICATION_ARN, replicationRegion: BACKUP_REGION },
    });

    // Act
    const result = await rollbackPass(clients, state);

    // Assess
    expect(backupMock).toHaveReceivedCommandWith(DescribeDBInstanceAutomatedBackupsCommand, {
      DBInstanceAutomatedBackupsArn: REPLICATION_ARN,
    });
    expect(backupMock).toHaveReceivedCommandWith(DeleteDBInstanceAutomatedBackupCommand, {
      DBInstanceAutomatedBackupsArn: REPLICATION_ARN,
    });
    // A first pass that does not see the instance still waits for RDS to list it.
    expect(result).toMatchObject({
      complete: false,
      leftovers: ['db-instance:tenant-acme'],
      deleted: [REPLICATED],
      instanceResourceId: 'db-ABC',
    });
  });

  it('asks the backup Region nothing when no pass saw our instance and no replication was recorded', async () => {
    // Act
    const result = await rollbackPass(clients, stateFor('enterprise'));

    // Assess
    expect(backupMock).not.toHaveReceivedAnyCommand();
    expect(result).toEqual({
      complete: false,
      leftovers: ['db-instance:tenant-acme'],
      deleted: [],
      passes: 1,
      exhausted: false,
      skipped: [],
      instanceUnseenSince: NOW,
    });
  });

  it.each([
    ['already gone', new DBInstanceAutomatedBackupNotFoundFault({ message: 'not found', $metadata: {} }), []],
    [
      'no longer retained',
      new InvalidDBInstanceAutomatedBackupStateFault({ message: 'invalid state', $metadata: {} }),
      [REPLICATED],
    ],
  ])('counts retained backups whose deletion answers %s accordingly', async (_case, error, leftovers) => {
    // Prepare
    backupMock
      .on(DescribeDBInstanceAutomatedBackupsCommand)
      .resolves({ DBInstanceAutomatedBackups: [replicated('retained')] })
      .on(DeleteDBInstanceAutomatedBackupCommand)
      .rejects(error);

    // Act
    const result = await rollbackPass(clients, laterPass());

    // Assess
    expect(result).toMatchObject({ complete: leftovers.length === 0, leftovers, deleted: [] });
  });

  it('keeps retained backups whose deletion is throttled for the next pass', async () => {
    // Prepare
    backupMock
      .on(DescribeDBInstanceAutomatedBackupsCommand)
      .resolves({ DBInstanceAutomatedBackups: [replicated('retained')] })
      .on(DeleteDBInstanceAutomatedBackupCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));

    // Act
    const result = await rollbackPass(clients, laterPass());

    // Assess
    expect(result).toMatchObject({ complete: false, exhausted: false, leftovers: [REPLICATED], deleted: [] });
    expect(backupMock).toHaveReceivedCommandTimes(DeleteDBInstanceAutomatedBackupCommand, 1);
  });
});

describe('rollbackPass budget', () => {
  let addMetric: jest.SpyInstance;

  beforeEach(() => {
    addMetric = jest.spyOn(metrics, 'addMetric');
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [dbInstance('pro', { DBInstanceStatus: 'deleting' })] });
  });

  afterEach(() => {
    addMetric.mockRestore();
    metrics.clearMetrics();
  });

  it.each([
    [undefined, 0, 1, false],
    [undefined, DEFAULT_ROLLBACK_MAX_PASSES - 2, DEFAULT_ROLLBACK_MAX_PASSES - 1, false],
    [undefined, DEFAULT_ROLLBACK_MAX_PASSES - 1, DEFAULT_ROLLBACK_MAX_PASSES, true],
    ['3', 2, 3, true],
    ['3', 1, 2, false],
  ])(
    'with ROLLBACK_MAX_PASSES=%s after %i passes: pass %i, exhausted %s',
    async (budget, before, passes, exhausted) => {
      // Prepare
      if (budget !== undefined) process.env.ROLLBACK_MAX_PASSES = budget;
      const previous = {
        complete: false,
        leftovers: ['db-instance:tenant-acme'],
        deleted: [],
        passes: before,
        exhausted: false,
      };
      const state = stateFor('pro', before > 0 ? { rollback: previous } : {});

      // Act
      const result = await rollbackPass(clients, state);

      // Assess
      expect(result).toMatchObject({ complete: false, passes, exhausted });
      if (exhausted) expect(addMetric).toHaveBeenCalledWith('RollbackFailed', 'Count', 1);
      else expect(addMetric).not.toHaveBeenCalled();
    },
  );

  it('is never exhausted once complete', async () => {
    // Prepare
    process.env.ROLLBACK_MAX_PASSES = '6';
    rdsMock
      .on(DescribeDBInstancesCommand)
      .rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} }));

    // Act
    const result = await rollbackPass(clients, afterInstanceUnseen('pro'));

    // Assess
    expect(result).toMatchObject({ complete: true, exhausted: false, passes: 6 });
    expect(addMetric).not.toHaveBeenCalled();
  });

  it.each(['0', '-1', 'ten', '2.5'])('rejects ROLLBACK_MAX_PASSES=%s', async (budget) => {
    // Prepare
    process.env.ROLLBACK_MAX_PASSES = budget;

    // Act
    const outcome = rollbackPass(clients, stateFor('pro'));

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ConfigurationError' });
  });
});
