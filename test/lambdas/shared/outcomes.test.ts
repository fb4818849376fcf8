import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutcomeKind, TenantRecord, TenantStatus } from '../../../lambdas/shared/contracts';
import {
  deliverPendingOutcome,
  failedDetailOf,
  type OutboxDeps,
  pendingOutcomeOf,
  provisionedDetailOf,
} from '../../../lambdas/shared/outcomes';
import { AwsDouble, installAwsDouble, registryTable } from '../../../lib/local/aws';

const TABLE = 'tenant-registry';
const BUS = 'tenant-db-outcomes';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-provisioning:acme-pro-1';
const NEXT_EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-provisioning:acme-pro-2';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:saas/tenant/acme/app-AbCdEf';

function record(fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status: 'PROVISIONING',
    requestId: 'acme-pro-1',
    requestedBy: 'ops',
    executionArn: EXECUTION_ARN,
    attempt: 1,
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
    ...fields,
  };
}

const WHERE = {
  instanceId: 'tenant-acme',
  endpointAddress: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com',
  endpointPort: 5432,
  secretArn: SECRET_ARN,
};

const active = (fields: Partial<TenantRecord> = {}) => record({ status: 'ACTIVE', ...WHERE, ...fields });
const failed = (fields: Partial<TenantRecord> = {}) =>
  record({
    status: 'FAILED',
    failedStep: 'RunMigrations',
    failureReason: 'RunMigrations: denied',
    leftovers: [],
    ...fields,
  });

describe('provisionedDetailOf', () => {
  it('rebuilds the provisioned event of an ACTIVE record, with the outcome id of its execution', () => {
    // Act
    const detail = provisionedDetailOf(active());

    // Assess
    expect(detail).toEqual({
      outcomeId: `provisioned:${EXECUTION_ARN}`,
      tenantId: 'acme',
      tier: 'pro',
      ...WHERE,
      executionArn: EXECUTION_ARN,
      requestId: 'acme-pro-1',
    });
  });

  it.each(Object.keys(WHERE))('builds nothing when the record lacks %s', (key) => {
    // Prepare
    const incomplete = { ...active(), [key]: undefined };

    // Act & Assess
    expect(provisionedDetailOf(incomplete)).toBeUndefined();
  });
});

describe('failedDetailOf', () => {
  it.each<TenantStatus>(['FAILED', 'ROLLBACK_FAILED'])('rebuilds the failed event of a %s record', (status) => {
    // Act
    const detail = failedDetailOf(failed({ status, leftovers: ['db-instance:tenant-acme'] }));

    // Assess
    expect(detail).toEqual({
      outcomeId: `failed:${EXECUTION_ARN}`,
      tenantId: 'acme',
      tier: 'pro',
      executionArn: EXECUTION_ARN,
      requestId: 'acme-pro-1',
      failedStep: 'RunMigrations',
      reason: 'RunMigrations: denied',
      status,
      leftovers: ['db-instance:tenant-acme'],
    });
  });

  it('says what is missing rather than leaving fields out', () => {
    // Act
    const detail = failedDetailOf(record({ status: 'FAILED' }));

    // Assess
    expect(detail).toMatchObject({ failedStep: 'unknown', reason: 'no reason recorded', leftovers: [] });
  });

  it.each<TenantStatus>(['PROVISIONING', 'ACTIVE'])('builds nothing for a %s record', (status) => {
    // Act & Assess
    expect(failedDetailOf(record({ status }))).toBeUndefined();
  });
});

