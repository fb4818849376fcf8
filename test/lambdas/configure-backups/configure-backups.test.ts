import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  type DBInstance,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceAutomatedBackupStateFault,
  InvalidDBInstanceStateFault,
  ModifyDBInstanceCommand,
  RDSClient,
  StartDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { configureBackups } from '../../../lambdas/configure-backups/configure-backups';
import {
  backupAndDeletionProtectionModification,
  enablesAutomatedBackups,
} from '../../../lambdas/configure-backups/modification';
import {
  activeReplicationArn,
  assertOtherRegion,
  parseArn,
  replicationRequest,
  reportedReplicationArn,
} from '../../../lambdas/shared/backups/replication';
import { AWS_MANAGED_RDS_KEY_ALIAS, replicationKeyArn } from '../../../lambdas/shared/backups/replication-key';
import type { ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';

const ACCOUNT = '123456789012';
const SOURCE_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:db:tenant-acme`;
const BACKUP_REGION = 'us-west-2';
const REPLICATION_ARN = `arn:aws:rds:${BACKUP_REGION}:${ACCOUNT}:auto-backup:ab-7ZQ3EXAMPLE`;
const DBI_RESOURCE_ID = 'db-ABCDEFGHIJKLMNOP';
/** The AWS managed RDS key of the backup Region, as DescribeKey resolves `alias/aws/rds`. */
const MANAGED_KEY_ARN = `arn:aws:kms:${BACKUP_REGION}:${ACCOUNT}:key/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6`;
const PLATFORM_KEY_ARN = `arn:aws:kms:${BACKUP_REGION}:${ACCOUNT}:key/platform-dr`;
const TIERS = Object.keys(DEFAULT_TIERS);
const REPLICATING_TIERS = TIERS.filter((t) => DEFAULT_TIERS[t]?.backup.crossRegionReplication);
const LOCAL_TIERS = TIERS.filter((t) => !DEFAULT_TIERS[t]?.backup.crossRegionReplication);

function tierOf(name: string): TierDefinition {
  const tier = DEFAULT_TIERS[name];
  if (!tier) throw new Error(`no tier ${name}`);
  return tier;
}

function withoutReplicatedRetention(): TierDefinition {
  const { replicationRetentionDays: _omitted, ...backup } = tierOf('enterprise').backup;
  return { ...tierOf('enterprise'), backup };
}

function instanceFor(tier: string, overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: 'tenant-acme',
    DBInstanceArn: SOURCE_ARN,
    DbiResourceId: DBI_RESOURCE_ID,
    DBInstanceStatus: 'available',
    StorageEncrypted: true,
    BackupRetentionPeriod: tierOf(tier).backup.retentionDays,
    PreferredBackupWindow: tierOf(tier).backup.preferredWindow,
    DeletionProtection: tierOf(tier).deletionProtection,
    ...overrides,
  };
}

function stateFor(tier: string): WorkflowState {
  const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:tenant-db-provisioning:acme-${tier}-1`;
  const request: ValidatedRequest = {
    tenantId: 'acme',
    tier,
    tierDefinition: tierOf(tier),
    requestedBy: 'ops',
    requestId: `acme-${tier}-1`,
    metadata: {},
    executionArn,
    executionName: `acme-${tier}-1`,
  };
  return {
    request,
    claim: { outcome: 'CLAIMED', attempt: 1 },
    instance: { instanceId: 'tenant-acme', instanceArn: SOURCE_ARN, deadline: '2026-11-26T12:00:00.000Z' },
    readiness: { status: 'AVAILABLE', endpointAddress: 'h', endpointPort: 5432, polls: 3 },
  };
}

