import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CopyDBSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  StartDBInstanceAutomatedBackupsReplicationCommand,
  StartDBInstanceCommand,
  StopDBInstanceAutomatedBackupsReplicationCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AwsDouble, DEFAULT_RDS_TIMINGS, installAwsDouble } from '../../../../lib/local/aws';
import { alarmRequest, BACKUP_KMS_KEY_ARN, createRequest } from '../../../../lib/local/aws/fixtures';
import { VirtualClock } from '../../../../lib/local/aws/virtual-clock';

const rds = new RDSClient({ region: 'us-east-1' });
const rdsWest = new RDSClient({ region: 'us-west-2' });
const secrets = new SecretsManagerClient({ region: 'us-east-1' });
const cloudWatch = new CloudWatchClient({ region: 'us-east-1' });
const kms = new KMSClient({ region: 'us-east-1' });
const logs = new CloudWatchLogsClient({ region: 'us-east-1' });
const scheduler = new SchedulerClient({ region: 'us-east-1' });
const s3 = new S3Client({ region: 'us-east-1' });

const DAY = 24 * 3600_000;
const ID = 'tenant-acme';
const ARN = `arn:aws:rds:us-east-1:123456789012:db:${ID}`;
const ROTATION_FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:tenant-db-workflow-AppSecretRotation-AbC123';
const { creationMs, backingUpMs, stoppingMs, startingMs, deletionMs } = DEFAULT_RDS_TIMINGS;

const describeInstances = async () => (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances;
const statusOf = async (id = ID) =>
  (await describeInstances())?.find((i) => i.DBInstanceIdentifier === id)?.DBInstanceStatus;

/** The double the SDK clients reach, swapped on a restart. */
let current: AwsDouble;
let uninstall: (() => void) | undefined;

function use(double: AwsDouble): AwsDouble {
  uninstall?.();
  current = double;
  uninstall = installAwsDouble(double);
  return double;
}

/** What a restart of the local platform does: export, JSON on disk, a fresh double on a fresh clock, import. */
function restart(): AwsDouble {
  const saved: unknown = JSON.parse(JSON.stringify(current.exportState()));
  const next = new AwsDouble({ clock: new VirtualClock(current.clock.now()) });
  next.importState(saved as ReturnType<AwsDouble['exportState']>);
  return use(next);
}

async function availableInstance(id = ID): Promise<void> {
  await rds.send(new CreateDBInstanceCommand(createRequest(id)));
  current.clock.advance(creationMs + backingUpMs);
}

/** An available instance asked to stop, `elapsedMs` ago. */
async function stoppedInstance(elapsedMs: number): Promise<void> {
  await availableInstance();
  await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: ID }));
  current.clock.advance(elapsedMs);
}

beforeEach(() => {
  use(new AwsDouble());
});

afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});

