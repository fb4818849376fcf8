import {
  CreateDBInstanceCommand,
  type CreateDBInstanceCommandInput,
  type DBInstance,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DeleteDBInstanceAutomatedBackupCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  KMSKeyNotAccessibleFault,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RDSServiceException,
  StartDBInstanceAutomatedBackupsReplicationCommand,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readySignalOf } from '../../../../lambdas/readiness-signal/signal';
import {
  DEFAULT_RDS_TIMINGS,
  type FinalInstanceStatus,
  instanceCreatedEvent,
  PlatformExpectationError,
  type RdsEventBridgeEvent,
} from '../../../../lib/local/aws';
import { BACKUP_KMS_KEY_ARN, createRequest, useAwsDouble } from '../../../../lib/local/aws/fixtures';

const MINUTE = 60_000;
const rds = new RDSClient({ region: 'us-east-1' });
const backupRds = new RDSClient({ region: 'us-west-2' });
const ARN = 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme';

async function status(id = 'tenant-acme'): Promise<string | undefined> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  return DBInstances?.[0]?.DBInstanceStatus;
}

async function describe1(id = 'tenant-acme'): Promise<DBInstance> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  return DBInstances?.[0] as DBInstance;
}

const create = (overrides: Partial<CreateDBInstanceCommandInput> = {}) =>
  rds.send(new CreateDBInstanceCommand({ ...createRequest('tenant-acme'), ...overrides }));

const deleteInstance = () =>
  rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'tenant-acme', SkipFinalSnapshot: true }));

