import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord, ValidatedRequest } from '../../../lambdas/shared/contracts';
import { RetryableError } from '../../../lambdas/shared/errors';
import {
  claimTenant,
  countTenantsInStatus,
  recordObservedStatus,
  recordReadySignal,
  rollbackFailedReason,
  tenantsInStatus,
} from '../../../lambdas/shared/registry';

/**
 * Every registry request written out in full: a request that loses its condition or its key would write a record
 * it must not touch, and the partial matchers of the other suites would not notice.
 */

const TABLE = 'tenant-registry';
const ddb = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

const updates = (): UpdateCommandInput[] => ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
const queries = (): QueryCommandInput[] => ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);

beforeEach(() => ddb.reset());

describe('rollbackFailedReason', () => {
  it.each<[string, Pick<TenantRecord, 'tenantId' | 'leftovers'>, string]>([
    [
      'its leftovers',
      { tenantId: 'acme', leftovers: ['db-instance:tenant-acme', 'secret:arn:x'] },
      'tenant acme has leftovers of a failed rollback (db-instance:tenant-acme, secret:arn:x); remove them and set the registry record to FAILED before onboarding again',
    ],
    [
      'where to look when none were recorded',
      { tenantId: 'acme' },
      'tenant acme has leftovers of a failed rollback (see the registry); remove them and set the registry record to FAILED before onboarding again',
    ],
    [
      'where to look when the list is empty',
      { tenantId: 'acme', leftovers: [] },
      'tenant acme has leftovers of a failed rollback (see the registry); remove them and set the registry record to FAILED before onboarding again',
    ],
  ])('names %s', (_case, record, expected) => {
    // Act
    const reason = rollbackFailedReason(record);

    // Assess
    expect(reason).toBe(expected);
  });
});

describe('claimTenant', () => {
  it('gives up after three lost races, saying why', async () => {
    // Prepare: the record is absent at every read, and someone else creates it before every write
    ddb.on(GetCommand).resolves({}).on(PutCommand).rejects(conditionFailed());
    const request = { tenantId: 'acme', executionArn: 'arn:x', requestId: 'r1' } as ValidatedRequest;

    // Act
    const result = claimTenant(doc, TABLE, request);

    // Assess
    await expect(result).rejects.toThrow(
      new RetryableError('ClaimTenant: the registry record of acme kept changing; retrying'),
    );
    expect(ddb.commandCalls(PutCommand)).toHaveLength(3);
  });
});

describe('recordReadySignal', () => {
  it('writes the signal only while the tenant is provisioning', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    const recorded = await recordReadySignal(doc, TABLE, 'acme', '2026-11-26T10:20:00.000Z');

    // Assess
    expect(recorded).toBe(true);
    expect(updates()).toEqual([
      {
        TableName: TABLE,
        Key: { tenantId: 'acme' },
        UpdateExpression: 'SET readySignalAt = :at',
        ConditionExpression: '#status = :provisioning',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':at': '2026-11-26T10:20:00.000Z', ':provisioning': 'PROVISIONING' },
      },
    ]);
  });

  it('lets any other failure than the condition through', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(throttled());

    // Act
    const recorded = recordReadySignal(doc, TABLE, 'acme', '2026-11-26T10:20:00.000Z');

    // Assess
    await expect(recorded).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('recordObservedStatus', () => {
  const observation = {
    tenantId: 'acme',
    instanceId: 'tenant-acme',
    status: 'creating',
    at: '2026-11-26T10:05:00.000Z',
  };

  it.each<[string, Parameters<typeof recordObservedStatus>[2], UpdateCommandInput]>([
    [
      'the status and when it was seen',
      observation,
      {
        TableName: TABLE,
        Key: { tenantId: 'acme' },
        UpdateExpression: 'SET #f0 = :v0, #f1 = :v1',
        ConditionExpression: '#status = :provisioning AND instanceId = :instanceId',
        ExpressionAttributeNames: { '#f0': 'observedStatus', '#f1': 'observedAt', '#status': 'status' },
        ExpressionAttributeValues: {
          ':v0': 'creating',
          ':v1': '2026-11-26T10:05:00.000Z',
          ':provisioning': 'PROVISIONING',
          ':instanceId': 'tenant-acme',
        },
      },
    ],
    [
      'the endpoint, the master secret and the snapshot once RDS reports them (without undefined fields)',
      {
        ...observation,
        status: 'backing-up',
        endpoint: { address: 'tenant-acme.abc.rds.amazonaws.com', port: 5432 },
        masterSecretArn: 'arn:secret:rds',
        snapshot: { DBInstanceIdentifier: 'tenant-acme', DbiResourceId: undefined, DeletionProtection: false },
      },
      {
        TableName: TABLE,
        Key: { tenantId: 'acme' },
        UpdateExpression: 'SET #f0 = :v0, #f1 = :v1, #f2 = :v2, #f3 = :v3, #f4 = :v4, #f5 = :v5',
        ConditionExpression: '#status = :provisioning AND instanceId = :instanceId',
        ExpressionAttributeNames: {
          '#f0': 'observedStatus',
          '#f1': 'observedAt',
          '#f2': 'observedEndpointAddress',
          '#f3': 'observedEndpointPort',
          '#f4': 'observedMasterSecretArn',
          '#f5': 'observedInstance',
          '#status': 'status',
        },
        ExpressionAttributeValues: {
          ':v0': 'backing-up',
          ':v1': '2026-11-26T10:05:00.000Z',
          ':v2': 'tenant-acme.abc.rds.amazonaws.com',
          ':v3': 5432,
          ':v4': 'arn:secret:rds',
          ':v5': { DBInstanceIdentifier: 'tenant-acme', DeletionProtection: false },
          ':provisioning': 'PROVISIONING',
          ':instanceId': 'tenant-acme',
        },
      },
    ],
  ])('records %s while the tenant is provisioning that instance', async (_case, observed, expected) => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    const recorded = await recordObservedStatus(doc, TABLE, observed);

    // Assess
    expect(recorded).toBe(true);
    expect(updates()).toEqual([expected]);
    expect(Object.keys(updates()[0]?.ExpressionAttributeValues?.[':v5'] ?? {})).not.toContain('DbiResourceId');
  });

  it('records nothing when the tenant has moved on or provisions another instance', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const recorded = await recordObservedStatus(doc, TABLE, observation);

    // Assess
    expect(recorded).toBe(false);
  });

  it('lets any other failure than the condition through', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(throttled());

    // Act
    const recorded = recordObservedStatus(doc, TABLE, observation);

    // Assess
    await expect(recorded).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('status index queries', () => {
  const byStatus = (status: string): QueryCommandInput => ({
    TableName: TABLE,
    IndexName: 'byStatus',
    KeyConditionExpression: '#status = :status',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': status },
    ScanIndexForward: false,
  });

  it('lists a status through the status index, newest first, reading a page without items as empty', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({});

    // Act
    const records = await tenantsInStatus(doc, TABLE, 'FAILED');

    // Assess
    expect(records).toEqual([]);
    expect(queries()).toEqual([byStatus('FAILED')]);
  });

  it('counts a status with a COUNT query, reading a page without a count as none', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({});

    // Act
    const count = await countTenantsInStatus(doc, TABLE, 'ACTIVE');

    // Assess
    expect(count).toBe(0);
    expect(queries()).toEqual([{ ...byStatus('ACTIVE'), Select: 'COUNT' }]);
  });
});
