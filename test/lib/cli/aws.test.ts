import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigurationError, ValidationError } from '../../../lambdas/shared/errors';
import { getTenant } from '../../../lambdas/shared/registry';
import { describeStackOutputs } from '../../../lib/cli/aws';
import { assertTenantStatus } from '../../../lib/cli/list-filter';
import { listTenants } from '../../../lib/cli/registry';
import { resolveTargets, type TargetSources } from '../../../lib/cli/targets';
import { followExecution, MAX_POLL_INTERVAL_MS, nextPollDelay } from '../../../lib/cli/watch';
import { failedHistory } from '../../support/cli/history';

const sfn = mockClient(SFNClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const cloudFormation = mockClient(CloudFormationClient);

beforeEach(() => {
  sfn.reset();
  dynamo.reset();
  cloudFormation.reset();
});

const awsError = (name: string, message = name, httpStatusCode = 400) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });

describe('resolveTargets', () => {
  const outputs = [
    { OutputKey: 'StateMachineArn', OutputValue: 'arn:from:stack' },
    { OutputKey: 'RegistryTableName', OutputValue: 'table-from-stack' },
  ];
  const sources = (over: Partial<TargetSources>): TargetSources => ({
    flags: {},
    env: {},
    stackName: 'tenant-db-workflow',
    describeStack: jest.fn().mockResolvedValue(outputs),
    ...over,
  });

  it.each([
    [
      'the flag wins over the environment',
      { flags: { registryTable: 'flag-table' }, env: { TENANTCTL_REGISTRY_TABLE: 'env-table' } },
      'flag-table',
    ],
    ['the environment wins over the stack', { env: { TENANTCTL_REGISTRY_TABLE: 'env-table' } }, 'env-table'],
    ['the stack outputs come last', {}, 'table-from-stack'],
    ['an empty environment variable counts as unset', { env: { TENANTCTL_REGISTRY_TABLE: '' } }, 'table-from-stack'],
  ])('%s', async (_name, over, expected) => {
    // Act
    const { registryTable } = await resolveTargets(['registryTable'], sources(over));

    // Assess
    expect(registryTable).toBe(expected);
  });

  it('calls DescribeStacks only when something is still missing', async () => {
    // Prepare
    const given = sources({ flags: { stateMachineArn: 'arn:flag' }, env: { TENANTCTL_REGISTRY_TABLE: 'env-table' } });

    // Act
    const targets = await resolveTargets(['stateMachineArn', 'registryTable'], given);

    // Assess
    expect(targets).toEqual({ stateMachineArn: 'arn:flag', registryTable: 'env-table' });
    expect(given.describeStack).not.toHaveBeenCalled();
  });

  it.each([
    ['the stack does not exist', undefined, 'stack tenant-db-workflow was not found'],
    ['the stack lacks the output', [], 'stack tenant-db-workflow has no output StateMachineArn'],
  ])('names all three ways to set a target when %s', async (_name, stackOutputs, why) => {
    // Prepare
    const given = sources({ describeStack: jest.fn().mockResolvedValue(stackOutputs) });

    // Act
    const resolving = resolveTargets(['stateMachineArn'], given);

    // Assess
    await expect(resolving).rejects.toBeInstanceOf(ConfigurationError);
    await expect(resolveTargets(['stateMachineArn'], given)).rejects.toThrow(
      `cannot find the provisioning state machine: pass --state-machine-arn, set TENANTCTL_STATE_MACHINE_ARN, or point --stack at the deployed workflow stack (${why})`,
    );
  });
});

describe('describeStackOutputs', () => {
  it('returns the outputs of the stack', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand, { StackName: 'tenant-db-workflow' }).resolves({
      Stacks: [
        {
          StackName: 'tenant-db-workflow',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'A', OutputValue: 'b' }],
        },
      ],
    });

    // Act / Assess
    await expect(describeStackOutputs(new CloudFormationClient({}), 'tenant-db-workflow')).resolves.toEqual([
      { OutputKey: 'A', OutputValue: 'b' },
    ]);
  });

  it('answers undefined for a stack that does not exist', async () => {
    // Prepare
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(awsError('ValidationError', 'Stack with id tenant-db-workflow does not exist'));

    // Act / Assess
    await expect(describeStackOutputs(new CloudFormationClient({}), 'tenant-db-workflow')).resolves.toBeUndefined();
  });

  it('passes any other error on', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand).rejects(awsError('AccessDenied', 'not authorized', 403));

    // Act / Assess
    await expect(describeStackOutputs(new CloudFormationClient({}), 'tenant-db-workflow')).rejects.toThrow(
      'not authorized',
    );
  });
});

