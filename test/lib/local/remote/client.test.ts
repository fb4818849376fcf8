import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { REGISTRY_STATUS_INDEX } from '../../../../lambdas/shared/contracts';
import {
  forwardToLocalPlatform,
  LocalPlatformNotRunningError,
  requireEndpoint,
} from '../../../../lib/local/remote/client';
import { MAX_BODY_BYTES } from '../../../../lib/local/remote/protocol';
import { LOCAL_REGION, LOCAL_REGISTRY, startTestPlatform, type TestPlatform } from '../../../support/local-platform';

/** A request handler that fails the test if the SDK ever tried the network. */
const noNetwork = {
  handle: () => Promise.reject(new Error('the SDK tried the network')),
};

const AWS_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_DEFAULT_REGION'] as const;
const saved: Partial<Record<string, string>> = {};

let platform: TestPlatform;
beforeAll(() => {
  // No credentials and no Region anywhere: the forwarded clients need neither.
  for (const name of AWS_ENV) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
});
afterAll(() => {
  for (const name of AWS_ENV) if (saved[name] !== undefined) process.env[name] = saved[name];
});
beforeEach(async () => {
  platform = await startTestPlatform();
});
afterEach(() => platform.close());

const local = <C>(client: C): C => forwardToLocalPlatform(client, platform.endpoint);
const documentClient = () =>
  local(
    DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler: noNetwork }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );

