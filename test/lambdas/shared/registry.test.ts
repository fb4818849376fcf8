import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { clock } from '../../../lambdas/shared/clock';
import type { TenantRecord, TenantStatus, ValidatedRequest } from '../../../lambdas/shared/contracts';
import { RetryableError, TenantConflictError } from '../../../lambdas/shared/errors';
import {
  type ClaimDecision,
  claimTenant,
  countTenantsInStatus,
  decideClaim,
  recordReadySignal,
  recordsWithPendingOutcome,
  tenantsInStatus,
  transitionOwnedRecord,
} from '../../../lambdas/shared/registry';
import { DEFAULT_TIERS } from '../../../lambdas/shared/tiers';

const TABLE = 'tenant-registry';
const NOW = Date.parse('2026-11-26T10:00:00.000Z');
const OURS = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-2';
const THEIRS = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1';

const request: ValidatedRequest = {
  tenantId: 'acme',
  tier: 'pro',
  tierDefinition: DEFAULT_TIERS.pro as ValidatedRequest['tierDefinition'],
  requestedBy: 'billing',
  requestId: 'req-2',
  metadata: { plan: 'annual' },
  executionArn: OURS,
  executionName: 'acme-pro-2',
};

function recordWith(fields: Partial<TenantRecord>): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status: 'PROVISIONING',
    requestId: 'req-1',
    requestedBy: 'ops',
    executionArn: THEIRS,
    attempt: 1,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...fields,
  };
}

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const ddb = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

beforeEach(() => {
  ddb.reset();
  jest.spyOn(clock, 'now').mockReturnValue(NOW);
});

afterEach(() => jest.restoreAllMocks());

describe('decideClaim', () => {
  it.each<[string, TenantRecord | undefined, ClaimDecision]>([
    ['no record exists', undefined, { action: 'create', attempt: 1 }],
    [
      'this execution already holds the record',
      recordWith({ executionArn: OURS, requestId: 'req-2', attempt: 2 }),
      { action: 'resume', attempt: 2 },
    ],
    [
      'the same request id holds the record',
      recordWith({ requestId: 'req-2', status: 'ACTIVE', attempt: 3 }),
      { action: 'duplicate', attempt: 3 },
    ],
    [
      'an earlier attempt FAILED',
      recordWith({ status: 'FAILED', attempt: 1 }),
      { action: 'replace', attempt: 2, previousExecutionArn: THEIRS },
    ],
  ])('decides when %s', (_case, record, expected) => {
    // Prepare: the record and the request are the table row

    // Act
    const decision = decideClaim(record, request);

    // Assess
    expect(decision).toEqual(expected);
  });

  it.each<TenantStatus>(['FAILED', 'ROLLBACK_FAILED', 'ACTIVE'])(
    'rejects a redriven claim of this very execution once its record is %s',
    (status) => {
      // Prepare: this execution ended the onboarding; a redrive re-runs ClaimTenant
      const record = recordWith({ executionArn: OURS, requestId: 'req-2', status, attempt: 2 });

      // Act
      const decision = decideClaim(record, request);

      // Assess
      expect(decision).toEqual({
        action: 'reject',
        reason: `this execution already ended the onboarding of tenant acme as ${status}; start a new onboarding instead of redriving it`,
      });
    },
  );

  it.each<[TenantStatus, string, Partial<TenantRecord>, RegExp]>([
    ['ACTIVE', '', {}, /already ACTIVE on tier pro/],
    ['PROVISIONING', '', {}, new RegExp(`already being provisioned by execution ${THEIRS}`)],
    [
      'ROLLBACK_FAILED',
      ' (naming the leftovers)',
      { leftovers: ['db-instance:tenant-acme'] },
      /leftovers .*\(db-instance:tenant-acme\)/,
    ],
    ['ROLLBACK_FAILED', ' (leftovers unknown)', {}, /leftovers .*\(see the registry\)/],
    ['SUSPENDED', '', {}, /is SUSPENDED on tier pro; onboarding needs a new or FAILED tenant/],
    ['OFFBOARDING', '', {}, /is OFFBOARDING on tier pro; onboarding needs a new or FAILED tenant/],
  ])('rejects another request while the tenant is %s%s', (status, _label, fields, reason) => {
    // Prepare
    const record = recordWith({ status, ...fields });

    // Act
    const decision = decideClaim(record, request);

    // Assess
    expect(decision).toEqual({ action: 'reject', reason: expect.stringMatching(reason) });
  });
});