describe('backupAndDeletionProtectionModification', () => {
  it.each(TIERS)('changes nothing on an instance that already has the tier settings (%s)', (tier) => {
    // Act
    const modification = backupAndDeletionProtectionModification(instanceFor(tier), tierOf(tier));

    // Assess
    expect(modification).toBeUndefined();
  });

  it.each(
    TIERS.flatMap(
      (tier) =>
        [
          [tier, 'a shorter retention', { BackupRetentionPeriod: 1 }],
          [tier, 'another window', { PreferredBackupWindow: '22:00-22:30' }],
          [tier, 'automated backups off', { BackupRetentionPeriod: 0 }],
        ] as const,
    ),
  )('applies the %s tier backups immediately to an instance with %s', (tier, _case, overrides) => {
    // Act
    const modification = backupAndDeletionProtectionModification(instanceFor(tier, overrides), tierOf(tier));

    // Assess
    expect(modification).toEqual({
      DBInstanceIdentifier: 'tenant-acme',
      BackupRetentionPeriod: tierOf(tier).backup.retentionDays,
      PreferredBackupWindow: tierOf(tier).backup.preferredWindow,
      ApplyImmediately: true,
    });
  });

  it.each([
    ['pro', 'protection only', {}, { DeletionProtection: true }],
    [
      'enterprise',
      'protection and backups',
      { BackupRetentionPeriod: 1 },
      {
        BackupRetentionPeriod: tierOf('enterprise').backup.retentionDays,
        PreferredBackupWindow: tierOf('enterprise').backup.preferredWindow,
        DeletionProtection: true,
      },
    ],
  ])('protects an unprotected %s instance (%s), as CreateInstance leaves it', (tier, _case, overrides, expected) => {
    // Prepare
    const instance = instanceFor(tier, { DeletionProtection: false, ...overrides });

    // Act
    const modification = backupAndDeletionProtectionModification(instance, tierOf(tier));

    // Assess
    expect(modification).toEqual({ DBInstanceIdentifier: 'tenant-acme', ...expected, ApplyImmediately: true });
  });

  it.each([
    ['an unprotected starter instance stays unprotected', 'starter', false],
    ['a starter instance an operator protected stays protected', 'starter', true],
  ])('%s', (_case, tier, protectedNow) => {
    // Prepare
    const instance = instanceFor(tier, { DeletionProtection: protectedNow });

    // Act
    const modification = backupAndDeletionProtectionModification(instance, tierOf(tier));

    // Assess
    expect(modification).toBeUndefined();
  });

  it.each(TIERS)('counts a pending retention change as applied (%s)', (tier) => {
    // Prepare
    const instance = instanceFor(tier, {
      BackupRetentionPeriod: 1,
      PendingModifiedValues: { BackupRetentionPeriod: tierOf(tier).backup.retentionDays },
    });

    // Act
    const modification = backupAndDeletionProtectionModification(instance, tierOf(tier));

    // Assess
    expect(modification).toBeUndefined();
  });

  it('refuses to turn automated backups off', () => {
    // Prepare
    const tier = { ...tierOf('starter'), backup: { ...tierOf('starter').backup, retentionDays: 0 } };

    // Act
    const act = () => backupAndDeletionProtectionModification(instanceFor('starter'), tier);

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
  });

  it.each([
    [{ BackupRetentionPeriod: 0 }, true],
    [{ BackupRetentionPeriod: 0, PendingModifiedValues: { BackupRetentionPeriod: 7 } }, false],
    [{ BackupRetentionPeriod: 7 }, false],
  ])('enablesAutomatedBackups(%j) is %s', (overrides, expected) => {
    // Act
    const enables = enablesAutomatedBackups(instanceFor('starter', overrides));

    // Assess
    expect(enables).toBe(expected);
  });
});

