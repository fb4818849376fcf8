import {
  DBSnapshotNotFoundFault,
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  InvalidDBSnapshotStateFault,
  RDSClient,
} from '@aws-sdk/client-rds';
import { useAwsDouble } from '../../../../lib/local/aws/fixtures';

const east = new RDSClient({ region: 'us-east-1' });
const west = new RDSClient({ region: 'us-west-2' });
const TAGS = [{ Key: 'tenant-db:tenant-id', Value: 'acme' }];

describe('manual snapshot deletion double', () => {
  const aws = useAwsDouble();

  beforeEach(() => {
    aws().rdsSnapshots.seed({
      identifier: 'tenant-acme-final',
      region: 'us-east-1',
      instanceIdentifier: 'tenant-acme',
      tags: TAGS,
    });
  });

  it('describes a snapshot with its tags in its own Region only', async () => {
    // Act
    const { DBSnapshots } = await east.send(
      new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'tenant-acme-final' }),
    );
    const elsewhere = west.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'tenant-acme-final' }));

    // Assess
    expect(DBSnapshots?.[0]).toMatchObject({ Status: 'available', TagList: TAGS, SnapshotType: 'manual' });
    await expect(elsewhere).rejects.toBeInstanceOf(DBSnapshotNotFoundFault);
  });

  it('deletes an available snapshot; deleting it again is DBSnapshotNotFound', async () => {
    // Act
    await east.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'tenant-acme-final' }));
    const again = east.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'tenant-acme-final' }));

    // Assess
    await expect(again).rejects.toBeInstanceOf(DBSnapshotNotFoundFault);
    expect(aws().rdsSnapshots.names()).toEqual([]);
  });

  it('refuses to delete a snapshot that is not available (InvalidDBSnapshotState)', async () => {
    // Prepare
    aws().rdsSnapshots.setStatus('us-east-1', 'tenant-acme-final', 'copying');

    // Act
    const attempt = east.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'tenant-acme-final' }));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidDBSnapshotStateFault);
    expect(aws().rdsSnapshots.names()).toEqual(['us-east-1/tenant-acme-final']);
  });
});
