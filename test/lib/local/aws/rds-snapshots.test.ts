import {
  CopyDBSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBInstanceCommand,
  DescribeAccountAttributesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { DEFAULT_RDS_TIMINGS } from '../../../../lib/local/aws';
import { createRequest, useAwsDouble } from '../../../../lib/local/aws/fixtures';

const east = new RDSClient({ region: 'us-east-1' });
const west = new RDSClient({ region: 'us-west-2' });
const ID = 'tenant-acme';
const SNAPSHOT = 'tenant-acme-final-abc';
const { creationMs, backingUpMs, stoppingMs } = DEFAULT_RDS_TIMINGS;

const snapshotStatus = async (client: RDSClient, id: string) =>
  (await client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }))).DBSnapshots?.[0]?.Status;
const create = (id = SNAPSHOT) =>
  east.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: ID, DBSnapshotIdentifier: id }));
const arnOf = (id: string) => `arn:aws:rds:us-east-1:123456789012:snapshot:${id}`;

describe('RDS double: manual snapshots', () => {
  const aws = useAwsDouble();

  beforeEach(async () => {
    await east.send(new CreateDBInstanceCommand(createRequest(ID)));
    aws().clock.advance(creationMs + backingUpMs);
  });

  it('takes a snapshot that is creating, then available, tagged as asked', async () => {
    // Act
    await east.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: ID,
        DBSnapshotIdentifier: SNAPSHOT,
        Tags: [{ Key: 'tenant-db:tenant-id', Value: 'acme' }],
      }),
    );
    const creating = await snapshotStatus(east, SNAPSHOT);
    aws().clock.advance(aws().rdsSnapshots.timings.snapshotMs);

    // Assess
    expect([creating, await snapshotStatus(east, SNAPSHOT)]).toEqual(['creating', 'available']);
    expect(aws().inventory().manualSnapshots).toEqual([
      expect.objectContaining({ identifier: SNAPSHOT, tags: [{ Key: 'tenant-db:tenant-id', Value: 'acme' }] }),
    ]);
  });

  it.each([
    ['a hyphen at the end', 'tenant-acme-'],
    ['two hyphens in a row', 'tenant--acme'],
    ['a digit first', '1tenant'],
    ['an underscore', 'tenant_acme'],
    ['256 characters', `t${'a'.repeat(255)}`],
  ])('refuses an identifier with %s', async (_case, id) => {
    await expect(create(id)).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('refuses a snapshot of a stopped instance (only available ones are snapshotted)', async () => {
    // Prepare
    await east.send(new StopDBInstanceCommand({ DBInstanceIdentifier: ID }));
    aws().clock.advance(stoppingMs);

    // Act / Assess
    await expect(create()).rejects.toMatchObject({ name: 'InvalidDBInstanceStateFault' });
  });

  it('enforces the manual-snapshot quota DescribeAccountAttributes reports, per Region', async () => {
    // Prepare
    aws().rdsSnapshots.manualSnapshotQuota = 2;
    aws().rdsSnapshots.foreignSnapshots['us-east-1'] = 1;

    // Act
    await create('tenant-acme-final-one');
    const full = await east.send(new DescribeAccountAttributesCommand({}));
    const refused = create('tenant-acme-final-two');

    // Assess
    expect(full.AccountQuotas).toEqual([{ AccountQuotaName: 'ManualSnapshots', Used: 2, Max: 2 }]);
    await expect(refused).rejects.toMatchObject({ name: 'SnapshotQuotaExceededFault' });
    expect((await west.send(new DescribeAccountAttributesCommand({}))).AccountQuotas?.[0]).toMatchObject({ Used: 0 });
  });

  it('copies an available snapshot to another Region, called there, with a key of that Region', async () => {
    // Prepare
    await create();
    aws().clock.advance(aws().rdsSnapshots.timings.snapshotMs);
    const key = 'arn:aws:kms:us-west-2:123456789012:key/backup';

    // Act
    const { DBSnapshot } = await west.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: arnOf(SNAPSHOT),
        TargetDBSnapshotIdentifier: SNAPSHOT,
        KmsKeyId: key,
      }),
    );
    aws().clock.advance(aws().rdsSnapshots.timings.copyMs);

    // Assess
    expect(DBSnapshot).toMatchObject({
      DBSnapshotArn: `arn:aws:rds:us-west-2:123456789012:snapshot:${SNAPSHOT}`,
      KmsKeyId: key,
    });
    expect(await snapshotStatus(west, SNAPSHOT)).toBe('available');
  });

  it.each<[string, Record<string, string>, string]>([
    ['without a key of the destination Region', {}, 'InvalidParameterCombination'],
    [
      'with a key of the source Region',
      { KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/platform' },
      'InvalidParameterValue',
    ],
  ])('refuses an encrypted cross-Region copy %s', async (_case, key, error) => {
    // Prepare
    await create();
    aws().clock.advance(aws().rdsSnapshots.timings.snapshotMs);

    // Act / Assess
    await expect(
      west.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: arnOf(SNAPSHOT),
          TargetDBSnapshotIdentifier: SNAPSHOT,
          ...key,
        }),
      ),
    ).rejects.toMatchObject({ name: error });
  });

  it('refuses to copy a snapshot still creating', async () => {
    // Prepare
    await create();

    // Act / Assess
    await expect(
      west.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: arnOf(SNAPSHOT),
          TargetDBSnapshotIdentifier: SNAPSHOT,
          KmsKeyId: 'arn:aws:kms:us-west-2:123456789012:key/backup',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidDBSnapshotStateFault' });
  });

  it('keeps the manual snapshot when the instance is deleted', async () => {
    // Prepare
    await create();
    aws().clock.advance(aws().rdsSnapshots.timings.snapshotMs);

    // Act
    await east.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: ID, SkipFinalSnapshot: true }));
    aws().clock.advance(DEFAULT_RDS_TIMINGS.deletionMs);

    // Assess
    expect(await snapshotStatus(east, SNAPSHOT)).toBe('available');
  });
});
