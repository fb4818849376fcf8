import { TENANT_STATUSES, type TenantStatus } from '../../../../lambdas/shared/contracts';
import {
  decideTake,
  describeHeld,
  type HeldOperation,
  isBusyStatus,
  OPERATION_KINDS,
  OPERATION_NAMES,
  type OperationName,
  releaseStatus,
  type TakeDecision,
} from '../../../../lambdas/shared/lifecycle/operations';

const OURS = 'arn:aws:states:us-east-1:123456789012:execution:suspension:acme-1';
const THEIRS = 'arn:aws:states:us-east-1:123456789012:execution:offboarding:acme-2';

const heldBy = (name: OperationName, executionArn: string): HeldOperation => ({
  name,
  executionArn,
  requestedBy: 'ops@example.com',
  startedAt: '2026-12-01T10:00:00.000Z',
});

describe('the operation table', () => {
  it.each(OPERATION_NAMES)('%s starts only from statuses no operation holds a tenant in', (name) => {
    // Prepare
    const kind = OPERATION_KINDS[name];

    // Act
    const busyStarts = kind.from.filter((status: TenantStatus) => isBusyStatus(status));

    // Assess: a busy status as a start would let a second operation take a held tenant
    expect(busyStarts).toEqual([]);
    expect(isBusyStatus(kind.busy)).toBe(true);
    expect(isBusyStatus(kind.done)).toBe(false);
    expect(isBusyStatus(kind.failed)).toBe(false);
  });

  it('names only registry statuses', () => {
    // Act
    const named = Object.values(OPERATION_KINDS).flatMap((k) => [...k.from, k.busy, k.done, k.failed]);

    // Assess
    expect(named.filter((s) => !TENANT_STATUSES.includes(s))).toEqual([]);
  });
});

describe('decideTake', () => {
  // Every (status, operation) pair: what starts, what is refused and why.
  const allowed: Record<OperationName, readonly TenantStatus[]> = {
    suspend: ['ACTIVE', 'SUSPEND_FAILED', 'RESUME_FAILED'],
    resume: ['SUSPENDED', 'SUSPEND_FAILED', 'RESUME_FAILED'],
    offboard: ['ACTIVE', 'SUSPENDED', 'SUSPEND_FAILED', 'RESUME_FAILED', 'OFFBOARD_FAILED'],
    'change-tier': ['ACTIVE', 'MODIFY_FAILED'],
  };
  const cases = OPERATION_NAMES.flatMap((operation) =>
    TENANT_STATUSES.filter((status) => !isBusyStatus(status)).map((status) => [operation, status] as const),
  );

  it.each(cases)('%s from %s', (operation, status) => {
    // Prepare
    const record = { tenantId: 'acme', status };

    // Act
    const decision = decideTake(record, operation, OURS);

    // Assess
    const expected: TakeDecision = allowed[operation].includes(status)
      ? { action: 'take', from: status, to: OPERATION_KINDS[operation].busy }
      : {
          action: 'refuse',
          reason: `tenant acme is ${status}; ${operation} needs ${allowed[operation].join(' or ')}`,
        };
    expect(decision).toEqual(expected);
  });

  it.each<[string, OperationName, HeldOperation, TakeDecision]>([
    ['the same execution retries its take', 'suspend', heldBy('suspend', OURS), { action: 'held' }],
    [
      'another execution holds the tenant',
      'suspend',
      heldBy('offboard', THEIRS),
      {
        action: 'refuse',
        reason: `tenant acme is busy: offboard by ops@example.com since 2026-12-01T10:00:00.000Z (execution ${THEIRS})`,
      },
    ],
    [
      'the same execution holds it for another operation',
      'resume',
      heldBy('suspend', OURS),
      { action: 'refuse', reason: describeHeld('acme', heldBy('suspend', OURS)) },
    ],
  ])('when %s', (_case, operation, held, expected) => {
    // Prepare
    const record = { tenantId: 'acme', status: OPERATION_KINDS[held.name].busy, operation: held };

    // Act
    const decision = decideTake(record, operation, OURS);

    // Assess
    expect(decision).toEqual(expected);
  });

  it.each<
    [
      string,
      Partial<HeldOperation> | undefined,
      { operation: OperationName; requestId: string }[],
      TakeDecision['action'],
    ]
  >([
    ['the same request id ran before', undefined, [{ operation: 'suspend', requestId: 'evt-1' }], 'duplicate'],
    ['the same request id runs in another execution', { requestId: 'evt-1' }, [], 'duplicate'],
    ['the same request id ran for another operation', undefined, [{ operation: 'resume', requestId: 'evt-1' }], 'take'],
    ['another request id ran before', undefined, [{ operation: 'suspend', requestId: 'evt-0' }], 'take'],
  ])('decides %s', (_case, held, history, expected) => {
    // Prepare
    const record = {
      tenantId: 'acme',
      status: held ? ('SUSPENDING' as const) : ('ACTIVE' as const),
      ...(held ? { operation: { ...heldBy('suspend', THEIRS), ...held } } : {}),
      lifecycleHistory: history.map((h) => ({ ...h, executionArn: THEIRS })),
    };

    // Act
    const decision = decideTake(record, 'suspend', OURS, 'evt-1');

    // Assess
    expect(decision.action).toBe(expected);
  });

  it('refuses an unknown tenant', () => {
    // Act
    const decision = decideTake(undefined, 'resume', OURS);

    // Assess
    expect(decision).toEqual({ action: 'refuse', reason: 'resume: no tenant with this id is registered' });
  });
});

describe('releaseStatus', () => {
  it.each<[OperationName, 'succeeded' | 'failed', TenantStatus]>([
    ['suspend', 'succeeded', 'SUSPENDED'],
    ['suspend', 'failed', 'SUSPEND_FAILED'],
    ['resume', 'succeeded', 'ACTIVE'],
    ['resume', 'failed', 'RESUME_FAILED'],
    ['offboard', 'succeeded', 'OFFBOARDED'],
    ['offboard', 'failed', 'OFFBOARD_FAILED'],
  ])('%s %s releases the tenant to %s', (operation, outcome, expected) => {
    // Act
    const status = releaseStatus(operation, outcome);

    // Assess
    expect(status).toBe(expected);
  });
});
