/**
 * Requests shaped like the platform's, valid as AWS documents them; tests change one field at a time.
 *
 * @module
 */
import type { PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import type { CreateDBInstanceCommandInput } from '@aws-sdk/client-rds';
import { AwsDouble, type AwsDoubleOptions, installAwsDouble } from '.';

export const KMS_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const BACKUP_KMS_KEY_ARN = 'arn:aws:kms:us-west-2:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab';

export function createRequest(identifier: string): CreateDBInstanceCommandInput {
  return {
    DBInstanceIdentifier: identifier,
    DBInstanceClass: 'db.t4g.micro',
    Engine: 'postgres',
    EngineVersion: '17',
    AllocatedStorage: 20,
    MaxAllocatedStorage: 100,
    StorageType: 'gp3',
    StorageEncrypted: true,
    KmsKeyId: KMS_KEY_ARN,
    MasterUsername: 'tenant_admin',
    ManageMasterUserPassword: true,
    MasterUserSecretKmsKeyId: KMS_KEY_ARN,
    DBName: 'tenant',
    BackupRetentionPeriod: 7,
    PreferredBackupWindow: '03:00-03:30',
    PreferredMaintenanceWindow: 'sun:04:00-sun:04:30',
    PubliclyAccessible: false,
    DeletionProtection: false,
    Tags: [{ Key: 'tenant-db:tenant-id', Value: identifier.replace(/^tenant-/, '') }],
  };
}

export function alarmRequest(name: string): PutMetricAlarmCommandInput {
  return {
    AlarmName: name,
    Namespace: 'AWS/RDS',
    MetricName: 'CPUUtilization',
    Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'tenant-acme' }],
    Statistic: 'Average',
    Period: 300,
    EvaluationPeriods: 3,
    Threshold: 85,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'missing',
    AlarmActions: ['arn:aws:sns:us-east-1:123456789012:tenant-db-alerts'],
    Tags: [{ Key: 'tenant-db:tenant-id', Value: 'acme' }],
  };
}

/**
 * A fresh double per test, wired to the SDK clients; returns its getter.
 *
 * @example
 * ```ts
 * const aws = useAwsDouble();
 * it('...', async () => { aws().rds.timings.creationMs = 60_000; ... });
 * ```
 */
export function useAwsDouble(options?: AwsDoubleOptions): () => AwsDouble {
  let double: AwsDouble | undefined;
  let restore: (() => void) | undefined;
  beforeEach(() => {
    double = new AwsDouble(options);
    restore = installAwsDouble(double);
  });
  afterEach(() => restore?.());
  return () => {
    if (!double) throw new Error('useAwsDouble: the double exists only inside a test');
    return double;
  };
}