describe('AWS double: exported state, imported into a fresh double, answers as before', () => {
  it.each<[string, () => Promise<void>, () => Promise<unknown>]>([
    [
      'RDS instances: spec, tags, status, endpoint, master secret link, backup settings',
      async () => {
        await availableInstance();
        await rds.send(new CreateDBInstanceCommand(createRequest('tenant-globex')));
      },
      async () => ({
        instances: await describeInstances(),
        tags: (await rds.send(new ListTagsForResourceCommand({ ResourceName: ARN }))).TagList,
      }),
    ],
    [
      'RDS pending modifications (deferred to the maintenance window)',
      async () => {
        await availableInstance();
        await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: ID, DBInstanceClass: 'db.m7g.large' }));
      },
      async () => (await describeInstances())?.[0]?.PendingModifiedValues,
    ],
    [
      'RDS automated backups: a replication to another Region and a retained backup',
      async () => {
        await availableInstance();
        await availableInstance('tenant-globex');
        await rdsWest.send(
          new StartDBInstanceAutomatedBackupsReplicationCommand({
            SourceDBInstanceArn: ARN,
            KmsKeyId: BACKUP_KMS_KEY_ARN,
          }),
        );
        await rds.send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: 'tenant-globex',
            SkipFinalSnapshot: true,
            DeleteAutomatedBackups: false,
          }),
        );
        current.clock.advance(deletionMs);
      },
      async () => ({
        west: (await rdsWest.send(new DescribeDBInstanceAutomatedBackupsCommand({}))).DBInstanceAutomatedBackups,
        east: (await rds.send(new DescribeDBInstanceAutomatedBackupsCommand({}))).DBInstanceAutomatedBackups,
      }),
    ],
    [
      'RDS manual snapshots and a final snapshot',
      async () => {
        await availableInstance();
        await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: ID, DBSnapshotIdentifier: 'acme-manual' }));
        current.clock.advance(current.rdsSnapshots.timings.snapshotMs);
        await rds.send(
          new DeleteDBInstanceCommand({ DBInstanceIdentifier: ID, FinalDBSnapshotIdentifier: 'acme-final' }),
        );
      },
      async () => ({
        manual: (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'acme-manual' }))).DBSnapshots,
        leftovers: current.leftovers(),
      }),
    ],
    [
      'Secrets Manager: values, versions and stages, rotation, deletion schedules, prototype-named secrets',
      async () => {
        await secrets.send(
          new CreateSecretCommand({ Name: 'saas/tenant/acme/app', SecretString: '{"password":"first"}' }),
        );
        await secrets.send(new PutSecretValueCommand({ SecretId: 'saas/tenant/acme/app', SecretString: 'second' }));
        current.secretsManager.registerRotationFunction(ROTATION_FUNCTION, async () => undefined);
        await secrets.send(
          new RotateSecretCommand({
            SecretId: 'saas/tenant/acme/app',
            RotationLambdaARN: ROTATION_FUNCTION,
            RotationRules: { AutomaticallyAfterDays: 30 },
            RotateImmediately: false,
          }),
        );
        await secrets.send(
          new CreateSecretCommand({ Name: '__proto__', SecretBinary: new Uint8Array([0, 1, 254, 255]) }),
        );
        await secrets.send(
          new CreateSecretCommand({
            Name: 'constructor',
            SecretString: 'x',
            Tags: [{ Key: '__proto__', Value: 'constructor' }],
          }),
        );
        await secrets.send(new DeleteSecretCommand({ SecretId: 'constructor', RecoveryWindowInDays: 7 }));
      },
      async () => ({
        list: (await secrets.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))).SecretList,
        app: (({ $metadata: _request, ...app }) => app)(
          await secrets.send(new DescribeSecretCommand({ SecretId: 'saas/tenant/acme/app' })),
        ),
        previous: (
          await secrets.send(
            new GetSecretValueCommand({ SecretId: 'saas/tenant/acme/app', VersionStage: 'AWSPREVIOUS' }),
          )
        ).SecretString,
        binary: (await secrets.send(new GetSecretValueCommand({ SecretId: '__proto__' }))).SecretBinary,
        deleted: (await secrets.send(new DescribeSecretCommand({ SecretId: 'constructor' }))).DeletedDate,
      }),
    ],
    [
      'RDS-managed master secrets: the instance links to a secret holding its password',
      async () => availableInstance(),
      async () => {
        const arn = (await describeInstances())?.[0]?.MasterUserSecret?.SecretArn;
        return (await secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
      },
    ],
    [
      'CloudWatch alarms',
      async () => {
        await cloudWatch.send(new PutMetricAlarmCommand(alarmRequest('tenant-acme-cpu')));
      },
      async () => (await cloudWatch.send(new DescribeAlarmsCommand({}))).MetricAlarms,
    ],
    [
      'KMS: the AWS managed RDS key keeps its id',
      async () => {
        await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/rds' }));
      },
      async () => (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/rds' }))).KeyMetadata,
    ],
    [
      'CloudWatch Logs groups, tags named like prototype members included',
      async () => {
        await logs.send(
          new CreateLogGroupCommand({
            logGroupName: '/aws/rds/instance/tenant-acme/postgresql',
            tags: { constructor: 'kept', toString: 'kept' },
          }),
        );
      },
      async () => ({
        groups: (await logs.send(new DescribeLogGroupsCommand({}))).logGroups,
        inventory: current.inventory().logGroups,
      }),
    ],
    [
      'Scheduler groups and schedules',
      async () => {
        current.scheduler.createGroup('offboarding');
        await scheduler.send(
          new CreateScheduleCommand({
            Name: 'offboard-acme',
            GroupName: 'offboarding',
            ScheduleExpression: 'at(2031-01-01T00:00:00)',
            FlexibleTimeWindow: { Mode: 'OFF' },
            Target: {
              Arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:offboarding',
              RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
              Input: '{"tenantId":"acme"}',
            },
          }),
        );
      },
      async () => {
        const { $metadata: _request, ...schedule } = await scheduler.send(
          new GetScheduleCommand({ Name: 'offboard-acme', GroupName: 'offboarding' }),
        );
        return schedule;
      },
    ],
    [
      'S3 objects',
      async () => {
        current.s3.createBucket('rollout-results');
        await s3.send(new PutObjectCommand({ Bucket: 'rollout-results', Key: 'run-1/manifest.json', Body: '{}' }));
      },
      async () => current.s3.list('rollout-results'),
    ],
  ])('%s', async (_name, prepare, read) => {
    // Prepare
    await prepare();
    const before = await read();

    // Act
    restart();
    const after = await read();

    // Assess
    expect(after).toEqual(before);
    expect(JSON.stringify(after)).toBe(JSON.stringify(before));
  });
});

