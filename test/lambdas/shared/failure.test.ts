import type { CaughtError, ValidatedRequest } from '../../../lambdas/shared/contracts';
import {
  caughtErrorMessage,
  type FailureState,
  failedStepOf,
  failureReasonOf,
  MAX_REASON_LENGTH,
  truncateReason,
} from '../../../lambdas/shared/failure';
import { DEFAULT_TIERS } from '../../../lambdas/shared/tiers';

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1';

const request: ValidatedRequest = {
  tenantId: 'acme',
  tier: 'pro',
  tierDefinition: DEFAULT_TIERS.pro as ValidatedRequest['tierDefinition'],
  requestedBy: 'ops',
  requestId: 'acme-pro-1',
  metadata: {},
  executionArn: EXECUTION_ARN,
  executionName: 'acme-pro-1',
};

/** Step results in workflow order; a state "after step k" holds the first k of them. */
const RESULTS: FailureState = {
  claim: { outcome: 'CLAIMED', attempt: 1 },
  instance: {
    instanceId: 'tenant-acme',
    instanceArn: 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme',
    deadline: '',
  },
  readiness: { status: 'AVAILABLE', endpointAddress: 'h', endpointPort: 5432, polls: 4 },
  credentials: { secretArn: 'arn:secret', secretName: 'saas/tenant/acme/app' },
  migrations: { applied: ['0001'], durationMs: 10 },
  credentialRotation: { action: 'enabled', days: 60 },
  backups: { retentionDays: 14 },
  alarms: { alarmNames: [] },
  outcome: { status: 'ACTIVE', provisionedAt: '2026-11-26T12:00:00.000Z' },
};

function stateAfter(completed: number, extra: FailureState = {}): FailureState {
  return { request, ...Object.fromEntries(Object.entries(RESULTS).slice(0, completed)), ...extra };
}

function lambdaError(errorType: string, errorMessage: string): CaughtError {
  return { Error: errorType, Cause: JSON.stringify({ errorType, errorMessage, trace: ['at x'] }) };
}

describe('failedStepOf', () => {
  it.each([
    [0, 'ClaimTenant'],
    [1, 'CreateInstance'],
    [2, 'WaitForInstance'],
    [3, 'StoreCredentials'],
    [4, 'RunMigrations'],
    [5, 'EnableRotation'],
    [6, 'ConfigureBackups'],
    [7, 'ConfigureAlarms'],
    [8, 'MarkActive'],
  ])('names the first missing result after %i completed steps: %s', (completed, step) => {
    // Prepare
    const state = stateAfter(completed);

    // Act
    const failed = failedStepOf(state);

    // Assess
    expect(failed).toBe(step);
  });

  it('names ValidateInput when the request was never validated, whatever else the raw input holds', () => {
    // Prepare
    const state = { tenantId: 'Bad Id', claim: RESULTS.claim } as FailureState;

    // Act
    const failed = failedStepOf(state);

    // Assess
    expect(failed).toBe('ValidateInput');
  });

  it('names WaitForInstance while the readiness result is still PENDING', () => {
    // Prepare
    const state = stateAfter(2, { readiness: { status: 'PENDING', polls: 9 } });

    // Act
    const failed = failedStepOf(state);

    // Assess
    expect(failed).toBe('WaitForInstance');
  });
});

describe('caughtErrorMessage', () => {
  it.each([
    ['the Lambda errorMessage', lambdaError('AwsRequestError', '  access denied  '), 'access denied'],
    [
      'a plain-text cause',
      { Error: 'States.Timeout', Cause: 'Task timed out after 900 seconds' },
      'Task timed out after 900 seconds',
    ],
    ['the error name without a cause', { Error: 'States.Timeout' }, 'States.Timeout'],
    ['the error name for a blank cause', { Error: 'States.Timeout', Cause: '   ' }, 'States.Timeout'],
    [
      'the error name for JSON without errorMessage',
      { Error: 'Lambda.Unknown', Cause: '{"errorType":"x"}' },
      'Lambda.Unknown',
    ],
    ['the error name for a blank errorMessage', lambdaError('RetryableError', ' '), 'RetryableError'],
    ['the error name for JSON null', { Error: 'Runtime.ExitError', Cause: 'null' }, 'Runtime.ExitError'],
  ])('uses %s', (_case, caught, expected) => {
    // Act
    const message = caughtErrorMessage(caught);

    // Assess
    expect(message).toBe(expected);
  });
});

describe('failureReasonOf', () => {
  it('prefixes the step to the Lambda error message', () => {
    // Prepare
    const error = lambdaError('AwsRequestError', 'could not authenticate to the tenant database as tenant_admin');
    const state = stateAfter(4, { error });

    // Act
    const reason = failureReasonOf(state);

    // Assess
    expect(reason).toBe('RunMigrations: could not authenticate to the tenant database as tenant_admin');
  });

  it('does not repeat a step name the message already starts with', () => {
    // Prepare
    const error = lambdaError('AwsRequestError', 'CreateInstance failed: InsufficientDBInstanceCapacity: no capacity');
    const state = stateAfter(1, { error });

    // Act
    const reason = failureReasonOf(state);

    // Assess
    expect(reason).toBe('CreateInstance failed: InsufficientDBInstanceCapacity: no capacity');
  });

  it.each([
    [
      'a rollback that gave up',
      {
        rollback: {
          complete: false,
          exhausted: true,
          passes: 120,
          deleted: [],
          leftovers: ['db-instance:tenant-acme'],
        },
      },
      'ConfigureBackups: boom; rollback gave up after 120 passes; left behind: db-instance:tenant-acme',
    ],
    [
      'a rollback step that failed',
      { rollbackError: lambdaError('AwsRequestError', 'Rollback failed: AccessDenied') },
      'ConfigureBackups: boom; rollback failed: Rollback failed: AccessDenied',
    ],
    [
      'a finished rollback (nothing to add)',
      { rollback: { complete: true, exhausted: false, passes: 2, deleted: ['secret:arn'], leftovers: [] } },
      'ConfigureBackups: boom',
    ],
  ])('appends %s', (_case, extra, expected) => {
    // Prepare
    const state = stateAfter(6, { error: lambdaError('AwsRequestError', 'boom'), ...extra });

    // Act
    const reason = failureReasonOf(state);

    // Assess
    expect(reason).toBe(expected);
  });

  it('says so when the state carries no error', () => {
    // Prepare
    const state = stateAfter(3);

    // Act
    const reason = failureReasonOf(state);

    // Assess
    expect(reason).toBe('StoreCredentials: no error details in the workflow state');
  });

  it(`cuts a long message to ${MAX_REASON_LENGTH} characters`, () => {
    // Prepare
    const state = stateAfter(0, { error: lambdaError('TenantConflictError', 'x'.repeat(5000)) });

    // Act
    const reason = failureReasonOf(state);

    // Assess
    expect(reason).toHaveLength(MAX_REASON_LENGTH);
    expect(reason.startsWith('ClaimTenant: xxx')).toBe(true);
    expect(reason.endsWith('…')).toBe(true);
  });
});

describe('truncateReason', () => {
  it.each([
    ['abc', 3, 'abc'],
    ['abcd', 3, 'ab…'],
    ['', 3, ''],
  ])('cuts %j to at most %i characters', (text, max, expected) => {
    // Act
    const cut = truncateReason(text, max);

    // Assess
    expect(cut).toBe(expected);
  });
});