describe('claimTenant', () => {
  it('creates the record of a new tenant, conditional on it not existing', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});

    // Act
    const result = await claimTenant(doc, TABLE, request);

    // Assess
    expect(result).toEqual({ outcome: 'CLAIMED', attempt: 1 });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE,
      Key: { tenantId: 'acme' },
      ConsistentRead: true,
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(tenantId)',
      Item: {
        tenantId: 'acme',
        tier: 'pro',
        status: 'PROVISIONING',
        requestId: 'req-2',
        requestedBy: 'billing',
        executionArn: OURS,
        attempt: 1,
        metadata: { plan: 'annual' },
        createdAt: '2026-11-26T10:00:00.000Z',
        updatedAt: '2026-11-26T10:00:00.000Z',
      },
    });
  });

  it('records the application secret name the request fixed', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});

    // Act
    await claimTenant(doc, TABLE, { ...request, secretName: 'saas/tenant/acme/app' });

    // Assess
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ secretName: 'saas/tenant/acme/app' });
  });

  it.each<TenantStatus>(['FAILED', 'ROLLBACK_FAILED', 'ACTIVE'])(
    'refuses a redriven claim of this execution once its record is %s, without writing',
    async (status) => {
      // Prepare
      ddb.on(GetCommand).resolves({ Item: recordWith({ executionArn: OURS, requestId: 'req-2', status }) });
      ddb.on(PutCommand).resolves({});

      // Act
      const result = claimTenant(doc, TABLE, request);

      // Assess
      await expect(result).rejects.toMatchObject({
        name: 'TenantConflictError',
        message: expect.stringContaining(`already ended the onboarding of tenant acme as ${status}`),
      });
      expect(ddb).not.toHaveReceivedCommand(PutCommand);
      expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    },
  );

  it('resumes without writing when this execution already holds the claim', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: recordWith({ executionArn: OURS, requestId: 'req-2', attempt: 2 }) });

    // Act
    const result = await claimTenant(doc, TABLE, request);

    // Assess
    expect(result).toEqual({ outcome: 'CLAIMED', attempt: 2 });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('reports a duplicate request without writing', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: recordWith({ requestId: 'req-2', status: 'ACTIVE' }) });

    // Act
    const result = await claimTenant(doc, TABLE, request);

    // Assess
    expect(result).toEqual({ outcome: 'DUPLICATE', attempt: 1 });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it.each<TenantStatus>(['ACTIVE', 'PROVISIONING', 'ROLLBACK_FAILED'])(
    'rejects a new request while the tenant is %s, without writing',
    async (status) => {
      // Prepare
      ddb.on(GetCommand).resolves({ Item: recordWith({ status }) });

      // Act
      const result = claimTenant(doc, TABLE, request);

      // Assess
      await expect(result).rejects.toBeInstanceOf(TenantConflictError);
      expect(ddb).not.toHaveReceivedCommand(PutCommand);
    },
  );

  it('replaces a FAILED record, conditional on the failed execution still owning it', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: recordWith({ status: 'FAILED', failedStep: 'CreateInstance' }) });
    ddb.on(PutCommand).resolves({});

    // Act
    const result = await claimTenant(doc, TABLE, request);

    // Assess
    expect(result).toEqual({ outcome: 'CLAIMED', attempt: 2 });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      ConditionExpression: '#status = :failed AND executionArn = :previous AND attribute_not_exists(outcomePending)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':failed': 'FAILED', ':previous': THEIRS },
      Item: expect.objectContaining({ executionArn: OURS, attempt: 2, status: 'PROVISIONING' }),
    });
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.Item).not.toHaveProperty('failedStep');
  });

  it('re-reads after losing the race and reports the winner as a duplicate when it is the same request', async () => {
    // Prepare
    ddb
      .on(GetCommand)
      .resolvesOnce({})
      .resolves({ Item: recordWith({ requestId: 'req-2' }) });
    ddb.on(PutCommand).rejects(conditionFailed());

    // Act
    const result = await claimTenant(doc, TABLE, request);

    // Assess
    expect(result).toEqual({ outcome: 'DUPLICATE', attempt: 1 });
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
  });

  it('re-reads after losing the race and rejects when another request won', async () => {
    // Prepare
    ddb
      .on(GetCommand)
      .resolvesOnce({})
      .resolves({ Item: recordWith({ status: 'PROVISIONING' }) });
    ddb.on(PutCommand).rejects(conditionFailed());

    // Act
    const result = claimTenant(doc, TABLE, request);

    // Assess
    await expect(result).rejects.toBeInstanceOf(TenantConflictError);
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
  });

  it('gives up with a RetryableError when the record keeps changing', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).rejects(conditionFailed());

    // Act
    const result = claimTenant(doc, TABLE, request);

    // Assess
    await expect(result).rejects.toBeInstanceOf(RetryableError);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 3);
  });

  it('passes other DynamoDB errors through for the step to classify', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    // Act
    const result = claimTenant(doc, TABLE, request);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('transitionOwnedRecord', () => {
  it('sets the fields and updatedAt only while this execution owns the record and it is in the status it leaves', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    const updated = await transitionOwnedRecord(doc, TABLE, request, {
      from: ['PROVISIONING'],
      set: { instanceId: 'tenant-acme', secretArn: undefined },
    });

    // Assess
    expect(updated).toBe(true);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TABLE,
      Key: { tenantId: 'acme' },
      UpdateExpression: 'SET #f0 = :v0, #f1 = :v1',
      ConditionExpression: 'executionArn = :owner AND #status IN (:from0)',
      ExpressionAttributeNames: { '#f0': 'instanceId', '#f1': 'updatedAt', '#status': 'status' },
      ExpressionAttributeValues: {
        ':v0': 'tenant-acme',
        ':v1': '2026-11-26T10:00:00.000Z',
        ':from0': 'PROVISIONING',
        ':owner': OURS,
      },
    });
  });

  it('accepts several statuses to leave and removes attributes in the same write', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    await transitionOwnedRecord(doc, TABLE, request, {
      from: ['FAILED', 'ROLLBACK_FAILED'],
      set: {},
      remove: ['outcomePending', 'leftovers'],
    });

    // Assess
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET #f0 = :v0 REMOVE #r0, #r1',
      ConditionExpression: 'executionArn = :owner AND #status IN (:from0, :from1)',
      ExpressionAttributeNames: {
        '#f0': 'updatedAt',
        '#r0': 'outcomePending',
        '#r1': 'leftovers',
        '#status': 'status',
      },
      ExpressionAttributeValues: {
        ':v0': '2026-11-26T10:00:00.000Z',
        ':from0': 'FAILED',
        ':from1': 'ROLLBACK_FAILED',
        ':owner': OURS,
      },
    });
  });

  it("returns false when the record is another execution's or has left the status", async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const updated = await transitionOwnedRecord(doc, TABLE, request, {
      from: ['PROVISIONING'],
      set: { status: 'ACTIVE' },
    });

    // Assess
    expect(updated).toBe(false);
  });

  it('passes other DynamoDB errors through', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    // Act
    const result = transitionOwnedRecord(doc, TABLE, request, { from: ['PROVISIONING'], set: { status: 'FAILED' } });

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('refuses a transition that names no status to leave, without writing', async () => {
    // Act
    const result = transitionOwnedRecord(doc, TABLE, request, { from: [], set: { status: 'FAILED' } });

    // Assess
    await expect(result).rejects.toThrow('a registry transition needs the statuses it leaves');
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });
});