describe('AWS double: a transition under way when the state was saved is resumed after import', () => {
  it.each<[string, () => Promise<void>, number, string | undefined]>([
    [
      'creating → backing-up',
      () => rds.send(new CreateDBInstanceCommand(createRequest(ID))).then(),
      creationMs,
      'backing-up',
    ],
    [
      'backing-up → available',
      async () => {
        await rds.send(new CreateDBInstanceCommand(createRequest(ID)));
        current.clock.advance(creationMs);
      },
      backingUpMs,
      'available',
    ],
    ['stopping → stopped', () => stoppedInstance(0), stoppingMs, 'stopped'],
    ['stopped → starting (RDS starts it after 7 days)', () => stoppedInstance(stoppingMs), 7 * DAY, 'starting'],
    [
      'starting → available',
      async () => {
        await stoppedInstance(stoppingMs);
        await rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: ID }));
      },
      startingMs,
      'available',
    ],
    [
      'deleting → gone',
      async () => {
        await availableInstance();
        await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: ID, SkipFinalSnapshot: true }));
      },
      deletionMs,
      undefined,
    ],
    [
      'modifying storage → storage-optimization',
      async () => {
        current.rds.timings.modifyingMs = 60_000;
        await availableInstance();
        await rds.send(
          new ModifyDBInstanceCommand({ DBInstanceIdentifier: ID, AllocatedStorage: 40, ApplyImmediately: true }),
        );
      },
      60_000,
      'storage-optimization',
    ],
    [
      'storage-optimization → available',
      async () => {
        await availableInstance();
        await rds.send(
          new ModifyDBInstanceCommand({ DBInstanceIdentifier: ID, AllocatedStorage: 40, ApplyImmediately: true }),
        );
      },
      DEFAULT_RDS_TIMINGS.storageOptimizationMs,
      'available',
    ],
  ])('%s', async (_name, prepare, remainingMs, expected) => {
    // Prepare
    await prepare();
    const saved = await statusOf();

    // Act
    restart();
    current.clock.advance(remainingMs - 1);
    const justBefore = await statusOf();
    current.clock.advance(1);

    // Assess
    expect(justBefore).toBe(saved);
    expect(await statusOf()).toBe(expected);
  });

  it('ends at once a transition whose due time passed while the platform was down', async () => {
    // Prepare
    await rds.send(new CreateDBInstanceCommand(createRequest(ID)));
    const saved: unknown = JSON.parse(JSON.stringify(current.exportState()));

    // Act
    use(new AwsDouble({ clock: new VirtualClock(current.clock.now() + DAY) }));
    current.importState(saved as ReturnType<AwsDouble['exportState']>);
    current.clock.advance(backingUpMs);

    // Assess
    expect(await statusOf()).toBe('available');
  });

  it.each([
    ['a snapshot being created', false],
    ['a snapshot being copied', true],
  ])('makes %s available when due', async (_name, copy) => {
    // Prepare
    await availableInstance();
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: ID, DBSnapshotIdentifier: 'acme-manual' }));
    const { snapshotMs, copyMs } = current.rdsSnapshots.timings;
    if (copy) {
      current.clock.advance(snapshotMs);
      await rdsWest.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: 'arn:aws:rds:us-east-1:123456789012:snapshot:acme-manual',
          TargetDBSnapshotIdentifier: 'acme-copy',
          KmsKeyId: BACKUP_KMS_KEY_ARN,
        }),
      );
    }
    const client = copy ? rdsWest : rds;
    const identifier = copy ? 'acme-copy' : 'acme-manual';
    const status = async () =>
      (await client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }))).DBSnapshots?.[0]
        ?.Status;

    // Act
    restart();
    const resumed = await status();
    current.clock.advance(copy ? copyMs : snapshotMs);

    // Assess
    expect(resumed).toBe('creating');
    expect(await status()).toBe('available');
  });

  it.each<[string, boolean, () => number, string | undefined]>([
    ['a replication pending → replicating', false, () => DEFAULT_RDS_TIMINGS.replicationPendingMs, 'replicating'],
    ['a retained backup → gone at the end of its retention', true, () => 7 * DAY, undefined],
  ])('resumes %s', async (_name, retain, remainingMs, expected) => {
    // Prepare
    await availableInstance();
    await rdsWest.send(
      new StartDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: ARN, KmsKeyId: BACKUP_KMS_KEY_ARN }),
    );
    if (retain) {
      await rdsWest.send(new StopDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: ARN }));
    }
    const status = async () =>
      (await rdsWest.send(new DescribeDBInstanceAutomatedBackupsCommand({}))).DBInstanceAutomatedBackups?.[0]?.Status;
    const saved = await status();

    // Act
    restart();
    current.clock.advance(remainingMs() - 1);
    const justBefore = await status();
    current.clock.advance(1);

    // Assess
    expect(justBefore).toBe(saved);
    expect(await status()).toBe(expected);
  });

  it('deletes a secret scheduled for deletion at the end of its recovery window', async () => {
    // Prepare
    await secrets.send(new CreateSecretCommand({ Name: 'saas/tenant/acme/app', SecretString: 'x' }));
    await secrets.send(new DeleteSecretCommand({ SecretId: 'saas/tenant/acme/app', RecoveryWindowInDays: 7 }));

    // Act
    restart();
    current.clock.advance(7 * DAY);

    // Assess
    expect(current.leftovers()).toEqual([]);
  });

  it('applies deferred modifications in the next maintenance window', async () => {
    // Prepare
    await availableInstance();
    await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: ID, DBInstanceClass: 'db.m7g.large' }));

    // Act
    restart();
    current.clock.advance(7 * DAY);
    const [instance] = (await describeInstances()) ?? [];

    // Assess
    expect(instance?.DBInstanceClass).toBe('db.m7g.large');
    expect(instance?.PendingModifiedValues).toEqual({});
  });
});