describe('replication requests', () => {
  it.each([
    [
      SOURCE_ARN,
      { partition: 'aws', service: 'rds', region: 'us-east-1', account: ACCOUNT, resource: 'db:tenant-acme' },
    ],
    [
      `arn:aws-cn:rds:cn-north-1:${ACCOUNT}:db:tenant-acme`,
      { partition: 'aws-cn', service: 'rds', region: 'cn-north-1', account: ACCOUNT, resource: 'db:tenant-acme' },
    ],
  ])('parses %s', (arn, expected) => {
    // Act
    const parts = parseArn(arn);

    // Assess
    expect(parts).toEqual(expected);
  });

  it.each(['', 'tenant-acme', 'arn:aws:rds::123:db', 'arn:aws:rds:us-east-1:123456789012'])(
    'rejects %j as an ARN',
    (arn) => {
      // Act
      const act = () => parseArn(arn);

      // Assess
      expect(act).toThrow(expect.objectContaining({ name: 'ValidationError' }));
    },
  );

  it.each(REPLICATING_TIERS)('replicates an encrypted source with the given destination-Region key (%s)', (tier) => {
    // Act
    const request = replicationRequest({
      sourceArn: SOURCE_ARN,
      encrypted: true,
      tier: tierOf(tier),
      kmsKeyArn: MANAGED_KEY_ARN,
    });

    // Assess
    expect(request).toEqual({
      SourceDBInstanceArn: SOURCE_ARN,
      BackupRetentionPeriod: tierOf(tier).backup.replicationRetentionDays,
      KmsKeyId: MANAGED_KEY_ARN,
    });
  });

  it('sends no key for an unencrypted source', () => {
    // Act
    const request = replicationRequest({
      sourceArn: SOURCE_ARN,
      encrypted: false,
      tier: tierOf('enterprise'),
      kmsKeyArn: PLATFORM_KEY_ARN,
    });

    // Assess
    expect(request).not.toHaveProperty('KmsKeyId');
  });

  it.each([
    ['the replicated retention', withoutReplicatedRetention(), MANAGED_KEY_ARN, /replicationRetentionDays/],
    ['a key for an encrypted source', tierOf('enterprise'), undefined, /need a KMS key ARN in the backup Region/],
  ])('needs %s', (_case, tier, kmsKeyArn, message) => {
    // Act
    const act = () => replicationRequest({ sourceArn: SOURCE_ARN, encrypted: true, tier, kmsKeyArn });

    // Assess
    expect(act).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', message: expect.stringMatching(message) }),
    );
  });

  it.each([
    ['us-east-1', true],
    ['us-west-2', false],
  ])('backup Region %s is refused: %s', (region, refused) => {
    // Act
    const act = () => assertOtherRegion(SOURCE_ARN, region);

    // Assess
    if (refused) expect(act).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
    else expect(act).not.toThrow();
  });

  it.each([
    [[], undefined],
    [[{ DBInstanceAutomatedBackupsArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:auto-backup:ab-OTHER` }], undefined],
    [[{ DBInstanceAutomatedBackupsArn: REPLICATION_ARN }], REPLICATION_ARN],
  ])('reportedReplicationArn(%j) is %s', (replications, expected) => {
    // Act
    const arn = reportedReplicationArn(
      instanceFor('enterprise', { DBInstanceAutomatedBackupsReplications: replications }),
      BACKUP_REGION,
    );

    // Assess
    expect(arn).toBe(expected);
  });

  it.each([
    [[], undefined],
    [[{ Status: 'retained', DBInstanceAutomatedBackupsArn: 'old' }], undefined],
    [
      [
        { Status: 'retained', DBInstanceAutomatedBackupsArn: 'old' },
        { Status: 'pending', DBInstanceAutomatedBackupsArn: 'new' },
      ],
      'new',
    ],
    [[{ Status: 'replicating', DBInstanceAutomatedBackupsArn: REPLICATION_ARN }], REPLICATION_ARN],
  ])('activeReplicationArn(%j) is %s', (backups, expected) => {
    // Act
    const arn = activeReplicationArn(backups);

    // Assess
    expect(arn).toBe(expected);
  });
});

describe('replicationKeyArn', () => {
  const kms = new KMSClient({ region: BACKUP_REGION });
  const kmsMock = mockClient(kms);

  beforeEach(() => {
    kmsMock.reset();
    kmsMock.on(DescribeKeyCommand, { KeyId: AWS_MANAGED_RDS_KEY_ALIAS }).resolves({
      KeyMetadata: { KeyId: '0d1e2f3a', Arn: MANAGED_KEY_ARN, KeyManager: 'AWS' },
    });
  });

  it.each([
    ['the configured key, without asking KMS', PLATFORM_KEY_ARN, PLATFORM_KEY_ARN, 0],
    ['the AWS managed RDS key of the backup Region, by its key ARN', undefined, MANAGED_KEY_ARN, 1],
  ])('is %s', async (_case, configured, expected, describeCalls) => {
    // Act
    const key = await replicationKeyArn(kms, configured);

    // Assess
    expect(key).toBe(expected);
    expect(kmsMock).toHaveReceivedCommandTimes(DescribeKeyCommand, describeCalls);
  });

  it('fails when KMS names no key', async () => {
    // Prepare
    kmsMock.on(DescribeKeyCommand).resolves({});

    // Act
    const key = replicationKeyArn(kms);

    // Assess
    await expect(key).rejects.toMatchObject({
      name: 'AwsRequestError',
      message: expect.stringContaining('alias/aws/rds'),
    });
  });
});

describe('configureBackups', () => {
  const rds = new RDSClient({ region: 'us-east-1' });
  const backupClient = new RDSClient({ region: BACKUP_REGION });
  const rdsMock = mockClient(rds);
  const backupMock = mockClient(backupClient);
  const kms = new KMSClient({ region: BACKUP_REGION });
  const kmsMock = mockClient(kms);
  const clients = { rds, backup: { region: BACKUP_REGION, client: backupClient, kms } };

  beforeEach(() => {
    rdsMock.reset();
    backupMock.reset();
    kmsMock.reset();
    delete process.env.BACKUP_REPLICATION_KMS_KEY_ARN;
    kmsMock
      .on(DescribeKeyCommand, { KeyId: AWS_MANAGED_RDS_KEY_ALIAS })
      .resolves({ KeyMetadata: { KeyId: '0d1e2f3a', Arn: MANAGED_KEY_ARN } });
    backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
    backupMock.on(StartDBInstanceAutomatedBackupsReplicationCommand).resolves({
      DBInstanceAutomatedBackup: { DBInstanceAutomatedBackupsArn: REPLICATION_ARN, Status: 'pending' },
    });
  });

  it.each(LOCAL_TIERS)('keeps backups in the Region for tier %s', async (tier) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instanceFor(tier)] });

    // Act
    const result = await configureBackups(clients, stateFor(tier));

    // Assess
    expect(result).toEqual({ retentionDays: tierOf(tier).backup.retentionDays });
    expect(rdsMock).not.toHaveReceivedCommand(ModifyDBInstanceCommand);
    expect(backupMock).not.toHaveReceivedAnyCommand();
  });

  it.each(REPLICATING_TIERS)('starts replication from the backup Region for tier %s', async (tier) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instanceFor(tier)] });

    // Act
    const result = await configureBackups(clients, stateFor(tier));

    // Assess
    expect(result).toEqual({
      retentionDays: tierOf(tier).backup.retentionDays,
      replicationArn: REPLICATION_ARN,
      replicationRegion: BACKUP_REGION,
    });
    expect(backupMock).toHaveReceivedCommandWith(DescribeDBInstanceAutomatedBackupsCommand, {
      DbiResourceId: DBI_RESOURCE_ID,
    });
    expect(backupMock).toHaveReceivedCommandWith(StartDBInstanceAutomatedBackupsReplicationCommand, {
      SourceDBInstanceArn: SOURCE_ARN,
      BackupRetentionPeriod: tierOf(tier).backup.replicationRetentionDays,
      KmsKeyId: MANAGED_KEY_ARN,
    });
    expect(rdsMock).not.toHaveReceivedCommand(StartDBInstanceAutomatedBackupsReplicationCommand);
  });

  it('encrypts replicated backups with BACKUP_REPLICATION_KMS_KEY_ARN when set', async () => {
    // Prepare
    process.env.BACKUP_REPLICATION_KMS_KEY_ARN = PLATFORM_KEY_ARN;
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instanceFor('enterprise')] });

    // Act
    await configureBackups(clients, stateFor('enterprise'));

    // Assess
    expect(backupMock).toHaveReceivedCommandWith(StartDBInstanceAutomatedBackupsReplicationCommand, {
      KmsKeyId: PLATFORM_KEY_ARN,
    });
    expect(kmsMock).not.toHaveReceivedAnyCommand();
  });

  it('asks KMS for no key when the source is not encrypted', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [instanceFor('enterprise', { StorageEncrypted: false })] });

    // Act
    await configureBackups(clients, stateFor('enterprise'));

    // Assess
    expect(backupMock).toHaveReceivedCommandWith(StartDBInstanceAutomatedBackupsReplicationCommand, {
      SourceDBInstanceArn: SOURCE_ARN,
    });
    expect(
      backupMock.commandCalls(StartDBInstanceAutomatedBackupsReplicationCommand)[0]?.args[0].input,
    ).not.toHaveProperty('KmsKeyId');
    expect(kmsMock).not.toHaveReceivedAnyCommand();
  });

  it.each(TIERS)('applies the tier retention and window when the instance differs (%s)', async (tier) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instanceFor(tier, { BackupRetentionPeriod: 1 })] });

    // Act
    await configureBackups(clients, stateFor(tier));

    // Assess
    expect(rdsMock).toHaveReceivedCommandWith(ModifyDBInstanceCommand, {
      DBInstanceIdentifier: 'tenant-acme',
      BackupRetentionPeriod: tierOf(tier).backup.retentionDays,
      PreferredBackupWindow: tierOf(tier).backup.preferredWindow,
      ApplyImmediately: true,
    });
  });

  it.each(TIERS)('protects the instance CreateInstance left unprotected when tier %s asks for it', async (tier) => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [instanceFor(tier, { DeletionProtection: false })] });

    // Act
    await configureBackups(clients, stateFor(tier));

    // Assess
    if (tierOf(tier).deletionProtection) {
      expect(rdsMock).toHaveReceivedCommandWith(ModifyDBInstanceCommand, {
        DBInstanceIdentifier: 'tenant-acme',
        DeletionProtection: true,
        ApplyImmediately: true,
      });
    } else {
      expect(rdsMock).not.toHaveReceivedCommand(ModifyDBInstanceCommand);
    }
  });

  it.each([
    [
      'the source reports it',
      { DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: REPLICATION_ARN }] },
      [],
    ],
    ['the backup Region lists it', {}, [{ Status: 'replicating', DBInstanceAutomatedBackupsArn: REPLICATION_ARN }]],
  ])('does not start a second replication when %s', async (_case, overrides, listed) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instanceFor('enterprise', overrides)] });
    backupMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: listed });

    // Act
    const result = await configureBackups(clients, stateFor('enterprise'));

    // Assess
    expect(result.replicationArn).toBe(REPLICATION_ARN);
    expect(backupMock).not.toHaveReceivedCommand(StartDBInstanceAutomatedBackupsReplicationCommand);
  });

  it('treats an "already replicating" refusal as done', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instanceFor('enterprise')] });
    backupMock
      .on(StartDBInstanceAutomatedBackupsReplicationCommand)
      .rejects(
        new InvalidDBInstanceAutomatedBackupStateFault({
          message: 'Automated backups are already replicating',
          $metadata: {},
        }),
      )
      .on(DescribeDBInstanceAutomatedBackupsCommand)
      .resolvesOnce({ DBInstanceAutomatedBackups: [] })
      .resolves({
        DBInstanceAutomatedBackups: [{ Status: 'pending', DBInstanceAutomatedBackupsArn: REPLICATION_ARN }],
      });

    // Act
    const result = await configureBackups(clients, stateFor('enterprise'));

    // Assess
    expect(result).toMatchObject({ replicationArn: REPLICATION_ARN, replicationRegion: BACKUP_REGION });
  });

  it.each([
    ['the start answers without a replicated backups ARN', { DBInstanceAutomatedBackup: { Status: 'pending' } }],
    [
      'an "already replicating" refusal finds nothing listed yet',
      new InvalidDBInstanceAutomatedBackupStateFault({
        message: 'Automated backups are already replicating',
        $metadata: {},
      }),
    ],
  ])('retries instead of succeeding unconfirmed when %s', async (_case, startOutcome) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instanceFor('enterprise')] });
    const start = backupMock.on(StartDBInstanceAutomatedBackupsReplicationCommand);
    if (startOutcome instanceof Error) start.rejects(startOutcome);
    else start.resolves(startOutcome);

    // Act
    const outcome = configureBackups(clients, stateFor('enterprise'));

    // Assess
    await expect(outcome).rejects.toMatchObject({
      name: 'RetryableError',
      message: expect.stringContaining(`does not confirm a replication of ${SOURCE_ARN} to ${BACKUP_REGION}`),
    });
  });

  it.each([
    ['ModifyDBInstance', ModifyDBInstanceCommand, { BackupRetentionPeriod: 1 }],
    ['StartDBInstanceAutomatedBackupsReplication', StartDBInstanceAutomatedBackupsReplicationCommand, {}],
  ])('retries when %s finds the instance busy', async (_case, command, overrides) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instanceFor('enterprise', overrides)] });
    const busy = new InvalidDBInstanceStateFault({
      message: 'Instance tenant-acme is in backing-up state',
      $metadata: {},
    });
    rdsMock.on(ModifyDBInstanceCommand).rejects(command === ModifyDBInstanceCommand ? busy : new Error('unexpected'));
    backupMock.on(StartDBInstanceAutomatedBackupsReplicationCommand).rejects(busy);

    // Act
    const outcome = configureBackups(clients, stateFor('enterprise'));

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it.each([
    ['the backup Region is the instance Region', { rds, backup: { region: 'us-east-1', client: backupClient, kms } }],
    ['no backup Region is configured', { rds }],
  ])('fails with ConfigurationError when %s', async (_case, misconfigured) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instanceFor('enterprise')] });

    // Act
    const outcome = configureBackups(misconfigured, stateFor('enterprise'));

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ConfigurationError' });
    expect(backupMock).not.toHaveReceivedCommand(StartDBInstanceAutomatedBackupsReplicationCommand);
  });
});