describe('recordReadySignal', () => {
  it.each<[string, () => void, boolean]>([
    ['records the signal while the tenant is provisioning', () => ddb.on(UpdateCommand).resolves({}), true],
    ['ignores the signal otherwise', () => ddb.on(UpdateCommand).rejects(conditionFailed()), false],
  ])('%s', async (_case, arrange, expected) => {
    // Prepare
    arrange();

    // Act
    const recorded = await recordReadySignal(doc, TABLE, 'acme', '2026-11-26T10:20:00.000Z');

    // Assess
    expect(recorded).toBe(expected);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET readySignalAt = :at',
      ConditionExpression: '#status = :provisioning',
      ExpressionAttributeValues: { ':at': '2026-11-26T10:20:00.000Z', ':provisioning': 'PROVISIONING' },
    });
  });
});

describe('status index reads', () => {
  it('lists every record of a status across pages, newest first', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [recordWith({ tenantId: 'b' })], LastEvaluatedKey: { tenantId: 'b' } })
      .resolvesOnce({ Items: [recordWith({ tenantId: 'a' })] });

    // Act
    const records = await tenantsInStatus(doc, TABLE, 'FAILED');

    // Assess
    expect(records.map((r) => r.tenantId)).toEqual(['b', 'a']);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'byStatus',
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeValues: { ':status': 'FAILED' },
      ScanIndexForward: false,
    });
  });

  it('reads recent records with a pending outcome from the partitions of every status that owes an event', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolves({ Items: [] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':status': 'ACTIVE', ':since': '2026-11-12T10:00:00.000Z' } })
      .resolvesOnce({ Items: [recordWith({ tenantId: 'a', status: 'ACTIVE' })], LastEvaluatedKey: { tenantId: 'a' } })
      .resolvesOnce({ Items: [recordWith({ tenantId: 'b', status: 'ACTIVE' })] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':status': 'FAILED', ':since': '2026-11-12T10:00:00.000Z' } })
      .resolves({ Items: [] })
      .on(QueryCommand, {
        ExpressionAttributeValues: { ':status': 'ROLLBACK_FAILED', ':since': '2026-11-12T10:00:00.000Z' },
      })
      .resolves({ Items: [recordWith({ tenantId: 'c', status: 'ROLLBACK_FAILED' })] });

    // Act
    const records = await recordsWithPendingOutcome(doc, TABLE, '2026-11-12T10:00:00.000Z');

    // Assess
    expect(records.map((r) => r.tenantId)).toEqual(['a', 'b', 'c']);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 10);
    for (const status of [
      'ACTIVE',
      'FAILED',
      'ROLLBACK_FAILED',
      'SUSPENDED',
      'SUSPEND_FAILED',
      'RESUME_FAILED',
      'MODIFY_FAILED',
      'OFFBOARDED',
      'OFFBOARD_FAILED',
    ]) {
      expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
        IndexName: 'byStatus',
        KeyConditionExpression: '#status = :status AND updatedAt >= :since',
        FilterExpression: 'attribute_exists(outcomePending)',
        ExpressionAttributeValues: { ':status': status, ':since': '2026-11-12T10:00:00.000Z' },
      });
    }
    expect(ddb).not.toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'PROVISIONING' }),
    });
  });

  it('counts a status across pages with COUNT queries', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Count: 3, LastEvaluatedKey: { tenantId: 'c' } })
      .resolvesOnce({ Count: 2 });

    // Act
    const count = await countTenantsInStatus(doc, TABLE, 'ACTIVE');

    // Assess
    expect(count).toBe(5);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      Select: 'COUNT',
      ExpressionAttributeValues: { ':status': 'ACTIVE' },
    });
  });
});
