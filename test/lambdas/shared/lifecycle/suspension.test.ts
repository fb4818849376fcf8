import {
  isRejection,
  type SuspensionState,
  suspensionFailedStep,
  suspensionFailureReason,
  suspensionRejectedDetail,
} from '../../../../lambdas/shared/lifecycle/suspension';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-workflow-suspension:acme-suspend-1';
const lock = (operation: 'suspend' | 'resume') =>
  ({ outcome: 'TAKEN', tenantId: 'acme', operation, executionArn: EXECUTION, instanceId: 'tenant-acme' }) as const;
const caught = (message: string) => ({
  Error: 'AwsRequestError',
  Cause: JSON.stringify({ errorType: 'AwsRequestError', errorMessage: message }),
});

describe('the failed step of a suspend or resume', () => {
  it.each<[string, SuspensionState, string]>([
    ['suspend: login', { lock: lock('suspend') }, 'DisableAppLogin'],
    ['suspend: stop', { lock: lock('suspend'), appLogin: { login: false, sessionsEnded: 0 } }, 'StopInstance'],
    [
      'suspend: wait',
      {
        lock: lock('suspend'),
        appLogin: { login: false, sessionsEnded: 0 },
        stop: { action: 'requested', status: 'stopping' },
        power: { status: 'PENDING', instanceStatus: 'stopping', polls: 3 },
      },
      'WaitForStopped',
    ],
    ['resume: start', { lock: lock('resume') }, 'StartInstance'],
    ['resume: wait', { lock: lock('resume'), start: { action: 'requested', status: 'starting' } }, 'WaitForStarted'],
    [
      'resume: login',
      {
        lock: lock('resume'),
        start: { action: 'already', status: 'available' },
        power: { status: 'REACHED', instanceStatus: 'available', polls: 1 },
      },
      'EnableAppLogin',
    ],
  ])('%s', (_case, state, step) => {
    expect(suspensionFailedStep(state)).toBe(step);
    expect(suspensionFailureReason({ ...state, error: caught('denied') })).toBe(`${step}: denied`);
  });
});

describe('a refused request', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['a busy tenant', { error: { Error: 'TenantConflictError', Cause: '{}' } }, true],
    ['bad input', { error: { Error: 'ValidationError', Cause: '{}' } }, true],
    [
      'a failure after the take',
      { lock: lock('suspend'), error: { Error: 'TenantConflictError', Cause: '{}' } },
      false,
    ],
    ['a take that ran out of retries', { error: { Error: 'RetryableError', Cause: '{}' } }, false],
  ])('is recognised for %s', (_case, state, expected) => {
    expect(isRejection(state as SuspensionState)).toBe(expected);
  });

  it.each<[string, unknown, string]>([
    ['a known tenant', 'acme', 'acme'],
    ['an oversized tenant id', 'x'.repeat(65), '(invalid)'],
    ['a tenant id that is no string', 42, '(invalid)'],
    ['control characters', 'ac\u0007me', 'ac\\u{7}me'],
  ])('echoes %s safely in the rejected event', (_case, tenantId, echoed) => {
    // Act
    const detail = suspensionRejectedDetail(
      { tenantId, error: { Error: 'ValidationError', Cause: JSON.stringify({ errorMessage: 'tenantId: bad' }) } },
      EXECUTION,
      undefined,
    );

    // Assess
    expect(detail).toEqual({
      outcomeId: `rejected:${EXECUTION}`,
      tenantId: echoed,
      tier: '(unknown)',
      executionArn: EXECUTION,
      requestId: 'acme-suspend-1',
      status: 'REJECTED',
      rejectedStep: 'TakeTenant',
      error: 'ValidationError',
      reason: 'tenantId: bad',
    });
  });
});
