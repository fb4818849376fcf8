import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { clock } from '../../../lambdas/shared/clock';
import type { FinalSnapshot, TenantRecord, ValidatedRequest } from '../../../lambdas/shared/contracts';
import { TenantConflictError } from '../../../lambdas/shared/errors';
import { restorableSnapshotOf } from '../../../lambdas/shared/final-snapshots';
import { type ClaimDecision, claimTenant, decideClaim } from '../../../lambdas/shared/registry';
import { DEFAULT_TIERS } from '../../../lambdas/shared/tiers';

const TABLE = 'tenant-registry';
const OURS = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-2';
const THEIRS = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1';
const OFFBOARDED_AT = '2026-11-20T09:00:00.000Z';

const request: ValidatedRequest = {
  tenantId: 'acme',
  tier: 'pro',
  tierDefinition: DEFAULT_TIERS.pro as ValidatedRequest['tierDefinition'],
  requestedBy: 'sales-ops',
  requestId: 'req-2',
  metadata: {},
  executionArn: OURS,
  executionName: 'acme-pro-2',
};

const home: FinalSnapshot = {
  arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:tenant-acme-final',
  snapshotId: 'tenant-acme-final',
  region: 'us-east-1',
  takenAt: '2026-11-20T08:55:00.000Z',
};
const copy: FinalSnapshot = {
  ...home,
  arn: 'arn:aws:rds:us-west-2:123456789012:snapshot:tenant-acme-final',
  region: 'us-west-2',
};

function offboarded(fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status: 'OFFBOARDED',
    requestId: 'req-1',
    requestedBy: 'ops',
    executionArn: THEIRS,
    attempt: 1,
    createdAt: '2026-10-01T00:00:00.000Z',
    updatedAt: OFFBOARDED_AT,
    region: 'us-east-1',
    finalSnapshots: [home, copy],
    offboardedAt: OFFBOARDED_AT,
    purgeAfter: '2027-02-18T09:00:00.000Z',
    ...fields,
  };
}

const previous = { status: 'OFFBOARDED', updatedAt: OFFBOARDED_AT } as const;
const PURGE = {
  name: 'offboard' as const,
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:purge:nightly',
  requestedBy: 'schedule',
  startedAt: '2027-02-19T00:00:00.000Z',
};

const ddb = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

beforeEach(() => {
  ddb.reset();
  jest.spyOn(clock, 'now').mockReturnValue(Date.parse('2026-12-01T10:00:00.000Z'));
});

afterEach(() => jest.restoreAllMocks());

describe('decideClaim of a tenant after offboarding', () => {
  it.each<[string, TenantRecord, ClaimDecision]>([
    [
      'OFFBOARDED: restore the snapshot in its Region',
      offboarded(),
      { action: 'restore', attempt: 2, snapshot: home, previous },
    ],
    [
      'OFFBOARDED, copy listed first: still the one in its Region',
      offboarded({ finalSnapshots: [copy, home] }),
      { action: 'restore', attempt: 2, snapshot: home, previous },
    ],
    [
      'FAILED restore that kept its snapshots: restore again',
      offboarded({ status: 'FAILED', attempt: 2, updatedAt: '2026-12-01T09:00:00.000Z' }),
      {
        action: 'restore',
        attempt: 3,
        snapshot: home,
        previous: { status: 'FAILED', updatedAt: '2026-12-01T09:00:00.000Z' },
      },
    ],
    [
      'PURGED: onboard afresh',
      offboarded({ status: 'PURGED', finalSnapshots: undefined, purgedAt: '2027-02-19T00:00:00.000Z' }),
      { action: 'renew', attempt: 2, previous: { status: 'PURGED', updatedAt: OFFBOARDED_AT } },
    ],
  ])('%s', (_case, record, expected) => {
    // Prepare: the record is the table row

    // Act
    const decision = decideClaim(record, request);

    // Assess
    expect(decision).toEqual(expected);
  });

  it.each<[string, TenantRecord, RegExp]>([
    ['held by the purge job', offboarded({ operation: PURGE }), /busy with offboard execution .*purge:nightly/],
    [
      'listing no snapshot in its Region',
      offboarded({ finalSnapshots: [copy] }),
      /no final snapshot in Region us-east-1/,
    ],
    ['listing no snapshot at all', offboarded({ finalSnapshots: [] }), /no final snapshot/],
  ])('rejects an OFFBOARDED tenant %s', (_case, record, reason) => {
    // Prepare: the record is the table row

    // Act
    const decision = decideClaim(record, request);

    // Assess
    expect(decision).toEqual({ action: 'reject', reason: expect.stringMatching(reason) });
  });

  it.each<[string, Partial<TenantRecord>, FinalSnapshot | undefined]>([
    ['no Region recorded: the first listed', { region: undefined, finalSnapshots: [copy, home] }, copy],
    ['nothing listed', { finalSnapshots: undefined }, undefined],
    ['prototype-named fields are data, not lookups', { region: '__proto__' }, undefined],
  ])('restorableSnapshotOf with %s', (_case, fields, expected) => {
    // Prepare
    const record = offboarded(fields);

    // Act
    const snapshot = restorableSnapshotOf(record);

    // Assess
    expect(snapshot).toEqual(expected);
  });
});