describe('RDS double', () => {
  const aws = useAwsDouble();

  describe('instance lifecycle', () => {
    it('goes creating → backing-up → available on the virtual clock, then calls onAvailable once', async () => {
      // Prepare
      const seen: DBInstance[] = [];
      aws().rds.onAvailable = (instance) => {
        seen.push(instance);
      };
      await create();
      const timeline: [number, string | undefined][] = [];

      // Act
      for (const step of [0, 10 * MINUTE - 1, 1, 2 * MINUTE - 1, 1]) {
        aws().clock.advance(step);
        timeline.push([step, await status()]);
      }

      // Assess
      expect(timeline.map(([, s]) => s)).toEqual(['creating', 'creating', 'backing-up', 'backing-up', 'available']);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.Endpoint).toEqual({
        Address: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com',
        Port: 5432,
        HostedZoneId: 'Z2R2ITUGPM61AM',
      });
    });

    it('builds the RDS "DB instance created" event that the readiness listener recognises', async () => {
      // Prepare
      const events: RdsEventBridgeEvent[] = [];
      aws().rds.onAvailable = (instance) => events.push(instanceCreatedEvent(instance, new Date(aws().clock.now())));
      await create();

      // Act
      aws().clock.runAll();

      // Assess
      expect(events).toEqual([
        expect.objectContaining({
          source: 'aws.rds',
          'detail-type': 'RDS DB Instance Event',
          resources: [ARN],
          detail: expect.objectContaining({
            EventID: 'RDS-EVENT-0005',
            SourceIdentifier: 'tenant-acme',
            SourceArn: ARN,
          }),
        }),
      ]);
      expect(readySignalOf(events[0] as RdsEventBridgeEvent, 'unused')).toEqual({
        tenantId: 'acme',
        instanceId: 'tenant-acme',
        at: '2030-01-01T00:12:00.000Z',
      });
    });

    it('shows no endpoint while creating, and the master secret creating then active', async () => {
      // Prepare
      await create();
      const creating = await describe1();

      // Act
      aws().clock.runAll();
      const available = await describe1();

      // Assess
      expect(creating.Endpoint).toBeUndefined();
      expect(creating.MasterUserSecret?.SecretStatus).toBe('creating');
      expect(available.MasterUserSecret).toMatchObject({
        SecretStatus: 'active',
        KmsKeyId: createRequest('x').KmsKeyId,
      });
      expect(available.InstanceCreateTime?.getTime()).toBe(aws().clock.now() - 2 * MINUTE);
    });

    it('keeps the RDS-managed master password in an rds!db- secret, never in the instance description', async () => {
      // Act
      const { DBInstance: created } = await create();

      // Assess
      const arn = created?.MasterUserSecret?.SecretArn as string;
      expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-[0-9a-f-]{36}-[A-Za-z0-9]{6}$/);
      const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
      const { username, password } = JSON.parse(secret.SecretString as string);
      expect(username).toBe('tenant_admin');
      expect(aws().allSecretValues()).toContain(password);
      expect(JSON.stringify(created)).not.toContain(password);
      expect(
        aws()
          .inventory()
          .managedSecrets.map((s) => s.arn),
      ).toEqual([arn]);
    });

    it.each([
      ['creationMs', { creationMs: 30 * MINUTE }, 32 * MINUTE],
      ['backingUpMs', { backingUpMs: 0 }, 10 * MINUTE],
    ])('uses the configured %s', async (_name, timings, availableAt) => {
      // Prepare
      Object.assign(aws().rds.timings, timings);
      await create();

      // Act
      aws().clock.advance(availableAt - 1);
      const before = await status();
      aws().clock.advance(1);

      // Assess
      expect([before, await status()]).toEqual([expect.not.stringMatching('available'), 'available']);
    });

    it('ends in the configured final status instead of available', async () => {
      // Prepare
      aws().rds.finalStatus = () => 'incompatible-network';
      const onAvailable = jest.fn();
      aws().rds.onAvailable = onAvailable;
      await create();

      // Act
      aws().clock.runAll();

      // Assess
      expect(await status()).toBe('incompatible-network');
      expect(onAvailable).not.toHaveBeenCalled();
    });
  });

  describe('CreateDBInstance checks', () => {
    it.each<[string, Partial<CreateDBInstanceCommandInput>, string, RegExp]>([
      [
        'identifier with a double hyphen',
        { DBInstanceIdentifier: 'tenant--acme' },
        'InvalidParameterValue',
        /not a valid identifier/,
      ],
      [
        'identifier ending with a hyphen',
        { DBInstanceIdentifier: 'tenant-' },
        'InvalidParameterValue',
        /not a valid identifier/,
      ],
      [
        'identifier starting with a digit',
        { DBInstanceIdentifier: '1tenant' },
        'InvalidParameterValue',
        /not a valid identifier/,
      ],
      [
        '64-character identifier',
        { DBInstanceIdentifier: `t${'a'.repeat(63)}` },
        'InvalidParameterValue',
        /not a valid identifier/,
      ],
      ['gp3 below 20 GiB', { AllocatedStorage: 19 }, 'InvalidParameterValue', /Invalid storage size/],
      [
        'io1 below 100 GiB',
        { StorageType: 'io1', AllocatedStorage: 50, Iops: 1000 },
        'InvalidParameterValue',
        /Invalid storage size/,
      ],
      ['gp3 IOPS below 400 GiB', { Iops: 12000 }, 'InvalidParameterCombination', /less than 400/],
      ['gp3 throughput below 400 GiB', { StorageThroughput: 500 }, 'InvalidParameterCombination', /less than 400/],
      ['gp3 IOPS out of range', { AllocatedStorage: 400, Iops: 3000 }, 'InvalidParameterValue', /12000-64000/],
      ['gp2 with IOPS', { StorageType: 'gp2', Iops: 3000 }, 'InvalidParameterCombination', /gp2/],
      ['max storage not above storage', { MaxAllocatedStorage: 20 }, 'InvalidParameterCombination', /Max storage size/],
      ['backup retention 36 days', { BackupRetentionPeriod: 36 }, 'InvalidParameterValue', /between 0 and 35/],
      [
        'backup window of 20 minutes',
        { PreferredBackupWindow: '03:00-03:20' },
        'InvalidParameterValue',
        /at least 30 minutes/,
      ],
      [
        'backup window inside maintenance',
        { PreferredBackupWindow: '04:00-04:30' },
        'InvalidParameterCombination',
        /overlap/,
      ],
      [
        'managed and explicit password',
        { MasterUserPassword: 'Secret-123456' },
        'InvalidParameterCombination',
        /MasterUserPassword and ManageMasterUserPassword/,
      ],
      [
        'no password at all',
        { ManageMasterUserPassword: undefined, MasterUserSecretKmsKeyId: undefined },
        'InvalidParameterValue',
        /MasterUserPassword must be provided/,
      ],
      [
        'secret key without managed password',
        { ManageMasterUserPassword: false, MasterUserPassword: 'Secret-123456' },
        'InvalidParameterCombination',
        /MasterUserSecretKmsKeyId/,
      ],
      ['KMS key without encryption', { StorageEncrypted: false }, 'InvalidParameterCombination', /StorageEncrypted/],
      ['reserved master user name', { MasterUsername: 'rdsadmin' }, 'InvalidParameterValue', /reserved word/],
      ['engine version past support', { EngineVersion: '12' }, 'InvalidParameterCombination', /Cannot find version 12/],
      ['monitoring without a role', { MonitoringInterval: 60 }, 'InvalidParameterCombination', /MonitoringRoleArn/],
      [
        'advanced insights without PI',
        { DatabaseInsightsMode: 'advanced' },
        'InvalidParameterCombination',
        /Performance Insights/,
      ],
      ['an aws: tag', { Tags: [{ Key: 'aws:owner', Value: 'x' }] }, 'InvalidParameterValue', /reserved for AWS/],
    ])('refuses %s', async (_case, overrides, name, message) => {
      // Act
      const call = create(overrides);

      // Assess
      await expect(call).rejects.toThrow(message);
      await expect(call).rejects.toMatchObject({ name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
      await expect(call).rejects.toBeInstanceOf(RDSServiceException);
      expect(aws().inventory().instances).toEqual([]);
    });

    it('accepts provisioned gp3 performance from 400 GiB', async () => {
      // Act
      const call = create({ AllocatedStorage: 500, MaxAllocatedStorage: 4000, Iops: 12000, StorageThroughput: 500 });

      // Assess
      await expect(call).resolves.toMatchObject({ DBInstance: { Iops: 12000, StorageThroughput: 500 } });
    });

    it('refuses a publicly accessible database and records the violation', async () => {
      // Act
      const call = create({ PubliclyAccessible: true });

      // Assess
      await expect(call).rejects.toBeInstanceOf(PlatformExpectationError);
      expect(aws().violations).toEqual([expect.stringContaining('PubliclyAccessible')]);
    });

    it.each(['creating', 'deleting'])(
      'answers DBInstanceAlreadyExistsFault while the first one is %s',
      async (phase) => {
        // Prepare
        await create();
        if (phase === 'deleting') {
          aws().clock.runAll();
          await deleteInstance();
        }

        // Act
        const call = create({ DBInstanceIdentifier: 'Tenant-ACME' });

        // Assess
        await expect(call).rejects.toBeInstanceOf(DBInstanceAlreadyExistsFault);
        expect(aws().inventory().instances).toHaveLength(1);
      },
    );
  });

  describe('DescribeDBInstances', () => {
    it('answers DBInstanceNotFoundFault (HTTP 404) for an unknown identifier', async () => {
      // Act
      const call = rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tenant-nobody' }));

      // Assess
      await expect(call).rejects.toBeInstanceOf(DBInstanceNotFoundFault);
      await expect(call).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
        message: 'DBInstance tenant-nobody not found.',
      });
    });

    it('finds an instance by ARN and reports its tags, backups and deletion protection', async () => {
      // Prepare
      await create({ DeletionProtection: true });

      // Act
      const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: ARN }));
      const { TagList } = await rds.send(new ListTagsForResourceCommand({ ResourceName: ARN }));

      // Assess
      expect(DBInstances?.[0]).toMatchObject({
        DBInstanceArn: ARN,
        DeletionProtection: true,
        BackupRetentionPeriod: 7,
        PreferredBackupWindow: '03:00-03:30',
        TagList: [{ Key: 'tenant-db:tenant-id', Value: 'acme' }],
        DBInstanceAutomatedBackupsReplications: [],
        PubliclyAccessible: false,
      });
      expect(TagList).toEqual(DBInstances?.[0]?.TagList);
    });
  });

  describe('ModifyDBInstance', () => {
    it.each<[string, boolean, boolean, FinalInstanceStatus, number]>([
      ['creating', false, false, 'available', 0],
      ['backing-up', true, false, 'available', DEFAULT_RDS_TIMINGS.creationMs],
      ['available', true, true, 'available', Number.POSITIVE_INFINITY],
      ['failed', false, false, 'failed', Number.POSITIVE_INFINITY],
      ['incompatible-network', false, false, 'incompatible-network', Number.POSITIVE_INFINITY],
    ])(
      'while %s: a deletion protection change is accepted: %s; other changes: %s',
      async (expectedStatus, protectionAccepted, otherAccepted, finalStatus, elapsedMs) => {
        // Prepare
        aws().rds.finalStatus = () => finalStatus;
        await create({ DeletionProtection: true });
        if (elapsedMs === Number.POSITIVE_INFINITY) aws().clock.runAll();
        else aws().clock.advance(elapsedMs);

        // Act
        const protection = rds.send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: 'tenant-acme',
            DeletionProtection: false,
            ApplyImmediately: true,
          }),
        );
        const retention = rds.send(
          new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'tenant-acme', BackupRetentionPeriod: 14 }),
        );

        // Assess
        const outcomes = await Promise.allSettled([protection, retention]);
        expect(await status()).toBe(expectedStatus);
        expect(outcomes.map((o) => o.status === 'fulfilled')).toEqual([protectionAccepted, otherAccepted]);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(InvalidDBInstanceStateFault);
        }
        expect((await describe1()).DeletionProtection).toBe(!protectionAccepted);
      },
    );

    it('applies backup settings once available, passing through modifying when configured', async () => {
      // Prepare
      aws().rds.timings.modifyingMs = 30_000;
      await create();
      aws().clock.runAll();

      // Act
      await rds.send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: 'tenant-acme',
          BackupRetentionPeriod: 35,
          PreferredBackupWindow: '02:00-02:30',
          ApplyImmediately: true,
        }),
      );
      const during = await status();
      aws().clock.advance(30_000);

      // Assess
      expect(during).toBe('modifying');
      expect(await describe1()).toMatchObject({
        DBInstanceStatus: 'available',
        BackupRetentionPeriod: 35,
        PreferredBackupWindow: '02:00-02:30',
      });
    });

    it('refuses a backup retention outside 0-35 days', async () => {
      // Prepare
      await create();
      aws().clock.runAll();

      // Act
      const call = rds.send(
        new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'tenant-acme', BackupRetentionPeriod: 40 }),
      );

      // Assess
      await expect(call).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    });
  });

  describe('DeleteDBInstance', () => {
    it('refuses deletion while creating, then deletes in deletionMs and removes the master secret', async () => {
      // Prepare
      await create();
      const early = deleteInstance();
      await expect(early).rejects.toBeInstanceOf(InvalidDBInstanceStateFault);
      aws().clock.runAll();

      // Act
      const { DBInstance: deleting } = await deleteInstance();
      aws().clock.advance(5 * MINUTE - 1);
      const stillThere = await status();
      aws().clock.advance(1);

      // Assess
      expect(deleting?.DBInstanceStatus).toBe('deleting');
      expect(stillThere).toBe('deleting');
      await expect(status()).rejects.toBeInstanceOf(DBInstanceNotFoundFault);
      expect(aws().leftovers()).toEqual([]);
    });

    it('accepts deletion of a creating instance after the configured refusal period', async () => {
      // Prepare
      aws().rds.timings.refuseDeletionWhileCreatingMs = 3 * MINUTE;
      await create();
      aws().clock.advance(3 * MINUTE);

      // Act
      const call = deleteInstance();

      // Assess
      await expect(call).resolves.toMatchObject({ DBInstance: { DBInstanceStatus: 'deleting' } });
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      [
        'deletion protection',
        { protect: true },
        /Cannot delete protected DB Instance, please disable deletion protection and try again\./,
      ],
      [
        'neither SkipFinalSnapshot nor a snapshot name',
        { SkipFinalSnapshot: false },
        /FinalDBSnapshotIdentifier is required/,
      ],
    ])('answers InvalidParameterCombination for %s', async (_case, options, message) => {
      // Prepare
      await create({ DeletionProtection: options.protect === true });
      aws().clock.runAll();

      // Act
      const call = rds.send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: 'tenant-acme',
          SkipFinalSnapshot: options.SkipFinalSnapshot !== false,
        }),
      );

      // Assess
      await expect(call).rejects.toMatchObject({
        name: 'InvalidParameterCombination',
        message: expect.stringMatching(message),
      });
      expect(await status()).toBe('available');
    });

    it('answers InvalidDBInstanceStateFault when the instance is already being deleted', async () => {
      // Prepare
      await create();
      aws().clock.runAll();
      await deleteInstance();

      // Act
      const call = deleteInstance();

      // Assess
      await expect(call).rejects.toBeInstanceOf(InvalidDBInstanceStateFault);
    });
  });

  describe('cross-Region backup replication', () => {
    const start = () =>
      backupRds.send(
        new StartDBInstanceAutomatedBackupsReplicationCommand({
          SourceDBInstanceArn: ARN,
          KmsKeyId: BACKUP_KMS_KEY_ARN,
          BackupRetentionPeriod: 14,
        }),
      );

    beforeEach(async () => {
      await create();
      aws().clock.runAll();
    });

    it('is started in the destination Region and shows on the source instance', async () => {
      // Act
      const { DBInstanceAutomatedBackup: backup } = await start();
      aws().clock.advance(5 * MINUTE);
      const { DBInstanceAutomatedBackups } = await backupRds.send(
        new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: 'tenant-acme' }),
      );

      // Assess
      expect(backup).toMatchObject({ Status: 'pending', Region: 'us-east-1', DBInstanceArn: ARN });
      expect(backup?.DBInstanceAutomatedBackupsArn).toMatch(
        /^arn:aws:rds:us-west-2:123456789012:auto-backup:ab-[a-z0-9]{26}$/,
      );
      expect(DBInstanceAutomatedBackups?.map((b) => b.Status)).toEqual(['replicating']);
      expect((await describe1()).DBInstanceAutomatedBackupsReplications).toEqual([
        { DBInstanceAutomatedBackupsArn: backup?.DBInstanceAutomatedBackupsArn },
      ]);
    });

    it.each<[string, () => Promise<unknown>, unknown]>([
      [
        'called in the source Region',
        () =>
          rds.send(
            new StartDBInstanceAutomatedBackupsReplicationCommand({
              SourceDBInstanceArn: ARN,
              KmsKeyId: BACKUP_KMS_KEY_ARN,
            }),
          ),
        expect.objectContaining({ name: 'InvalidParameterValue' }),
      ],
      [
        'given a key of another Region',
        () =>
          backupRds.send(
            new StartDBInstanceAutomatedBackupsReplicationCommand({
              SourceDBInstanceArn: ARN,
              KmsKeyId: createRequest('x').KmsKeyId,
            }),
          ),
        expect.any(KMSKeyNotAccessibleFault),
      ],
      [
        'given the alias ARN of a key rather than its key ARN',
        () =>
          backupRds.send(
            new StartDBInstanceAutomatedBackupsReplicationCommand({
              SourceDBInstanceArn: ARN,
              KmsKeyId: 'arn:aws:kms:us-west-2:123456789012:alias/aws/rds',
            }),
          ),
        expect.objectContaining({ name: 'InvalidParameterValue' }),
      ],
      [
        'given no key for an encrypted instance',
        () => backupRds.send(new StartDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: ARN })),
        expect.objectContaining({ name: 'InvalidParameterCombination' }),
      ],
    ])('is refused when %s', async (_case, call, error) => {
      // Act
      const result = call();

      // Assess
      await expect(result).rejects.toEqual(error);
      expect(aws().inventory().replications).toEqual([]);
    });

    it('leaves retained backups after stopping, until they are deleted in the destination Region', async () => {
      // Prepare
      const { DBInstanceAutomatedBackup: backup } = await start();
      const arn = backup?.DBInstanceAutomatedBackupsArn as string;

      // Act
      await backupRds.send(new StopDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: ARN }));
      const retained = aws().inventory().replications;
      await backupRds.send(new DeleteDBInstanceAutomatedBackupCommand({ DBInstanceAutomatedBackupsArn: arn }));

      // Assess
      expect(retained).toEqual([{ arn, region: 'us-west-2', sourceArn: ARN, status: 'retained' }]);
      expect(aws().inventory().replications).toEqual([]);
      expect((await describe1()).DBInstanceAutomatedBackupsReplications).toEqual([]);
    });

    it.each<[string, (arn: string) => Promise<unknown>, string]>([
      ['still replicate', async () => undefined, 'InvalidDBInstanceAutomatedBackupStateFault'],
      [
        'are already deleted',
        async (arn) => {
          await backupRds.send(new StopDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: ARN }));
          await backupRds.send(new DeleteDBInstanceAutomatedBackupCommand({ DBInstanceAutomatedBackupsArn: arn }));
        },
        'DBInstanceAutomatedBackupNotFoundFault',
      ],
    ])('refuses to delete replicated backups that %s', async (_case, before, errorName) => {
      // Prepare
      const { DBInstanceAutomatedBackup: backup } = await start();
      const arn = backup?.DBInstanceAutomatedBackupsArn as string;
      await before(arn);

      // Act
      const call = backupRds.send(new DeleteDBInstanceAutomatedBackupCommand({ DBInstanceAutomatedBackupsArn: arn }));

      // Assess
      await expect(call).rejects.toMatchObject({ name: errorName });
    });

    it('lists by DbiResourceId in the destination Region only the backups of that source, not of an earlier namesake', async () => {
      // Prepare
      await start();
      await deleteInstance();
      aws().clock.advance(5 * MINUTE);
      await create();
      aws().clock.advance(12 * MINUTE);
      const { DBInstanceAutomatedBackup: current } = await start();
      const { DbiResourceId } = await describe1();

      // Act
      const { DBInstanceAutomatedBackups } = await backupRds.send(
        new DescribeDBInstanceAutomatedBackupsCommand({ DbiResourceId }),
      );

      // Assess
      expect(aws().inventory().replications).toHaveLength(2);
      expect(DBInstanceAutomatedBackups?.map((b) => [b.DBInstanceAutomatedBackupsArn, b.DbiResourceId])).toEqual([
        [current?.DBInstanceAutomatedBackupsArn, DbiResourceId],
      ]);
    });

    it('retains the replicated backups when the source instance is deleted while replicating', async () => {
      // Prepare
      await start();

      // Act
      await deleteInstance();
      aws().clock.advance(5 * MINUTE);

      // Assess
      expect(aws().leftovers()).toEqual([expect.stringMatching(/^backup-replication:arn:aws:rds:us-west-2:/)]);
      aws().clock.advance(14 * 24 * 60 * MINUTE);
      expect(aws().leftovers()).toEqual([]);
    });
  });
});