describe('pendingOutcomeOf', () => {
  it.each<[string, TenantRecord, OutcomeKind | undefined]>([
    ['an ACTIVE record owing its provisioned event', active({ outcomePending: 'provisioned' }), 'provisioned'],
    ['a FAILED record owing its failed event', failed({ outcomePending: 'failed' }), 'failed'],
    [
      'a ROLLBACK_FAILED record owing its failed event',
      failed({ status: 'ROLLBACK_FAILED', outcomePending: 'failed' }),
      'failed',
    ],
    ['an ACTIVE record whose event was delivered', active(), undefined],
    ['a PROVISIONING record (nothing ended yet)', record({ outcomePending: 'provisioned' }), undefined],
    ['an ACTIVE record flagged failed (inconsistent)', active({ outcomePending: 'failed' }), undefined],
    ['a FAILED record flagged provisioned (inconsistent)', failed({ outcomePending: 'provisioned' }), undefined],
    [
      'an ACTIVE record without its endpoint',
      active({ outcomePending: 'provisioned', endpointAddress: undefined }),
      undefined,
    ],
  ])('%s → %s', (_case, owing, kind) => {
    // Act
    const outcome = pendingOutcomeOf(owing);

    // Assess
    expect(outcome?.kind).toBe(kind);
    if (kind) expect(outcome?.value).toMatchObject({ outcomeId: `${kind}:${EXECUTION_ARN}`, tenantId: 'acme' });
  });
});

describe('deliverPendingOutcome (AWS double)', () => {
  let double: AwsDouble;
  let restore: () => void;
  let deps: OutboxDeps;

  beforeEach(() => {
    double = new AwsDouble();
    double.dynamodb.defineTable(registryTable(TABLE));
    restore = installAwsDouble(double);
    deps = {
      registry: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      table: TABLE,
      events: new EventBridgeClient({}),
      busName: BUS,
    };
  });

  afterEach(() => restore());

  const stored = async () => (await double.dynamodb.items(TABLE))[0];

  it.each<[string, TenantRecord, string]>([
    ['provisioned', active({ outcomePending: 'provisioned' }), 'Tenant Database Provisioned'],
    ['failed', failed({ outcomePending: 'failed' }), 'Tenant Database Provisioning Failed'],
  ])('publishes the pending %s event, then clears the flag', async (_kind, owing, detailType) => {
    // Prepare
    await double.dynamodb.seed(TABLE, { ...owing });

    // Act
    const delivered = await deliverPendingOutcome(deps, owing);

    // Assess
    expect(delivered).toBe(true);
    expect(double.eventBridge.published()).toEqual([
      expect.objectContaining({ busName: BUS, detailType, resources: [EXECUTION_ARN] }),
    ]);
    expect(await stored()).not.toHaveProperty('outcomePending');
    expect(await stored()).toMatchObject({ status: owing.status });
    const [put, clear] = double.calls.filter((c) => c.command === 'PutEvents' || c.command === 'UpdateItem');
    expect([put?.command, clear?.command]).toEqual(['PutEvents', 'UpdateItem']);
  });

  it('publishes and writes nothing when no outcome is pending', async () => {
    // Prepare
    await double.dynamodb.seed(TABLE, { ...active() });

    // Act
    const delivered = await deliverPendingOutcome(deps, active());

    // Assess
    expect(delivered).toBe(false);
    expect(double.calls).toEqual([]);
  });

  it('keeps the flag for the next try when the publish fails', async () => {
    // Prepare
    const owing = active({ outcomePending: 'provisioned' });
    await double.dynamodb.seed(TABLE, { ...owing });
    double.eventBridge.failEntries({ times: 1, errorCode: 'InternalFailure' });

    // Act
    const result = deliverPendingOutcome(deps, owing);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
    expect(await stored()).toEqual({ ...owing });
  });

  it.each<[string, TenantRecord]>([
    [
      'a new execution claimed the tenant',
      record({ executionArn: NEXT_EXECUTION_ARN, requestId: 'acme-pro-2', attempt: 2, outcomePending: undefined }),
    ],
    ['an operator moved the record on', failed({ status: 'ROLLBACK_FAILED', outcomePending: 'failed' })],
  ])('publishes but never clears the flag of a record that moved on: %s', async (_case, current) => {
    // Prepare: the caller read the FAILED record owing its event; it changed before the flag was cleared
    const owing = failed({ outcomePending: 'failed' });
    const seeded = Object.fromEntries(Object.entries(current).filter(([, v]) => v !== undefined));
    await double.dynamodb.seed(TABLE, seeded);

    // Act
    const delivered = await deliverPendingOutcome(deps, owing);

    // Assess
    expect(delivered).toBe(true);
    expect(double.eventBridge.published()).toHaveLength(1);
    expect(await stored()).toEqual(seeded);
  });
});