describe('claimTenant of an offboarded tenant', () => {
  it('claims it for a restore, conditional on the record being unchanged and free, keeping the snapshot fields', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: offboarded({ lifecycleHistory: [] }) });
    ddb.on(PutCommand).resolves({});

    // Act
    const result = await claimTenant(doc, TABLE, request);

    // Assess
    expect(result).toEqual({ outcome: 'CLAIMED', attempt: 2, restoreFrom: home });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      ConditionExpression:
        '#status = :status AND updatedAt = :updatedAt AND attribute_not_exists(#operation) AND attribute_not_exists(outcomePending)',
      ExpressionAttributeNames: { '#status': 'status', '#operation': 'operation' },
      ExpressionAttributeValues: { ':status': 'OFFBOARDED', ':updatedAt': OFFBOARDED_AT },
      Item: expect.objectContaining({
        status: 'PROVISIONING',
        executionArn: OURS,
        finalSnapshots: [home, copy],
        purgeAfter: '2027-02-18T09:00:00.000Z',
        offboardedAt: OFFBOARDED_AT,
        region: 'us-east-1',
        lifecycleHistory: [],
      }),
    });
  });

  it('loses cleanly to the purge job that took the tenant in between: re-reads and names the purge', async () => {
    // Prepare
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: offboarded() })
      .resolves({ Item: offboarded({ operation: PURGE, updatedAt: '2027-02-19T00:00:00.000Z' }) });
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    // Act
    const result = claimTenant(doc, TABLE, request);

    // Assess
    await expect(result).rejects.toThrow(TenantConflictError);
    await expect(claimTenant(doc, TABLE, request)).rejects.toThrow(/purge:nightly/);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
  });

  it('a retried claim of this execution restores again from the record it wrote', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({
      Item: offboarded({ status: 'PROVISIONING', executionArn: OURS, requestId: 'req-2', attempt: 2 }),
    });

    // Act
    const result = await claimTenant(doc, TABLE, request);

    // Assess
    expect(result).toEqual({ outcome: 'CLAIMED', attempt: 2, restoreFrom: home });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('a purged tenant is claimed afresh with no snapshot fields', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({
      Item: offboarded({ status: 'PURGED', finalSnapshots: undefined, purgeAfter: undefined }),
    });
    ddb.on(PutCommand).resolves({});

    // Act
    const result = await claimTenant(doc, TABLE, request);

    // Assess
    expect(result).toEqual({ outcome: 'CLAIMED', attempt: 2 });
    const item = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).not.toHaveProperty('finalSnapshots');
    expect(item).not.toHaveProperty('offboardedAt');
  });
});
