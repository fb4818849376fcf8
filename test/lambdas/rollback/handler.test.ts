import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteDBInstanceCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
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
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { ownershipTags } from '../../../lambdas/shared/naming';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';

// The handler builds its clients when loaded, so the backup Region is set before it is required below.
const BACKUP_REGION = 'eu-central-1';
const INSTANCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme';
const REGISTRY_TABLE = 'tenant-registry';
const owner = {
  tenantId: 'acme',
  tier: 'enterprise',
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-provisioning:acme-enterprise-1',
};

const rds = mockClient(RDSClient);
const secrets = mockClient(SecretsManagerClient);
const cloudwatch = mockClient(CloudWatchClient);
const registry = mockClient(DynamoDBDocumentClient);

afterAll(() => {
  for (const mock of [rds, secrets, cloudwatch, registry]) mock.restore();
});

function loadHandler(): typeof import('../../../lambdas/rollback/handler').handler {
  process.env.BACKUP_REPLICATION_REGION = BACKUP_REGION;
  process.env.REGISTRY_TABLE_NAME = REGISTRY_TABLE;
  return require('../../../lambdas/rollback/handler').handler;
}

const state: WorkflowState = {
  request: { ...owner, tierDefinition: DEFAULT_TIERS.enterprise as TierDefinition } as ValidatedRequest,
};

beforeEach(() => {
  for (const mock of [rds, secrets, cloudwatch, registry]) mock.reset();
  registry.on(GetCommand).resolves({
    Item: { tenantId: 'acme', status: 'PROVISIONING', executionArn: owner.executionArn },
  });
});

it('handles replicated backups through RDS in BACKUP_REPLICATION_REGION and the instance in its own Region', async () => {
  // Prepare
  const handler = loadHandler();
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
          DbiResourceId: 'db-ABC',
          DBInstanceStatus: 'available',
          DeletionProtection: true,
          TagList: ownershipTags(owner),
          DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: 'arn:replicated' }],
        },
      ],
    })
    .on(DescribeDBInstanceAutomatedBackupsCommand)
    .callsFake(record('DescribeDBInstanceAutomatedBackups', { DBInstanceAutomatedBackups: [] }))
    .on(StopDBInstanceAutomatedBackupsReplicationCommand)
    .callsFake(record('StopDBInstanceAutomatedBackupsReplication', {}))
    .on(ModifyDBInstanceCommand)
    .callsFake(record('ModifyDBInstance', {}))
    .on(DeleteDBInstanceCommand)
    .callsFake(record('DeleteDBInstance', {}));

  // Act
  const result = await handler(state, lambdaContext());

  // Assess
  expect(result).toMatchObject({ complete: false, leftovers: ['db-instance:tenant-acme'], passes: 1 });
  expect(registry).toHaveReceivedCommandWith(GetCommand, {
    TableName: REGISTRY_TABLE,
    Key: { tenantId: 'acme' },
    ConsistentRead: true,
  });
  expect(calls).toEqual([
    `DescribeDBInstanceAutomatedBackups@${BACKUP_REGION}`,
    `StopDBInstanceAutomatedBackupsReplication@${BACKUP_REGION}`,
    'ModifyDBInstance@us-east-1',
    'DeleteDBInstance@us-east-1',
  ]);
});

it('answers a throttled look at the backup Region with a pass that changed nothing, for the next pass to repeat', async () => {
  // Prepare
  const handler = loadHandler();
  cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  secrets.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
  rds
    .on(DescribeDBInstancesCommand)
    .resolves({
      DBInstances: [{ DBInstanceArn: INSTANCE_ARN, DbiResourceId: 'db-ABC', TagList: ownershipTags(owner) }],
    })
    .on(DescribeDBInstanceAutomatedBackupsCommand)
    .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));

  // Act
  const result = await handler(state, lambdaContext());

  // Assess
  expect(result).toEqual({
    complete: false,
    leftovers: ['db-instance:tenant-acme'],
    deleted: [],
    passes: 1,
    exhausted: false,
    skipped: [],
  });
  expect(rds).not.toHaveReceivedCommand(DeleteDBInstanceCommand);
});

it('refuses to run without REGISTRY_TABLE_NAME, before touching any resource', async () => {
  // Prepare
  const handler = loadHandler();
  delete process.env.REGISTRY_TABLE_NAME;

  // Act
  const outcome = handler(state, lambdaContext());

  // Assess
  await expect(outcome).rejects.toMatchObject({
    name: 'ConfigurationError',
    message: expect.stringContaining('REGISTRY_TABLE_NAME'),
  });
  for (const mock of [rds, secrets, cloudwatch, registry]) expect(mock).not.toHaveReceivedAnyCommand();
});