describe('forwardToLocalPlatform', () => {
  it('round-trips DocumentClient Put, Get, Update and Query in native values, the daemon seeing AttributeValues', async () => {
    // Prepare
    const db = documentClient();
    const item = { tenantId: 'acme', status: 'ACTIVE', updatedAt: '2026-12-04', tier: 'pro', port: 5432, tags: ['a'] };
    // Act
    await db.send(new PutCommand({ TableName: LOCAL_REGISTRY, Item: { ...item, gone: undefined } }));
    const got = await db.send(new GetCommand({ TableName: LOCAL_REGISTRY, Key: { tenantId: 'acme' } }));
    const updated = await db.send(
      new UpdateCommand({
        TableName: LOCAL_REGISTRY,
        Key: { tenantId: 'acme' },
        UpdateExpression: 'SET tier = :t',
        ExpressionAttributeValues: { ':t': 'enterprise' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const queried = await db.send(
      new QueryCommand({
        TableName: LOCAL_REGISTRY,
        IndexName: REGISTRY_STATUS_INDEX,
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'ACTIVE' },
      }),
    );
    // Assess
    expect(got.Item).toEqual(item);
    expect(updated.Attributes).toEqual({ ...item, tier: 'enterprise' });
    expect(queried.Items).toEqual([{ ...item, tier: 'enterprise' }]);
    expect(platform.requests.map((r) => `${r.service} ${r.command}`)).toEqual(
      expect.arrayContaining(['dynamodb PutItem', 'dynamodb GetItem', 'dynamodb UpdateItem', 'dynamodb Query']),
    );
    expect(platform.requests[0]?.input).toMatchObject({ Item: { tenantId: { S: 'acme' }, port: { N: '5432' } } });
    expect(platform.requests.every((r) => r.region === LOCAL_REGION)).toBe(true);
    expect(await platform.double.dynamodb.items(LOCAL_REGISTRY)).toHaveLength(1);
  });

  it('keeps a refused conditional write a ConditionalCheckFailedException, for the DocumentClient and the low-level client', async () => {
    // Prepare
    const db = documentClient();
    const low = local(new DynamoDBClient({ requestHandler: noNetwork }));
    await db.send(new PutCommand({ TableName: LOCAL_REGISTRY, Item: { tenantId: 'acme', status: 'ACTIVE' } }));
    const conditional = { TableName: LOCAL_REGISTRY, ConditionExpression: 'attribute_not_exists(tenantId)' };
    // Act
    const viaDocument = await db
      .send(new PutCommand({ ...conditional, Item: { tenantId: 'acme', status: 'X' } }))
      .catch((e: unknown) => e);
    const viaLow = await low
      .send(
        new PutItemCommand({
          ...conditional,
          Item: { tenantId: { S: 'acme' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((e: unknown) => e);
    // Assess
    for (const error of [viaDocument, viaLow]) {
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
      expect(error).toMatchObject({
        name: 'ConditionalCheckFailedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    }
    expect((viaLow as ConditionalCheckFailedException).Item).toEqual({
      tenantId: { S: 'acme' },
      status: { S: 'ACTIVE' },
    });
  });

  it.each([
    [
      'RDS',
      () =>
        local(new RDSClient({ requestHandler: noNetwork })).send(
          new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' }),
        ),
      DBInstanceNotFoundFault,
      'DBInstanceNotFoundFault',
    ],
  ])('keeps the modeled error of %s', async (_service, call, Class, name) => {
    // Act
    const error = await call().catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(Class);
    expect(error).toMatchObject({ name, $fault: 'client', $metadata: { httpStatusCode: 404 } });
  });

  it('answers Secrets Manager and CloudWatch from the double, Dates included', async () => {
    // Prepare
    const secrets = local(new SecretsManagerClient({ requestHandler: noNetwork }));
    const cloudWatch = local(new CloudWatchClient({ requestHandler: noNetwork }));
    // Act
    const created = await secrets.send(
      new CreateSecretCommand({ Name: 'saas/tenant/acme/app', SecretString: '{"username":"app","password":"p"}' }),
    );
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    await cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'tenant-acme-cpu',
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/RDS',
        Statistic: 'Average',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 80,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    const alarms = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['tenant-acme-cpu'] }));
    // Assess
    expect(created.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:${LOCAL_REGION}:`));
    expect(value.SecretString).toBe('{"username":"app","password":"p"}');
    expect(value.CreatedDate).toBeInstanceOf(Date);
    expect(alarms.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['tenant-acme-cpu']);
  });

  it('forwards Step Functions, CloudFormation and Lambda to the daemon, bytes and errors intact', async () => {
    // Prepare
    platform.extra.sfn = async () => {
      throw Object.assign(new Error('Execution Already Exists: acme-pro-1'), {
        name: 'ExecutionAlreadyExists',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    };
    platform.extra.cloudformation = async () => ({
      Stacks: [
        {
          StackName: 'tenant-db-workflow',
          CreationTime: new Date('2026-12-01T00:00:00Z'),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [],
        },
      ],
    });
    platform.extra.lambda = async (request) => ({
      StatusCode: 200,
      Payload: (request.input as { Payload: Uint8Array }).Payload,
    });
    const sfn = local(new SFNClient({ region: 'eu-west-1', requestHandler: noNetwork }));
    const cloudFormation = local(new CloudFormationClient({ requestHandler: noNetwork }));
    const lambda = local(new LambdaClient({ requestHandler: noNetwork }));
    // Act
    const started = await sfn
      .send(
        new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:eu-west-1:1:stateMachine:x', name: 'acme-pro-1' }),
      )
      .catch((e: unknown) => e);
    const stacks = await cloudFormation.send(new DescribeStacksCommand({ StackName: 'tenant-db-workflow' }));
    const invoked = await lambda.send(
      new InvokeCommand({ FunctionName: 'f', Payload: new TextEncoder().encode('{"tenantId":"acme"}') }),
    );
    // Assess
    expect(started).toBeInstanceOf(ExecutionAlreadyExists);
    expect(started).toMatchObject({ name: 'ExecutionAlreadyExists', message: 'Execution Already Exists: acme-pro-1' });
    expect(stacks.Stacks?.[0]?.CreationTime).toEqual(new Date('2026-12-01T00:00:00Z'));
    expect(new TextDecoder().decode(invoked.Payload)).toBe('{"tenantId":"acme"}');
    expect(platform.requests.map((r) => `${r.service} ${r.command}`)).toEqual([
      'sfn StartExecution',
      'cloudformation DescribeStacks',
      'lambda Invoke',
    ]);
  });

  it('retries a throttled call with the SDK retry policy, as against AWS', async () => {
    // Prepare
    platform.double.faults.add({ service: 'dynamodb', command: 'GetItem', kind: 'throttle', times: 2 });
    const db = documentClient();
    // Act
    const got = await db.send(new GetCommand({ TableName: LOCAL_REGISTRY, Key: { tenantId: 'nobody' } }));
    // Assess
    expect(got.Item).toBeUndefined();
    expect(got.$metadata.attempts).toBe(3);
    expect(platform.requests.filter((r) => r.command === 'GetItem')).toHaveLength(3);
  });

  it('fails an oversized input with the daemon refusal, naming the limit', async () => {
    // Prepare
    const db = documentClient();
    // Act
    const error = await db
      .send(new PutCommand({ TableName: LOCAL_REGISTRY, Item: { tenantId: 'acme', blob: 'x'.repeat(MAX_BODY_BYTES) } }))
      .catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({
      name: 'RequestTooLarge',
      message: `the request body exceeds ${MAX_BODY_BYTES} bytes, the local platform's limit`,
      $metadata: { httpStatusCode: 413 },
    });
    expect(platform.requests).toEqual([]);
  });

  it('never sends a call that bypassed the forwarder: it fails on the machine', async () => {
    // Prepare: a deserializer put back over the forwarder, as a plugin added later could.
    const rds = local(new RDSClient({}));
    rds.middlewareStack.add((next) => (args) => next(args), {
      step: 'deserialize',
      name: 'deserializerMiddleware',
      override: true,
    });
    // Act
    const error = await rds.send(new DescribeDBInstancesCommand({})).catch((e: unknown) => e);
    // Assess
    expect((error as Error).message).toBe('a RDS call bypassed the local platform forwarding and was not sent');
    expect(platform.requests).toEqual([]);
  });

  it('says the platform is not running when its daemon does not answer', async () => {
    // Prepare
    const rds = local(new RDSClient({ requestHandler: noNetwork }));
    await platform.close();
    // Act
    const error = await rds.send(new DescribeDBInstancesCommand({})).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(LocalPlatformNotRunningError);
    expect((error as Error).message).toBe(
      `the local platform is not running (state dir ${platform.stateDir}): start it with \`npm start\` or \`tenantctl local up\``,
    );
  });

  it('says the platform is not running when the state dir has no endpoint', () => {
    expect(() => requireEndpoint('/nonexistent/state')).toThrow(
      'the local platform is not running (state dir /nonexistent/state)',
    );
  });

  it('refuses a client of a service the daemon does not answer', async () => {
    const { SQSClient } = await import('@aws-sdk/client-sqs');
    expect(() => local(new SQSClient({}))).toThrow('the local platform does not answer SQS clients');
  });
});
