import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RestoreDBInstanceFromDBSnapshotCommand,
  type RestoreDBInstanceFromDBSnapshotCommandInput,
} from '@aws-sdk/client-rds';
import { createRequest, KMS_KEY_ARN, useAwsDouble } from '../../../../lib/local/aws/fixtures';

/** The RDS double's snapshots and restores, checked against the rules of the RDS API reference. */

const rds = new RDSClient({ region: 'us-east-1' });
const MINUTE = 60_000;

const restoreRequest = (fields: Partial<RestoreDBInstanceFromDBSnapshotCommandInput> = {}) =>
  new RestoreDBInstanceFromDBSnapshotCommand({
    DBInstanceIdentifier: 'tenant-acme',
    DBSnapshotIdentifier: 'tenant-acme-final',
    DBInstanceClass: 'db.t4g.micro',
    StorageType: 'gp3',
    AllocatedStorage: 20,
    Tags: [{ Key: 'tenant-db:tenant-id', Value: 'acme' }],
    ...fields,
  });

describe('RestoreDBInstanceFromDBSnapshot (RDS double)', () => {
  const aws = useAwsDouble();
  const seed = (fields: { status?: 'creating' | 'available'; allocatedGiB?: number } = {}) =>
    aws().rdsSnapshots.seed({
      identifier: 'tenant-acme-final',
      instanceIdentifier: 'tenant-acme',
      kmsKeyId: KMS_KEY_ARN,
      ...fields,
    });

  it('restores an available snapshot: creating → available, encrypted with its key, no master secret', async () => {
    // Prepare
    seed({ allocatedGiB: 20 });

    // Act
    const { DBInstance } = await rds.send(restoreRequest());
    aws().clock.advance(30 * MINUTE);
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tenant-acme' }));

    // Assess
    expect(DBInstance?.DBInstanceStatus).toBe('creating');
    expect(DBInstances?.[0]).toMatchObject({
      DBInstanceStatus: 'available',
      StorageEncrypted: true,
      KmsKeyId: KMS_KEY_ARN,
      MasterUserSecret: undefined,
      TagList: [{ Key: 'tenant-db:tenant-id', Value: 'acme' }],
    });
  });

  it('gives a restored instance a new master secret when ModifyDBInstance asks for one', async () => {
    // Prepare
    seed();
    await rds.send(restoreRequest());
    aws().clock.advance(30 * MINUTE);

    // Act
    await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: 'tenant-acme',
        ManageMasterUserPassword: true,
        MasterUserSecretKmsKeyId: KMS_KEY_ARN,
        ApplyImmediately: true,
      }),
    );
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tenant-acme' }));

    // Assess
    expect(DBInstances?.[0]?.MasterUserSecret).toMatchObject({ SecretStatus: 'active', KmsKeyId: KMS_KEY_ARN });
    expect(aws().inventory().managedSecrets).toHaveLength(1);
  });

  it.each<[string, () => Promise<unknown>, string]>([
    ['a snapshot that does not exist', async () => undefined, 'DBSnapshotNotFoundFault'],
    ['a snapshot still being created', async () => seed({ status: 'creating' }), 'InvalidDBSnapshotStateFault'],
    [
      'an identifier already taken',
      async () => {
        seed();
        await rds.send(new CreateDBInstanceCommand(createRequest('tenant-acme')));
      },
      'DBInstanceAlreadyExistsFault',
    ],
  ])('refuses %s', async (_case, arrange, errorName) => {
    // Prepare
    await arrange();

    // Act
    const result = rds.send(restoreRequest());

    // Assess
    await expect(result).rejects.toMatchObject({ name: errorName });
  });

  it.each<[string, Partial<RestoreDBInstanceFromDBSnapshotCommandInput>, string]>([
    ['less storage than the snapshot', { AllocatedStorage: 20 }, 'InvalidParameterValue'],
    [
      'ManageMasterUserPassword (RDS for Oracle only)',
      { ManageMasterUserPassword: true },
      'InvalidParameterCombination',
    ],
    ['DBName (Oracle and SQL Server only)', { DBName: 'tenant' }, 'InvalidParameterCombination'],
    ['an invalid identifier', { DBInstanceIdentifier: 'tenant--acme' }, 'InvalidParameterValue'],
  ])('refuses a request with %s', async (_case, fields, errorName) => {
    // Prepare
    seed({ allocatedGiB: 50 });

    // Act
    const result = rds.send(restoreRequest({ AllocatedStorage: 50, ...fields }));

    // Assess
    await expect(result).rejects.toMatchObject({ name: errorName });
    expect(aws().inventory().instances).toEqual([]);
  });

  it('describes a snapshot, and a deleted one is not found', async () => {
    // Prepare
    seed({ allocatedGiB: 42 });

    // Act
    const { DBSnapshots } = await rds.send(
      new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'tenant-acme-final' }),
    );
    aws().rdsSnapshots.remove('tenant-acme-final');
    const gone = rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'tenant-acme-final' }));

    // Assess
    expect(DBSnapshots?.[0]).toMatchObject({ Status: 'available', AllocatedStorage: 42, Encrypted: true });
    await expect(gone).rejects.toMatchObject({ name: 'DBSnapshotNotFoundFault' });
  });
});
