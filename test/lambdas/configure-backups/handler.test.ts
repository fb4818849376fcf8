import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  StartDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';

// The handler builds its clients when loaded, so the backup Region is set before it is required below.
const BACKUP_REGION = 'eu-central-1';
const SOURCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme';
const REPLICATION_ARN = `arn:aws:rds:${BACKUP_REGION}:123456789012:auto-backup:ab-EXAMPLE`;
const MANAGED_KEY_ARN = `arn:aws:kms:${BACKUP_REGION}:123456789012:key/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6`;
const enterprise = DEFAULT_TIERS.enterprise as TierDefinition;

const rds = mockClient(RDSClient);
const kms = mockClient(KMSClient);

afterAll(() => {
  rds.restore();
  kms.restore();
});

it('sends the replication request and the key lookup to BACKUP_REPLICATION_REGION and the rest to the instance Region', async () => {
  // Prepare
  process.env.BACKUP_REPLICATION_REGION = BACKUP_REGION;
  const {
    handler,
  }: typeof import('../../../lambdas/configure-backups/handler') = require('../../../lambdas/configure-backups/handler');
  const regionOf = async (getClient: () => RDSClient | KMSClient) => getClient().config.region();
  const calls: string[] = [];
  rds
    .on(DescribeDBInstancesCommand)
    .callsFake(async (_input, getClient) => {
      calls.push(`DescribeDBInstances@${await regionOf(getClient)}`);
      return {
        DBInstances: [
          {
            DBInstanceIdentifier: 'tenant-acme',
            DBInstanceArn: SOURCE_ARN,
            DbiResourceId: 'db-ABC',
            StorageEncrypted: true,
            BackupRetentionPeriod: enterprise.backup.retentionDays,
            PreferredBackupWindow: enterprise.backup.preferredWindow,
          },
        ],
      };
    })
    .on(DescribeDBInstanceAutomatedBackupsCommand)
    .resolves({ DBInstanceAutomatedBackups: [] })
    .on(StartDBInstanceAutomatedBackupsReplicationCommand)
    .callsFake(async (_input, getClient) => {
      calls.push(`StartDBInstanceAutomatedBackupsReplication@${await regionOf(getClient)}`);
      return { DBInstanceAutomatedBackup: { DBInstanceAutomatedBackupsArn: REPLICATION_ARN } };
    });
  kms.on(DescribeKeyCommand).callsFake(async (input, getClient) => {
    calls.push(`DescribeKey(${input.KeyId})@${await regionOf(getClient)}`);
    return { KeyMetadata: { KeyId: '0d1e2f3a', Arn: MANAGED_KEY_ARN } };
  });
  const request = {
    tenantId: 'acme',
    tier: 'enterprise',
    tierDefinition: enterprise,
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-provisioning:acme-enterprise-1',
  } as ValidatedRequest;
  const state: WorkflowState = {
    request,
    instance: { instanceId: 'tenant-acme', instanceArn: SOURCE_ARN, deadline: '2026-11-26T12:00:00.000Z' },
  };

  // Act
  const result = await handler(state, lambdaContext());

  // Assess
  expect(result).toEqual({
    retentionDays: enterprise.backup.retentionDays,
    replicationArn: REPLICATION_ARN,
    replicationRegion: BACKUP_REGION,
  });
  expect(calls).toEqual([
    'DescribeDBInstances@us-east-1',
    `DescribeKey(alias/aws/rds)@${BACKUP_REGION}`,
    `StartDBInstanceAutomatedBackupsReplication@${BACKUP_REGION}`,
  ]);
  expect(rds).toHaveReceivedCommandWith(StartDBInstanceAutomatedBackupsReplicationCommand, {
    KmsKeyId: MANAGED_KEY_ARN,
  });
});

it('works from the instance the wait saw available, without describing it again', async () => {
  // Prepare: the wait's snapshot of an enterprise instance whose backups already replicate
  rds.reset();
  rds.on(DescribeDBInstancesCommand).rejects(new Error('ConfigureBackups must not describe the instance'));
  const {
    handler,
  }: typeof import('../../../lambdas/configure-backups/handler') = require('../../../lambdas/configure-backups/handler');
  const request = {
    tenantId: 'acme',
    tier: 'enterprise',
    tierDefinition: enterprise,
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-provisioning:acme-enterprise-1',
  } as ValidatedRequest;
  const state: WorkflowState = {
    request,
    instance: { instanceId: 'tenant-acme', instanceArn: SOURCE_ARN, deadline: '2026-11-26T12:00:00.000Z' },
    readiness: {
      status: 'AVAILABLE',
      polls: 3,
      instance: {
        DBInstanceIdentifier: 'tenant-acme',
        DBInstanceArn: SOURCE_ARN,
        DbiResourceId: 'db-ABC',
        StorageEncrypted: true,
        BackupRetentionPeriod: enterprise.backup.retentionDays,
        PreferredBackupWindow: enterprise.backup.preferredWindow,
        DeletionProtection: true,
        DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: REPLICATION_ARN }],
      },
    },
  };

  // Act
  const result = await handler(state, lambdaContext());

  // Assess
  expect(result).toEqual({
    retentionDays: enterprise.backup.retentionDays,
    replicationArn: REPLICATION_ARN,
    replicationRegion: BACKUP_REGION,
  });
  expect(rds).not.toHaveReceivedCommand(DescribeDBInstancesCommand);
});
