import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DBInstance,
  DBInstanceAutomatedBackupNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import {
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { observeResources, type RollbackClients } from '../../../lambdas/rollback/observe';
import type { ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { alarmNames, type OwnerContext, ownershipTags } from '../../../lambdas/shared/naming';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';

/**
 * What a rollback pass sees: the exact requests it makes, and that only the API's own "not found" answer reads as
 * absent; any other failure fails the pass rather than let it believe a resource is gone.
 */

const ACCOUNT = '123456789012';
const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:provisioning:acme-pro-1`;
const OTHER_EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:provisioning:acme-pro-2`;
const INSTANCE_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:db:tenant-acme`;
const REPORTED_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:db:tenant-acme-reported`;
const SECRET_NAME = 'saas/tenant/acme/app';
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:saas/tenant/acme/app-AbCdEf`;
const BACKUPS_ARN = `arn:aws:rds:us-west-2:${ACCOUNT}:auto-backup:ab-EXAMPLE`;
const OLDER_BACKUPS_ARN = `arn:aws:rds:us-west-2:${ACCOUNT}:auto-backup:ab-OLDER`;

const OURS: OwnerContext = { tenantId: 'acme', tier: 'pro', executionArn: EXECUTION_ARN };
const THEIRS: OwnerContext = { ...OURS, executionArn: OTHER_EXECUTION_ARN };

const rds = new RDSClient({ region: 'us-east-1' });
const backupRds = new RDSClient({ region: 'us-west-2' });
const secrets = new SecretsManagerClient({ region: 'us-east-1' });
const cloudwatch = new CloudWatchClient({ region: 'us-east-1' });
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const rdsMock = mockClient(rds);
const backupMock = mockClient(backupRds);
const secretsMock = mockClient(secrets);
const cloudwatchMock = mockClient(cloudwatch);

const withBackupRegion: RollbackClients = {
  registry: { doc, table: 'tenant-registry' },
  rds,
  secrets,
  cloudwatch,
  backup: { region: 'us-west-2', client: backupRds },
};
const { backup: _none, ...withoutBackupRegion } = withBackupRegion;

function state(extra: Partial<WorkflowState> = {}): WorkflowState {
  return {
    request: {
      ...OURS,
      tierDefinition: DEFAULT_TIERS.pro as TierDefinition,
      secretName: SECRET_NAME,
    } as ValidatedRequest,
    ...extra,
  };
}

const REPORTED = { instanceId: 'tenant-acme', instanceArn: REPORTED_ARN, deadline: '2026-11-26T12:00:00.000Z' };

function instance(overrides: Partial<DBInstance> = {}, owner: OwnerContext = OURS): DBInstance {
  return {
    DBInstanceIdentifier: 'tenant-acme',
    DBInstanceArn: INSTANCE_ARN,
    DbiResourceId: 'db-ABC',
    DBInstanceStatus: 'available',
    DeletionProtection: false,
    TagList: ownershipTags(owner),
    DBInstanceAutomatedBackupsReplications: [],
    ...overrides,
  };
}

const awsError = (name: string) =>
  new RDSServiceException({ name, $fault: 'client', message: `${name} (test)`, $metadata: { httpStatusCode: 400 } });
const secretsError = (name: string) =>
  new SecretsManagerServiceException({ name, $fault: 'client', message: `${name} (test)`, $metadata: {} });

beforeEach(() => {
  for (const mock of [rdsMock, backupMock, secretsMock, cloudwatchMock]) mock.reset();
  cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  secretsMock.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
  rdsMock.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: 'gone', $metadata: {} }));
  backupMock
    .on(DescribeDBInstanceAutomatedBackupsCommand)
    .rejects(new DBInstanceAutomatedBackupNotFoundFault({ message: 'gone', $metadata: {} }));
});

describe('observeResources: the requests', () => {
  it('asks for exactly the tenant’s names: never an unfiltered listing', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance()] });

    // Act
    await observeResources(withBackupRegion, state());

    // Assess
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'tenant-acme' },
    ]);
    expect(secretsMock.commandCalls(DescribeSecretCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: SECRET_NAME },
    ]);
    expect(cloudwatchMock.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual<
      DescribeAlarmsCommandInput[]
    >([{ AlarmNames: alarmNames('acme') }]);
    expect(backupMock.commandCalls(DescribeDBInstanceAutomatedBackupsCommand).map((c) => c.args[0].input)).toEqual([
      { DbiResourceId: 'db-ABC' },
    ]);
  });

  it.each<[string, RollbackClients, Partial<WorkflowState>, unknown[]]>([
    [
      'by the DbiResourceId an earlier pass recorded, when the instance is gone',
      withBackupRegion,
      {
        rollback: {
          complete: false,
          leftovers: [],
          deleted: [],
          passes: 1,
          exhausted: false,
          instanceResourceId: 'db-OLD',
        },
      },
      [{ DbiResourceId: 'db-OLD' }],
    ],
    [
      'by the replication ARN ConfigureBackups recorded, when nothing gave a DbiResourceId',
      withBackupRegion,
      { backups: { retentionDays: 35, replicationArn: BACKUPS_ARN } },
      [{ DBInstanceAutomatedBackupsArn: BACKUPS_ARN }],
    ],
    ['not at all when nothing names the backups', withBackupRegion, {}, []],
    [
      'not at all without a backup Region',
      withoutBackupRegion,
      { backups: { retentionDays: 35, replicationArn: BACKUPS_ARN } },
      [],
    ],
  ])('lists the replicated backups %s', async (_case, clients, extra, expected) => {
    // Act
    const observation = await observeResources(clients, state(extra));

    // Assess
    expect(backupMock.commandCalls(DescribeDBInstanceAutomatedBackupsCommand).map((c) => c.args[0].input)).toEqual(
      expected,
    );
    expect(observation).toEqual({
      resources: { alarms: [] },
      ...(extra.rollback ? { instanceResourceId: 'db-OLD' } : {}),
    });
  });
});

describe('observeResources: failures are never absence', () => {
  it.each<[string, () => void, string]>([
    [
      'DescribeDBInstances is throttled',
      () => rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('Throttling')),
      'Throttling',
    ],
    [
      'DescribeDBInstances is denied',
      () => rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('AccessDenied')),
      'AccessDenied',
    ],
    [
      'DescribeDBInstances answers with another service’s not-found',
      () => rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('ResourceNotFoundException')),
      'ResourceNotFoundException',
    ],
    [
      'DescribeDBInstances answers that the backups are not found',
      () => rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('DBInstanceAutomatedBackupNotFoundFault')),
      'DBInstanceAutomatedBackupNotFoundFault',
    ],
    [
      'DescribeSecret is denied',
      () => secretsMock.on(DescribeSecretCommand).rejects(secretsError('AccessDeniedException')),
      'AccessDeniedException',
    ],
    [
      'DescribeSecret fails inside Secrets Manager',
      () => secretsMock.on(DescribeSecretCommand).rejects(secretsError('InternalServiceError')),
      'InternalServiceError',
    ],
    [
      'DescribeSecret answers with RDS’s not-found',
      () => secretsMock.on(DescribeSecretCommand).rejects(secretsError('DBInstanceNotFoundFault')),
      'DBInstanceNotFoundFault',
    ],
    [
      'DescribeDBInstanceAutomatedBackups is denied',
      () => backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).rejects(awsError('AccessDenied')),
      'AccessDenied',
    ],
    [
      'DescribeDBInstanceAutomatedBackups answers with the instance’s not-found',
      () => backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).rejects(awsError('DBInstanceNotFoundFault')),
      'DBInstanceNotFoundFault',
    ],
  ])('fails the observation when %s', async (_case, given, name) => {
    // Prepare: the backups are named by the replication ARN, so they are listed even when the instance is gone
    given();

    // Act
    const observation = observeResources(
      withBackupRegion,
      state({ backups: { retentionDays: 35, replicationArn: BACKUPS_ARN } }),
    );

    // Assess
    await expect(observation).rejects.toMatchObject({ name });
  });

  it('reads each API’s own not-found as absence', async () => {
    // Act: the defaults answer not-found everywhere
    const observation = await observeResources(
      withBackupRegion,
      state({ backups: { retentionDays: 35, replicationArn: BACKUPS_ARN } }),
    );

    // Assess
    expect(observation).toEqual({ resources: { alarms: [] } });
  });
});

describe('observeResources: the secret', () => {
  it.each<[string, Record<string, unknown>, Partial<WorkflowState>, Record<string, unknown>]>([
    [
      'ours, not scheduled for deletion',
      { ARN: SECRET_ARN, Tags: ownershipTags(OURS) },
      {},
      { arn: SECRET_ARN, owned: true, createdHere: false, scheduledForDeletion: false },
    ],
    [
      'ours, already scheduled for deletion',
      { ARN: SECRET_ARN, Tags: ownershipTags(OURS), DeletedDate: new Date('2026-11-26T11:00:00.000Z') },
      {},
      { arn: SECRET_ARN, owned: true, createdHere: false, scheduledForDeletion: true },
    ],
    [
      'created by this execution (StoreCredentials reported its ARN)',
      { ARN: SECRET_ARN, Tags: ownershipTags(OURS) },
      { credentials: { secretArn: SECRET_ARN, secretName: SECRET_NAME } },
      { arn: SECRET_ARN, owned: true, createdHere: true, scheduledForDeletion: false },
    ],
    [
      'another secret than the one StoreCredentials reported',
      { ARN: SECRET_ARN, Tags: ownershipTags(THEIRS) },
      { credentials: { secretArn: `${SECRET_ARN}-older`, secretName: SECRET_NAME } },
      { arn: SECRET_ARN, owned: false, createdHere: false, scheduledForDeletion: false },
    ],
    [
      'described without an ARN: named by its name',
      { Tags: ownershipTags(OURS) },
      {},
      { arn: SECRET_NAME, owned: true, createdHere: false, scheduledForDeletion: false },
    ],
  ])('is observed when %s', async (_case, described, extra, expected) => {
    // Prepare
    secretsMock.on(DescribeSecretCommand).resolves(described);

    // Act
    const observation = await observeResources(withBackupRegion, state(extra));

    // Assess
    expect(observation.resources.secret).toEqual(expected);
  });
});

describe('observeResources: the instance', () => {
  const recorded = (instanceResourceId: string): Partial<WorkflowState> => ({
    rollback: { complete: false, leftovers: [], deleted: [], passes: 1, exhausted: false, instanceResourceId },
  });

  it.each<[string, Partial<DBInstance>, OwnerContext, Partial<WorkflowState>, Record<string, unknown>]>([
    [
      'ours, as CreateInstance reported it',
      {},
      OURS,
      { instance: REPORTED },
      {
        id: 'tenant-acme',
        arn: INSTANCE_ARN,
        status: 'available',
        owned: true,
        createdHere: true,
        deletionProtection: false,
        replicating: false,
      },
    ],
    [
      'ours, never reported (CreateInstance crashed after creating it)',
      { DeletionProtection: true, DBInstanceStatus: 'creating' },
      OURS,
      {},
      {
        id: 'tenant-acme',
        arn: INSTANCE_ARN,
        status: 'creating',
        owned: true,
        createdHere: false,
        deletionProtection: true,
        replicating: false,
      },
    ],
    [
      'the very instance an earlier pass recorded',
      { DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: BACKUPS_ARN }] },
      OURS,
      recorded('db-ABC'),
      {
        id: 'tenant-acme',
        arn: INSTANCE_ARN,
        status: 'available',
        owned: true,
        createdHere: true,
        deletionProtection: false,
        replicating: true,
      },
    ],
    [
      'another instance under the same name than the one an earlier pass recorded',
      {},
      THEIRS,
      { instance: REPORTED, ...recorded('db-OLD') },
      {
        id: 'tenant-acme',
        arn: INSTANCE_ARN,
        status: 'available',
        owned: false,
        createdHere: false,
        deletionProtection: false,
        replicating: false,
      },
    ],
    [
      'someone else’s, replicating (none of our business)',
      { DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: BACKUPS_ARN }] },
      THEIRS,
      {},
      {
        id: 'tenant-acme',
        arn: INSTANCE_ARN,
        status: 'available',
        owned: false,
        createdHere: false,
        deletionProtection: false,
        replicating: false,
      },
    ],
    [
      'described without ARN, status or protection flag, after CreateInstance reported it',
      { DBInstanceArn: undefined, DBInstanceStatus: undefined, DeletionProtection: undefined },
      OURS,
      { instance: REPORTED },
      {
        id: 'tenant-acme',
        arn: REPORTED_ARN,
        status: 'unknown',
        owned: true,
        createdHere: true,
        deletionProtection: false,
        replicating: false,
      },
    ],
    [
      'described without ARN and never reported: named by its identifier',
      { DBInstanceArn: undefined, DBInstanceAutomatedBackupsReplications: undefined },
      OURS,
      {},
      {
        id: 'tenant-acme',
        arn: 'tenant-acme',
        status: 'available',
        owned: true,
        createdHere: false,
        deletionProtection: false,
        replicating: false,
      },
    ],
  ])('is observed when %s', async (_case, described, owner, extra, expected) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance(described, owner)] });

    // Act
    const observation = await observeResources(withoutBackupRegion, state(extra));

    // Assess
    expect(observation.resources.instance).toEqual(expected);
  });

  it.each<[string, OwnerContext, Partial<WorkflowState>, string | undefined]>([
    ['ours: its own', OURS, {}, 'db-ABC'],
    ['someone else’s: none', THEIRS, {}, undefined],
    ['someone else’s after ours vanished: the one recorded for ours', THEIRS, recorded('db-OLD'), 'db-OLD'],
  ])('reports the DbiResourceId to record for an instance that is %s', async (_case, owner, extra, expected) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({}, owner)] });

    // Act
    const observation = await observeResources(withoutBackupRegion, state(extra));

    // Assess
    expect(observation.instanceResourceId).toBe(expected);
  });

  it('reads an answer without a listing as absence', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({});

    // Act
    const observation = await observeResources(withoutBackupRegion, state({ instance: REPORTED }));

    // Assess
    expect(observation).toEqual({ resources: { alarms: [] } });
  });

  it('reads an empty listing as absence', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });

    // Act
    const observation = await observeResources(withoutBackupRegion, state({ instance: REPORTED }));

    // Assess
    expect(observation).toEqual({ resources: { alarms: [] } });
  });
});

describe('observeResources: the replicated backups', () => {
  it('tells ours (same source DbiResourceId) from an earlier instance’s, and skips entries without an ARN', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance()] });
    backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [
        { DBInstanceAutomatedBackupsArn: BACKUPS_ARN, DbiResourceId: 'db-ABC', Status: 'replicating' },
        { DBInstanceAutomatedBackupsArn: OLDER_BACKUPS_ARN, DbiResourceId: 'db-OLD', Status: 'retained' },
        { DBInstanceAutomatedBackupsArn: `${BACKUPS_ARN}-2`, DbiResourceId: 'db-ABC' },
        { DbiResourceId: 'db-ABC', Status: 'retained' },
      ],
    });

    // Act
    const observation = await observeResources(withBackupRegion, state());

    // Assess
    expect(observation.resources.replicatedBackups).toEqual([
      { arn: BACKUPS_ARN, status: 'replicating', owned: true },
      { arn: OLDER_BACKUPS_ARN, status: 'retained', owned: false },
      { arn: `${BACKUPS_ARN}-2`, status: 'unknown', owned: true },
    ]);
    expect(observation.instanceResourceId).toBe('db-ABC');
  });

  it('learns the DbiResourceId from the backups the replication ARN names, when the instance is gone', async () => {
    // Prepare
    backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [
        { DBInstanceAutomatedBackupsArn: OLDER_BACKUPS_ARN, DbiResourceId: 'db-OLD', Status: 'retained' },
        { DBInstanceAutomatedBackupsArn: BACKUPS_ARN, DbiResourceId: 'db-ABC', Status: 'retained' },
      ],
    });

    // Act
    const observation = await observeResources(
      withBackupRegion,
      state({ backups: { retentionDays: 35, replicationArn: BACKUPS_ARN } }),
    );

    // Assess
    expect(observation).toEqual({
      resources: {
        alarms: [],
        replicatedBackups: [
          { arn: OLDER_BACKUPS_ARN, status: 'retained', owned: false },
          { arn: BACKUPS_ARN, status: 'retained', owned: true },
        ],
      },
      instanceResourceId: 'db-ABC',
    });
  });

  it('owns none of them when the listing does not contain the recorded replication', async () => {
    // Prepare
    backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [{ DBInstanceAutomatedBackupsArn: OLDER_BACKUPS_ARN, Status: 'retained' }],
    });

    // Act
    const observation = await observeResources(
      withBackupRegion,
      state({ backups: { retentionDays: 35, replicationArn: BACKUPS_ARN } }),
    );

    // Assess
    expect(observation).toEqual({
      resources: { alarms: [], replicatedBackups: [{ arn: OLDER_BACKUPS_ARN, status: 'retained', owned: false }] },
    });
  });

  it('reads an answer without a list as no backups', async () => {
    // Prepare
    backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({});

    // Act
    const observation = await observeResources(
      withBackupRegion,
      state({ backups: { retentionDays: 35, replicationArn: BACKUPS_ARN } }),
    );

    // Assess
    expect(observation).toEqual({ resources: { alarms: [] } });
  });
});

describe('observeResources: the alarms', () => {
  it('tells ours from someone else’s, and those this execution created', async () => {
    // Prepare
    const [cpu, storage, memory] = alarmNames('acme') as [string, string, string];
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [cpu, storage, memory].map((name) => ({ AlarmName: name, AlarmArn: `arn:alarm:${name}` })),
    });
    cloudwatchMock
      .on(ListTagsForResourceCommand, { ResourceARN: `arn:alarm:${cpu}` })
      .resolves({ Tags: ownershipTags(OURS) })
      .on(ListTagsForResourceCommand, { ResourceARN: `arn:alarm:${storage}` })
      .resolves({ Tags: ownershipTags(OURS) })
      .on(ListTagsForResourceCommand, { ResourceARN: `arn:alarm:${memory}` })
      .resolves({ Tags: ownershipTags(THEIRS) });

    // Act
    const observation = await observeResources(withBackupRegion, state({ alarms: { alarmNames: [cpu] } }));

    // Assess
    expect(observation.resources.alarms).toEqual([
      { name: cpu, owned: true, createdHere: true },
      { name: storage, owned: true, createdHere: false },
      { name: memory, owned: false, createdHere: false },
    ]);
  });
});