describe('AWS double: ids after a restart', () => {
  let drawn = 0;
  const nextName = (prefix: string) => {
    drawn += 1;
    return `${prefix}-${drawn}`;
  };
  it.each([
    [
      'DbiResourceId of a new instance',
      async () => {
        await rds.send(new CreateDBInstanceCommand(createRequest(nextName('tenant'))));
        return (await describeInstances())?.at(-1)?.DbiResourceId;
      },
    ],
    ['generated passwords', async () => (await secrets.send(new GetRandomPasswordCommand({}))).RandomPassword],
    [
      'ARN suffixes of new secrets',
      async () =>
        (await secrets.send(new CreateSecretCommand({ Name: nextName('s'), SecretString: 'x' }))).ARN?.slice(-6),
    ],
  ])('%s never repeat those handed out before, as a restart from the seed would', async (_name, draw) => {
    // Prepare
    const before = [await draw(), await draw(), await draw()];

    // Act
    restart();
    const after = [await draw(), await draw(), await draw()];
    use(new AwsDouble());
    const fromSeed = [await draw(), await draw(), await draw()];

    // Assess
    expect(fromSeed).toEqual(before);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
  });
});

describe('AWS double: importState refusals', () => {
  it.each<[string, (state: Record<string, unknown>) => unknown, RegExp]>([
    ['another version', (state) => ({ ...state, version: 2 }), /version 2 is not 1/],
    ['another account', (state) => ({ ...state, account: '210987654321' }), /account 210987654321/],
  ])('refuses a state of %s', async (_name, change, message) => {
    // Prepare
    const saved = JSON.parse(JSON.stringify(current.exportState())) as Record<string, unknown>;

    // Act
    const act = () => new AwsDouble().importState(change(saved) as ReturnType<AwsDouble['exportState']>);

    // Assess
    expect(act).toThrow(message);
  });

  it('refuses to load into a double that holds resources', async () => {
    // Prepare
    const saved = current.exportState();
    await rds.send(new CreateDBInstanceCommand(createRequest(ID)));

    // Act
    const act = () => current.importState(saved);

    // Assess
    expect(act).toThrow(/holds no resources/);
  });
});

describe('AWS double: call log limit', () => {
  it.each([
    [undefined, 5, [1, 2, 3, 4, 5]],
    [3, 5, [3, 4, 5]],
    [1, 2, [2]],
  ])('with callLogLimit %s keeps, of %s calls, records %j', async (callLogLimit, calls, kept) => {
    // Prepare
    use(new AwsDouble({ callLogLimit }));

    // Act
    for (let i = 0; i < calls; i += 1) await secrets.send(new GetRandomPasswordCommand({}));

    // Assess
    expect(current.calls.map((c) => c.seq)).toEqual(kept);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses callLogLimit %s', (callLogLimit) => {
    expect(() => new AwsDouble({ callLogLimit })).toThrow(/callLogLimit must be a positive integer/);
  });
});