describe('registry reads', () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const item = (tenantId: string, status = 'ACTIVE') => ({
    tenantId,
    status,
    tier: 'pro',
    updatedAt: '2026-11-20T10:00:00Z',
  });

  it('reads one tenant consistently', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: item('acme') });

    // Act
    const record = await getTenant(client, 'registry', 'acme');

    // Assess
    expect(record?.tenantId).toBe('acme');
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'registry',
      Key: { tenantId: 'acme' },
      ConsistentRead: true,
    });
  });

  it('queries the byStatus index page by page, newest first, for one status', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [item('b')], LastEvaluatedKey: { tenantId: 'b' } })
      .resolvesOnce({ Items: [item('a')] });

    // Act
    const records = await listTenants(client, 'registry', 'ACTIVE');

    // Assess
    expect(records.map((r) => r.tenantId)).toEqual(['b', 'a']);
    const calls = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[0]).toMatchObject({
      IndexName: 'byStatus',
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': 'ACTIVE' },
      ScanIndexForward: false,
    });
    expect(calls[1]?.ExclusiveStartKey).toEqual({ tenantId: 'b' });
  });

  it('scans every page without a status, sorted by tenant id', async () => {
    // Prepare
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [item('zeta'), item('beta', 'FAILED')], LastEvaluatedKey: { tenantId: 'beta' } })
      .resolvesOnce({ Items: [item('alpha')] });

    // Act
    const records = await listTenants(client, 'registry');

    // Assess
    expect(records.map((r) => r.tenantId)).toEqual(['alpha', 'beta', 'zeta']);
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(2);
  });

  it.each([
    ['ACTIVE', 'ACTIVE'],
    ['active', 'ACTIVE'],
    ['Rollback_Failed', 'ROLLBACK_FAILED'],
    ['rollback-failed', 'ROLLBACK_FAILED'],
  ])('accepts status %s in any case', (status, expected) => {
    // Act / Assess
    expect(assertTenantStatus(status)).toBe(expected);
  });

  it('rejects an unknown status, listing the valid ones', () => {
    // Act / Assess
    expect(() => assertTenantStatus('done')).toThrow(ValidationError);
    expect(() => assertTenantStatus('done')).toThrow(
      '--status: must be one of PROVISIONING, ACTIVE, FAILED, ROLLBACK_FAILED, SUSPENDING, SUSPENDED, SUSPEND_FAILED, RESUMING, RESUME_FAILED, OFFBOARDING, OFFBOARDED, OFFBOARD_FAILED, PURGED, MODIFYING, MODIFY_FAILED (any case)',
    );
  });
});

describe('following an execution', () => {
  it.each([
    ['a good poll waits the base interval', 5000, 20_000, false, 5000],
    ['throttling doubles the wait', 5000, 5000, true, 10_000],
    ['throttling again doubles it again', 5000, 10_000, true, 20_000],
    ['the wait never exceeds the maximum', 5000, 50_000, true, MAX_POLL_INTERVAL_MS],
  ])('%s', (_name, base, previous, throttled, expected) => {
    // Act / Assess
    expect(nextPollDelay(base, previous, throttled)).toBe(expected);
  });

  it('reads every history page in order, reports each step once, and backs off when throttled', async () => {
    // Prepare
    const history = failedHistory();
    const partial = history.slice(0, 12);
    sfn
      .on(GetExecutionHistoryCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolvesOnce({ events: partial })
      .resolvesOnce({ events: history.slice(0, 20), nextToken: 'page-2' })
      .resolvesOnce({ events: history.slice(20) });
    const steps: string[] = [];
    const sleep = jest.fn().mockResolvedValue(undefined);

    // Act
    const result = await followExecution({
      sfn: new SFNClient({}),
      executionArn: 'arn:aws:states:us-east-1:111122223333:execution:sm:acme-pro-1',
      pollIntervalMs: 1000,
      sleep,
      onStep: (outcome) => steps.push(`${outcome.status} ${outcome.step}`),
    });

    // Assess
    expect(steps).toEqual([
      'succeeded ValidateInput',
      'succeeded ClaimTenant',
      'succeeded CreateInstance',
      'succeeded WaitForInstance',
      'succeeded StoreCredentials',
      'failed RunMigrations',
      'succeeded Rollback',
      'succeeded RecordFailure',
    ]);
    expect(result.end.status).toBe('FAILED');
    expect(sleep.mock.calls).toEqual([[2000], [1000]]);
    const requests = sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input);
    expect(requests[0]).toMatchObject({ reverseOrder: false, includeExecutionData: false, maxResults: 1000 });
    expect(requests[3]?.nextToken).toBe('page-2');
  });

  it('stops on an error that waiting will not fix', async () => {
    // Prepare
    sfn.on(GetExecutionHistoryCommand).rejects(awsError('ExecutionDoesNotExist', 'no such execution'));

    // Act / Assess
    await expect(
      followExecution({
        sfn: new SFNClient({}),
        executionArn: 'arn:aws:states:us-east-1:111122223333:execution:sm:gone',
        pollIntervalMs: 1000,
        sleep: jest.fn(),
        onStep: jest.fn(),
      }),
    ).rejects.toThrow('no such execution');
  });
});
