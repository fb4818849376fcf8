import type { DBInstance } from '@aws-sdk/client-rds';
import { viewOf } from '../../../lambdas/shared/instance-view';

/** What the waiter and the shared status poller take from one DescribeDBInstances answer. */

const ARN = 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme';
const BACKUPS_ARN = 'arn:aws:rds:us-west-2:123456789012:auto-backup:ab-EXAMPLE';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf';

const described: DBInstance = {
  DBInstanceIdentifier: 'tenant-acme',
  DBInstanceArn: ARN,
  DbiResourceId: 'db-ABC',
  DBInstanceStatus: 'backing-up',
  StorageEncrypted: true,
  BackupRetentionPeriod: 1,
  PendingModifiedValues: { BackupRetentionPeriod: 14, DBInstanceClass: 'db.m7g.large' },
  PreferredBackupWindow: '03:00-03:30',
  DeletionProtection: true,
  DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: BACKUPS_ARN }],
  Endpoint: { Address: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com', Port: 5432, HostedZoneId: 'Z2R2ITUGPM61AM' },
  MasterUserSecret: { SecretArn: SECRET_ARN, SecretStatus: 'active' },
  Engine: 'postgres',
};

describe('viewOf', () => {
  it('takes the status, the endpoint and master secret RDS has assigned, and what the later steps need', () => {
    // Act
    const view = viewOf(described);

    // Assess
    expect(view).toEqual({
      status: 'backing-up',
      endpoint: { address: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com', port: 5432 },
      masterSecretArn: SECRET_ARN,
      snapshot: {
        DBInstanceIdentifier: 'tenant-acme',
        DBInstanceArn: ARN,
        DbiResourceId: 'db-ABC',
        StorageEncrypted: true,
        BackupRetentionPeriod: 1,
        PendingModifiedValues: { BackupRetentionPeriod: 14 },
        PreferredBackupWindow: '03:00-03:30',
        DeletionProtection: true,
        DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: BACKUPS_ARN }],
      },
    });
  });

  it.each<[string, Partial<DBInstance>, 'status' | 'endpoint' | 'masterSecretArn', string | undefined]>([
    ['no status as unknown', { DBInstanceStatus: undefined }, 'status', 'unknown'],
    ['an endpoint without its port as none yet', { Endpoint: { Address: 'tenant-acme.abc' } }, 'endpoint', undefined],
    ['an endpoint without its address as none yet', { Endpoint: { Port: 5432 } }, 'endpoint', undefined],
    [
      'a master secret without its ARN as none yet',
      { MasterUserSecret: { SecretStatus: 'creating' } },
      'masterSecretArn',
      undefined,
    ],
  ])('reads %s', (_case, overrides, key, expected) => {
    // Act
    const view = viewOf({ ...described, ...overrides });

    // Assess
    expect(view[key]).toEqual(expected);
    expect(key in view).toBe(expected !== undefined);
  });

  it('leaves out what RDS does not report: no pending retention, no replications', () => {
    // Act
    const view = viewOf({
      DBInstanceIdentifier: 'tenant-acme',
      DBInstanceStatus: 'creating',
      PendingModifiedValues: { DBInstanceClass: 'db.m7g.large' },
    });

    // Assess
    expect(view).toEqual({
      status: 'creating',
      snapshot: {
        DBInstanceIdentifier: 'tenant-acme',
        DBInstanceArn: undefined,
        DbiResourceId: undefined,
        StorageEncrypted: undefined,
        BackupRetentionPeriod: undefined,
        PreferredBackupWindow: undefined,
        DeletionProtection: undefined,
        DBInstanceAutomatedBackupsReplications: [],
      },
    });
    expect(view.snapshot).not.toHaveProperty('PendingModifiedValues');
  });
});
