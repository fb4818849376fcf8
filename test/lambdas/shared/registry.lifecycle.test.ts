import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantRecord, TenantStatus } from '../../../lambdas/shared/contracts';
import { OutcomePendingError, RetryableError, TenantConflictError } from '../../../lambdas/shared/errors';
import { getTenant, recordFinalSnapshots, releaseTenant, takeTenant } from '../../../lambdas/shared/registry';
import { registryTable } from '../../../lib/local/aws';
import { useAwsDouble } from '../../../lib/local/aws/fixtures';

const TABLE = 'tenant-registry';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const SUSPEND = 'arn:aws:states:us-east-1:123456789012:execution:suspension:acme-1';
const OFFBOARD = 'arn:aws:states:us-east-1:123456789012:execution:offboarding:acme-2';

function record(status: TenantStatus, fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status,
    requestId: 'req-1',
    requestedBy: 'ops',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1',
    attempt: 1,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    instanceId: 'tenant-acme',
    ...fields,
  };
}

describe('taking and releasing a tenant', () => {
  const aws = useAwsDouble();

  beforeEach(async () => {
    aws().dynamodb.defineTable(registryTable(TABLE));
  });
  afterEach(() => jest.restoreAllMocks());

  const seed = (item: TenantRecord) => doc.send(new PutCommand({ TableName: TABLE, Item: item }));
  const suspend = { tenantId: 'acme', operation: 'suspend', executionArn: SUSPEND, requestedBy: 'billing' } as const;

  it('takes an ACTIVE tenant for a suspension and records who holds it', async () => {
    // Prepare
    await seed(record('ACTIVE'));

    // Act
    const taken = await takeTenant(doc, TABLE, suspend);

    // Assess
    const stored = await getTenant(doc, TABLE, 'acme');
    expect(taken).toEqual({ outcome: 'TAKEN', record: stored });
    expect(stored).toMatchObject({
      status: 'SUSPENDING',
      instanceId: 'tenant-acme',
      operation: { name: 'suspend', executionArn: SUSPEND, requestedBy: 'billing' },
    });
  });

  it('refuses to take a tenant that still owes an outcome event, changing nothing', async () => {
    // Prepare
    await seed(record('SUSPENDED', { outcomePending: 'suspended' }));

    // Act
    const taking = takeTenant(doc, TABLE, { ...suspend, operation: 'resume' });

    // Assess
    await expect(taking).rejects.toThrow(OutcomePendingError);
    await expect(taking).rejects.toThrow('tenant acme still owes its suspended event');
    expect(await getTenant(doc, TABLE, 'acme')).toMatchObject({ status: 'SUSPENDED', outcomePending: 'suspended' });
  });

  it('lets the holding execution take the tenant again (a retried step) without writing', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    const first = await takeTenant(doc, TABLE, suspend);

    // Act
    const again = await takeTenant(doc, TABLE, suspend);

    // Assess
    expect(again).toEqual(first);
  });

  it('refuses a second operation on a busy tenant, naming the one in progress', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    await takeTenant(doc, TABLE, suspend);

    // Act
    const second = takeTenant(doc, TABLE, { ...suspend, operation: 'offboard', executionArn: OFFBOARD });

    // Assess
    await expect(second).rejects.toThrow(TenantConflictError);
    await expect(second).rejects.toThrow(`tenant acme is busy: suspend by billing since`);
    expect(await getTenant(doc, TABLE, 'acme')).toMatchObject({ status: 'SUSPENDING', operation: { name: 'suspend' } });
  });

  it('lets exactly one of two racing operations take the tenant', async () => {
    // Prepare
    await seed(record('ACTIVE'));

    // Act
    const results = await Promise.allSettled([
      takeTenant(doc, TABLE, suspend),
      takeTenant(doc, TABLE, { ...suspend, operation: 'offboard', executionArn: OFFBOARD }),
    ]);

    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(TenantConflictError);
    expect(String(refused?.reason)).toMatch(/is busy: (suspend|offboard)/);
  });

  it.each<[TenantStatus, string]>([
    ['SUSPENDED', 'tenant acme is SUSPENDED; suspend needs ACTIVE'],
    ['PROVISIONING', 'tenant acme is PROVISIONING; suspend needs ACTIVE'],
    ['OFFBOARDED', 'tenant acme is OFFBOARDED; suspend needs ACTIVE'],
  ])('refuses to suspend a %s tenant', async (status, reason) => {
    // Prepare
    await seed(record(status));

    // Act
    const taking = takeTenant(doc, TABLE, suspend);

    // Assess
    await expect(taking).rejects.toThrow(reason);
    expect(await getTenant(doc, TABLE, 'acme')).toMatchObject({ status });
  });

  it.each<['succeeded' | 'failed', TenantStatus, Record<string, unknown>]>([
    ['succeeded', 'SUSPENDED', {}],
    [
      'failed',
      'SUSPEND_FAILED',
      { reason: 'StopDBInstance failed: InvalidDBInstanceState', failedStep: 'StopInstance' },
    ],
  ])('releases a %s suspension to %s with a history entry', async (outcome, status, failure) => {
    // Prepare
    await seed(record('ACTIVE'));
    await takeTenant(doc, TABLE, suspend);

    // Act
    const released = await releaseTenant(doc, TABLE, { ...suspend, outcome, ...failure });

    // Assess
    const stored = await getTenant(doc, TABLE, 'acme');
    expect(released).toEqual(stored);
    expect(stored?.status).toBe(status);
    expect(stored?.operation).toBeUndefined();
    expect(stored?.lifecycleHistory).toEqual([
      expect.objectContaining({
        operation: 'suspend',
        executionArn: SUSPEND,
        requestedBy: 'billing',
        outcome,
        ...failure,
      }),
    ]);
  });

  it('releases an offboarding with its snapshots and removes the pending schedule it made moot', async () => {
    // Prepare: a scheduled offboarding, then one started now
    const snapshot = {
      arn: 'arn:snap',
      snapshotId: 'tenant-acme-final-abc',
      region: 'us-east-1',
      takenAt: '2026-12-15T09:00:00.000Z',
    };
    const schedule = {
      at: '2027-01-01T00:00:00.000Z',
      scheduleName: 'offboard-acme',
      requestedBy: 'billing',
      scheduledAt: '2026-12-01T00:00:00.000Z',
    };
    await seed(record('ACTIVE', { scheduledOffboarding: schedule }));
    const offboard = { tenantId: 'acme', operation: 'offboard', executionArn: OFFBOARD, requestedBy: 'jane' } as const;
    await takeTenant(doc, TABLE, offboard);
    await recordFinalSnapshots(doc, TABLE, offboard, [snapshot]);

    // Act
    const released = await releaseTenant(doc, TABLE, {
      ...offboard,
      outcome: 'succeeded',
      set: { finalSnapshots: [snapshot], purgeAfter: '2027-03-15T09:00:00.000Z' },
      remove: ['scheduledOffboarding'],
    });

    // Assess: the stored record and the returned one agree
    const stored = await getTenant(doc, TABLE, 'acme');
    expect(stored).toMatchObject({
      status: 'OFFBOARDED',
      finalSnapshots: [snapshot],
      purgeAfter: '2027-03-15T09:00:00.000Z',
    });
    expect(stored?.scheduledOffboarding).toBeUndefined();
    expect(released.scheduledOffboarding).toBeUndefined();
    expect(released.status).toBe('OFFBOARDED');
  });

  it('records final snapshots only for the execution holding the tenant in OFFBOARDING', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    await takeTenant(doc, TABLE, suspend);

    // Act
    const recording = recordFinalSnapshots(doc, TABLE, { tenantId: 'acme', executionArn: SUSPEND }, []);

    // Assess
    await expect(recording).rejects.toThrow(TenantConflictError);
    expect((await getTenant(doc, TABLE, 'acme'))?.finalSnapshots).toBeUndefined();
  });

  it('treats a retried release as done and refuses a release by an execution that never held the tenant', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    await takeTenant(doc, TABLE, suspend);
    await releaseTenant(doc, TABLE, { ...suspend, outcome: 'succeeded' });

    // Act
    const retried = await releaseTenant(doc, TABLE, { ...suspend, outcome: 'succeeded' });
    const stranger = releaseTenant(doc, TABLE, { ...suspend, executionArn: OFFBOARD, outcome: 'succeeded' });

    // Assess
    expect(retried.lifecycleHistory).toHaveLength(1);
    await expect(stranger).rejects.toThrow(TenantConflictError);
  });

  it('ends a redelivered request (same request id) as a duplicate that changes nothing', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    const first = { ...suspend, requestId: 'evt-1' };
    await takeTenant(doc, TABLE, first);
    await releaseTenant(doc, TABLE, { ...first, outcome: 'succeeded' });
    const before = await getTenant(doc, TABLE, 'acme');

    // Act
    const again = await takeTenant(doc, TABLE, { ...first, executionArn: OFFBOARD });

    // Assess
    expect(again).toEqual({
      outcome: 'DUPLICATE',
      record: before,
      reason: `request evt-1 to suspend tenant acme is already handled by execution ${SUSPEND}`,
    });
    expect(before?.lifecycleHistory?.[0]?.requestId).toBe('evt-1');
  });

  it('frees the tenant for the next operation once released', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    await takeTenant(doc, TABLE, suspend);
    await releaseTenant(doc, TABLE, { ...suspend, outcome: 'succeeded' });

    // Act
    const resumed = await takeTenant(doc, TABLE, { ...suspend, operation: 'resume', executionArn: OFFBOARD });

    // Assess
    expect(resumed.record).toMatchObject({ status: 'RESUMING', operation: { name: 'resume' } });
    expect(resumed.record.lifecycleHistory).toHaveLength(1);
  });

  it('asks for a retry when the record changes under the release', async () => {
    // Prepare: a writer that skips the lock rules moves the record between the release's read and its write
    await seed(record('ACTIVE'));
    await takeTenant(doc, TABLE, suspend);
    const original = doc.send.bind(doc);
    let raced = false;
    jest.spyOn(doc, 'send').mockImplementation(async (command: unknown) => {
      if (!raced && command && (command as { constructor: { name: string } }).constructor.name === 'UpdateCommand') {
        raced = true;
        await original(new PutCommand({ TableName: TABLE, Item: record('ACTIVE') }));
      }
      return original(command as never);
    });

    // Act
    const releasing = releaseTenant(doc, TABLE, { ...suspend, outcome: 'succeeded' });

    // Assess
    await expect(releasing).rejects.toThrow(RetryableError);
  });
});
