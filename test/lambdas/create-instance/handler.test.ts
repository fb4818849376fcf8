import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  InvalidParameterException,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  CreateDBInstanceCommand,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  InsufficientDBInstanceCapacityFault,
  RDSClient,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import { DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambdas/create-instance/handler';
import { buildCreateDbInstanceRequest } from '../../../lambdas/create-instance/request';
import { clock } from '../../../lambdas/shared/clock';
import type { TenantStatus, ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { ownershipTags, type Tag } from '../../../lambdas/shared/naming';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { AwsDouble, registryTable } from '../../../lib/local/aws';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';

const NOW = Date.parse('2026-11-26T10:00:00.000Z');
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1';
const INSTANCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme';
const ENVIRONMENT = {
  REGISTRY_TABLE_NAME: 'tenant-registry',
  PLATFORM_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee',
  DB_SUBNET_GROUP_NAME: 'tenant-db-subnets',
  DB_SECURITY_GROUP_ID: 'sg-0123456789abcdef0',
  DB_PARAMETER_GROUPS: JSON.stringify({ postgres17: 'tenant-db-postgres17' }),
  MONITORING_ROLE_ARN: 'arn:aws:iam::123456789012:role/tenant-db-monitoring',
};

function stateFor(tier: string): WorkflowState {
  const request: ValidatedRequest = {
    tenantId: 'acme',
    tier,
    tierDefinition: DEFAULT_TIERS[tier] as TierDefinition,
    requestedBy: 'ops',
    requestId: 'acme-pro-1',
    metadata: {},
    executionArn: EXECUTION_ARN,
    executionName: 'acme-pro-1',
  };
  return { request, claim: { outcome: 'CLAIMED', attempt: 1 } };
}

const rds = mockClient(RDSClient);
const logs = mockClient(CloudWatchLogsClient);
const ddb = mockClient(DynamoDBDocumentClient);
const fault = <T>(Fault: new (opts: { message: string; $metadata: object }) => T) =>
  new Fault({ message: 'from RDS', $metadata: {} });

beforeEach(() => {
  rds.reset();
  logs.reset();
  logs.on(CreateLogGroupCommand).resolves({});
  logs.on(PutRetentionPolicyCommand).resolves({});
  ddb.reset();
  ddb.on(UpdateCommand).resolves({});
  Object.assign(process.env, ENVIRONMENT);
  // Unset unless a test configures it: the stack may leave it out.
  delete process.env.TENANT_LOG_RETENTION_DAYS;
  jest.spyOn(clock, 'now').mockReturnValue(NOW);
});

afterEach(() => jest.restoreAllMocks());

afterAll(() => {
  for (const name of Object.keys(ENVIRONMENT)) delete process.env[name];
});

describe('CreateInstance handler', () => {
  it.each<[string, number]>([
    ['starter', 45],
    ['pro', 60],
    ['enterprise', 90],
  ])('creates the %s instance and gives it the tier budget of %i minutes', async (tier, minutes) => {
    // Prepare
    const state = stateFor(tier);
    rds.on(CreateDBInstanceCommand).resolves({ DBInstance: { DBInstanceArn: INSTANCE_ARN } });

    // Act
    const result = await handler(state, lambdaContext());

    // Assess
    expect(result).toEqual({
      instanceId: 'tenant-acme',
      instanceArn: INSTANCE_ARN,
      deadline: new Date(NOW + minutes * 60_000).toISOString(),
    });
    const platform = {
      kmsKeyArn: ENVIRONMENT.PLATFORM_KMS_KEY_ARN,
      subnetGroupName: ENVIRONMENT.DB_SUBNET_GROUP_NAME,
      securityGroupId: ENVIRONMENT.DB_SECURITY_GROUP_ID,
      parameterGroupName: 'tenant-db-postgres17',
      monitoringRoleArn: ENVIRONMENT.MONITORING_ROLE_ARN,
    };
    expect(rds).toHaveReceivedCommandWith(
      CreateDBInstanceCommand,
      buildCreateDbInstanceRequest(state.request, platform),
    );
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'tenant-registry',
      ConditionExpression: 'executionArn = :owner AND #status IN (:from0)',
      ExpressionAttributeNames: expect.objectContaining({ '#status': 'status' }),
      ExpressionAttributeValues: expect.objectContaining({
        ':v0': 'tenant-acme',
        ':owner': EXECUTION_ARN,
        ':from0': 'PROVISIONING',
      }),
    });
  });

  it.each<[string, Date | undefined, string]>([
    ['RDS created it 20 minutes ago', new Date(NOW - 20 * 60_000), new Date(NOW + 40 * 60_000).toISOString()],
    ['RDS reports no creation time yet (still creating)', undefined, new Date(NOW + 60 * 60_000).toISOString()],
  ])('counts the budget of an adopted instance from its creation: %s', async (_case, createdAt, deadline) => {
    // Prepare: a retry of the step finds the instance the crashed attempt created (pro: 60 minutes)
    rds.on(CreateDBInstanceCommand).rejects(fault(DBInstanceAlreadyExistsFault));
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceArn: INSTANCE_ARN,
          DBInstanceStatus: createdAt ? 'backing-up' : 'creating',
          InstanceCreateTime: createdAt,
          TagList: ownershipTags({ tenantId: 'acme', tier: 'pro', executionArn: EXECUTION_ARN }),
        },
      ],
    });

    // Act
    const result = await handler(stateFor('pro'), lambdaContext());

    // Assess
    expect(result.deadline).toBe(deadline);
  });

  it('continues with the instance an earlier attempt of this execution created', async () => {
    // Prepare
    rds.on(CreateDBInstanceCommand).rejects(fault(DBInstanceAlreadyExistsFault));
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceArn: INSTANCE_ARN,
          TagList: ownershipTags({ tenantId: 'acme', tier: 'pro', executionArn: EXECUTION_ARN }),
        },
      ],
    });

    // Act
    const result = await handler(stateFor('pro'), lambdaContext());

    // Assess
    expect(result).toMatchObject({ instanceId: 'tenant-acme', instanceArn: INSTANCE_ARN });
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'tenant-acme' });
    expect(ddb).toHaveReceivedCommand(UpdateCommand);
  });

  it.each<[string, Tag[] | undefined]>([
    ['another execution', ownershipTags({ tenantId: 'acme', tier: 'pro', executionArn: `${EXECUTION_ARN}-earlier` })],
    ['nobody we know (no tags)', undefined],
  ])('refuses an existing instance created by %s and leaves it alone', async (_case, tags) => {
    // Prepare
    rds.on(CreateDBInstanceCommand).rejects(fault(DBInstanceAlreadyExistsFault));
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceArn: INSTANCE_ARN, TagList: tags }] });

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'OwnershipConflictError',
      message: expect.stringContaining('DB instance tenant-acme already exists'),
    });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('retries when the existing instance vanished before it could be described', async () => {
    // Prepare
    rds.on(CreateDBInstanceCommand).rejects(fault(DBInstanceAlreadyExistsFault));
    rds.on(DescribeDBInstancesCommand).rejects(fault(DBInstanceNotFoundFault));

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it('fails permanently with a clear reason when RDS has no capacity for the class', async () => {
    // Prepare
    rds.on(CreateDBInstanceCommand).rejects(fault(InsufficientDBInstanceCapacityFault));

    // Act
    const result = handler(stateFor('enterprise'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'AwsRequestError',
      message: expect.stringMatching(/no capacity for db\.r7g\.xlarge .*tenant-db-subnets/),
    });
  });

  it.each([
    'InvalidParameterCombination',
    'InvalidParameterValue',
    'StorageQuotaExceededFault',
    'InstanceQuotaExceededFault',
    'KMSKeyNotAccessibleFault',
  ])('fails permanently on %s', async (name) => {
    // Prepare
    rds
      .on(CreateDBInstanceCommand)
      .rejects(
        new RDSServiceException({ name, $fault: 'client', message: 'refused', $metadata: { httpStatusCode: 400 } }),
      );

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'AwsRequestError', message: expect.stringContaining(name) });
  });

  it('asks the workflow to retry when RDS throttles', async () => {
    // Prepare
    rds.on(CreateDBInstanceCommand).rejects(
      new RDSServiceException({
        name: 'Throttling',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it.each<[string, Tag[] | undefined]>([
    ['another execution', ownershipTags({ tenantId: 'acme', tier: 'pro', executionArn: `${EXECUTION_ARN}-earlier` })],
    ['another tenant', ownershipTags({ tenantId: 'acme-corp', tier: 'pro', executionArn: EXECUTION_ARN })],
    ['nobody we know (no tags)', undefined],
  ])('leaves the retention of pre-existing log groups alone when the instance belongs to %s', async (_case, tags) => {
    // Prepare: the groups exist (the other instance's), and so does the instance
    logs
      .on(CreateLogGroupCommand)
      .rejects(
        new ResourceAlreadyExistsException({ message: 'The specified log group already exists', $metadata: {} }),
      );
    rds.on(CreateDBInstanceCommand).rejects(fault(DBInstanceAlreadyExistsFault));
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceArn: INSTANCE_ARN, TagList: tags }] });

    // Act
    const result = handler(stateFor('enterprise'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'OwnershipConflictError' });
    expect(logs).toHaveReceivedCommandTimes(CreateLogGroupCommand, 3);
    expect(logs).not.toHaveReceivedCommand(PutRetentionPolicyCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('sets the retention of the groups it created, but not of the pre-existing ones, before a foreign instance', async () => {
    // Prepare: enterprise exports three logs; only the upgrade group already exists
    logs
      .on(CreateLogGroupCommand, { logGroupName: '/aws/rds/instance/tenant-acme/upgrade' })
      .rejects(
        new ResourceAlreadyExistsException({ message: 'The specified log group already exists', $metadata: {} }),
      );
    rds.on(CreateDBInstanceCommand).rejects(fault(DBInstanceAlreadyExistsFault));
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceArn: INSTANCE_ARN, TagList: [] }] });

    // Act
    const result = handler(stateFor('enterprise'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'OwnershipConflictError' });
    expect(logs.commandCalls(PutRetentionPolicyCommand).map((c) => c.args[0].input.logGroupName)).toEqual([
      '/aws/rds/instance/tenant-acme/postgresql',
      '/aws/rds/instance/tenant-acme/iam-db-auth-error',
    ]);
  });

  it('sets the retention of pre-existing groups only after the instance is known to be ours', async () => {
    // Prepare: a retry after a crash finds both the groups and the instance of this execution
    logs
      .on(CreateLogGroupCommand)
      .rejects(
        new ResourceAlreadyExistsException({ message: 'The specified log group already exists', $metadata: {} }),
      );
    rds.on(CreateDBInstanceCommand).rejects(fault(DBInstanceAlreadyExistsFault));
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceArn: INSTANCE_ARN,
          TagList: ownershipTags({ tenantId: 'acme', tier: 'pro', executionArn: EXECUTION_ARN }),
        },
      ],
    });

    // Act
    await handler(stateFor('pro'), lambdaContext());

    // Assess
    const retentions = logs.commandCalls(PutRetentionPolicyCommand);
    expect(retentions.map((c) => c.args[0].input.logGroupName)).toEqual([
      '/aws/rds/instance/tenant-acme/postgresql',
      '/aws/rds/instance/tenant-acme/upgrade',
    ]);
    const [described] = rds.commandCalls(DescribeDBInstancesCommand);
    expect(described && retentions.every((call) => call.calledAfter(described))).toBe(true);
  });

  /** Answers the registry update as DynamoDB would while the record is `current`: its condition decides. */
  async function registryHolds(current: Record<string, unknown>) {
    const registry = new AwsDouble();
    registry.dynamodb.defineTable(registryTable(ENVIRONMENT.REGISTRY_TABLE_NAME));
    await registry.dynamodb.seed(ENVIRONMENT.REGISTRY_TABLE_NAME, current);
    ddb
      .on(UpdateCommand)
      .callsFake((input: UpdateCommandInput, getClient: () => DynamoDBDocumentClient) =>
        registry.invoke('dynamodb', new UpdateCommand(input), { translateConfig: getClient().config.translateConfig }),
      );
  }

  it.each<[TenantStatus, boolean]>([
    ['PROVISIONING', true],
    ['FAILED', false],
    ['ROLLBACK_FAILED', false],
    ['ACTIVE', false],
  ])('records the instance only while its own record is PROVISIONING (record %s)', async (status, recorded) => {
    // Prepare: the record is this execution's, in `status` (a redriven execution reaped meanwhile, say)
    rds.on(CreateDBInstanceCommand).resolves({ DBInstance: { DBInstanceArn: INSTANCE_ARN } });
    await registryHolds({ tenantId: 'acme', status, executionArn: EXECUTION_ARN });

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    if (recorded) await expect(result).resolves.toMatchObject({ instanceId: 'tenant-acme' });
    else await expect(result).rejects.toMatchObject({ name: 'TenantConflictError' });
  });

  it('fails with TenantConflictError when the registry record is no longer ours', async () => {
    // Prepare
    rds.on(CreateDBInstanceCommand).resolves({ DBInstance: { DBInstanceArn: INSTANCE_ARN } });
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'TenantConflictError' });
  });

  const LOG_TAGS = {
    'tenant-db:tenant-id': 'acme',
    'tenant-db:tier': 'pro',
    'tenant-db:execution-arn': EXECUTION_ARN,
    'tenant-db:managed-by': 'tenant-db-platform',
  };

  it.each<[string, string | undefined, number]>([
    ['the default retention when none is configured', undefined, 365],
    ['the configured retention', '731', 731],
  ])(
    'creates the encrypted, tagged log groups of the exported logs before the instance, with %s',
    async (_case, configured, days) => {
      // Prepare
      if (configured !== undefined) process.env.TENANT_LOG_RETENTION_DAYS = configured;
      rds.on(CreateDBInstanceCommand).resolves({ DBInstance: { DBInstanceArn: INSTANCE_ARN } });

      // Act
      await handler(stateFor('pro'), lambdaContext());

      // Assess: pro exports postgresql and upgrade
      const names = ['/aws/rds/instance/tenant-acme/postgresql', '/aws/rds/instance/tenant-acme/upgrade'];
      expect(logs.commandCalls(CreateLogGroupCommand).map((c) => c.args[0].input)).toEqual(
        names.map((logGroupName) => ({ logGroupName, kmsKeyId: ENVIRONMENT.PLATFORM_KMS_KEY_ARN, tags: LOG_TAGS })),
      );
      expect(logs.commandCalls(PutRetentionPolicyCommand).map((c) => c.args[0].input)).toEqual(
        names.map((logGroupName) => ({ logGroupName, retentionInDays: days })),
      );
      const lastLogCall = logs.call(logs.calls().length - 1);
      expect(rds.commandCalls(CreateDBInstanceCommand)[0]?.calledAfter(lastLogCall)).toBe(true);
    },
  );

  it('sets the retention of log groups that already exist and leaves their key alone', async () => {
    // Prepare: an earlier attempt, or RDS itself, created the groups
    logs
      .on(CreateLogGroupCommand)
      .rejects(
        new ResourceAlreadyExistsException({ message: 'The specified log group already exists', $metadata: {} }),
      );
    rds.on(CreateDBInstanceCommand).resolves({ DBInstance: { DBInstanceArn: INSTANCE_ARN } });

    // Act
    const result = await handler(stateFor('enterprise'), lambdaContext());

    // Assess
    expect(result.instanceId).toBe('tenant-acme');
    expect(logs.commandCalls(PutRetentionPolicyCommand).map((c) => c.args[0].input)).toEqual(
      ['postgresql', 'upgrade', 'iam-db-auth-error'].map((type) => ({
        logGroupName: `/aws/rds/instance/tenant-acme/${type}`,
        retentionInDays: 365,
      })),
    );
    // Only creations and retentions: no AssociateKmsKey on a group that may be encrypted otherwise
    expect(new Set(logs.calls().map((c) => (c.args[0] as object).constructor.name))).toEqual(
      new Set(['CreateLogGroupCommand', 'PutRetentionPolicyCommand']),
    );
    expect(rds).toHaveReceivedCommand(CreateDBInstanceCommand);
  });

  it.each(['366', '0', 'forever', '30.5'])(
    'fails with ConfigurationError, before any AWS call, when the log retention is %s days',
    async (configured) => {
      // Prepare
      process.env.TENANT_LOG_RETENTION_DAYS = configured;

      // Act
      const result = handler(stateFor('pro'), lambdaContext());

      // Assess
      await expect(result).rejects.toMatchObject({
        name: 'ConfigurationError',
        message: expect.stringContaining('TENANT_LOG_RETENTION_DAYS'),
      });
      expect(logs.calls()).toHaveLength(0);
      expect(rds).not.toHaveReceivedCommand(CreateDBInstanceCommand);
    },
  );

  it('fails without creating the instance when a log group cannot be created', async () => {
    // Prepare
    logs
      .on(CreateLogGroupCommand)
      .rejects(new InvalidParameterException({ message: 'The specified KMS key is disabled', $metadata: {} }));

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'AwsRequestError',
      message: expect.stringContaining('InvalidParameterException'),
    });
    expect(rds).not.toHaveReceivedCommand(CreateDBInstanceCommand);
  });

  it('fails with ConfigurationError, before calling RDS, when the engine has no parameter group', async () => {
    // Prepare
    process.env.DB_PARAMETER_GROUPS = JSON.stringify({ postgres16: 'tenant-db-postgres16' });

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ConfigurationError', message: /postgres17/ });
    expect(rds).not.toHaveReceivedCommand(CreateDBInstanceCommand);
  });
});
