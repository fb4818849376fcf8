import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import {
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { ValidatedRequest, WorkflowState } from '../../lambdas/shared/contracts';
import { ownershipTags } from '../../lambdas/shared/naming';
import { DEFAULT_TIERS, type TierDefinition } from '../../lambdas/shared/tiers';

// The handler builds its clients when loaded, so the backup Region is set before it is required below.
const BACKUP_REGION = 'eu-central-1';
const INSTANCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme';
const owner = {
  tenantId: 'acme',
  tier: 'enterprise',
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-provisioning:acme-enterprise-1',
};

const rds = mockClient(RDSClient);
const secrets = mockClient(SecretsManagerClient);
const cloudwatch = mockClient(CloudWatchClient);

afterAll(() => {
  for (const mock of [rds, secrets, cloudwatch]) mock.restore();
});

it('stops backup replication through RDS in BACKUP_REPLICATION_REGION and deletes the instance in its own Region', async () => {
  // Prepare
  process.env.BACKUP_REPLICATION_REGION = BACKUP_REGION;
  const { handler }: typeof import('../../lambdas/rollback/handler') = require('../../lambdas/rollback/handler');
  const calls: string[] = [];
  const record = (name: string, output: object) => async (_input: unknown, getClient: () => RDSClient) => {
    calls.push(`${name}@${await getClient().config.region()}`);
    return output;
  };
  cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  secrets.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
  rds
    .on(DescribeDBInstancesCommand)
    .resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'tenant-acme',
          DBInstanceArn: INSTANCE_ARN,
          DBInstanceStatus: 'available',
          DeletionProtection: true,
          TagList: ownershipTags(owner),
          DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: 'arn:replicated' }],
        },
      ],
    })
    .on(StopDBInstanceAutomatedBackupsReplicationCommand)
    .callsFake(record('StopDBInstanceAutomatedBackupsReplication', {}))
    .on(ModifyDBInstanceCommand)
    .callsFake(record('ModifyDBInstance', {}))
    .on(DeleteDBInstanceCommand)
    .callsFake(record('DeleteDBInstance', {}));
  const state: WorkflowState = {
    request: { ...owner, tierDefinition: DEFAULT_TIERS.enterprise as TierDefinition } as ValidatedRequest,
  };

  // Act
  const result = await handler(state);

  // Assess
  expect(result).toMatchObject({ complete: false, leftovers: ['db-instance:tenant-acme'], passes: 1 });
  expect(calls).toEqual([
    `StopDBInstanceAutomatedBackupsReplication@${BACKUP_REGION}`,
    'ModifyDBInstance@us-east-1',
    'DeleteDBInstance@us-east-1',
  ]);
});
