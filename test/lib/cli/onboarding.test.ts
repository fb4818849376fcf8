import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { TenantConflictError } from '../../../lambdas/shared/errors';
import {
  attemptOfExecution,
  canSkipTakenName,
  decideOnboarding,
  executionArnOf,
  firstAttemptAfter,
  onboardingRequest,
} from '../../../lib/cli/onboarding';

const SM = 'arn:aws:states:us-east-1:111122223333:stateMachine:tenant-db-provisioning';

function record(status: TenantRecord['status'], tier: string, attempt: number): TenantRecord {
  return {
    tenantId: 'acme',
    tier,
    status,
    attempt,
    requestId: `acme-${tier}-${attempt}`,
    requestedBy: 'jane',
    executionArn: executionArnOf(SM, `acme-${tier}-${attempt}`),
    createdAt: '2026-11-01T10:00:00Z',
    updatedAt: '2026-11-01T10:30:00Z',
  };
}

describe('decideOnboarding', () => {
  it.each([
    ['a new tenant starts attempt 1', undefined, { kind: 'start', attempt: 1, executionName: 'acme-pro-1' }],
    [
      'a FAILED tenant starts the next attempt',
      record('FAILED', 'pro', 2),
      { kind: 'start', attempt: 3, executionName: 'acme-pro-3' },
    ],
    [
      'a FAILED tenant may retry on another tier',
      record('FAILED', 'starter', 1),
      { kind: 'start', attempt: 2, executionName: 'acme-pro-2' },
    ],
    [
      "a FAILED tenant whose execution's name is ahead of its attempt starts after the name",
      { ...record('FAILED', 'pro', 2), executionArn: executionArnOf(SM, 'acme-pro-4') },
      { kind: 'start', attempt: 5, executionName: 'acme-pro-5' },
    ],
    [
      'a tenant PROVISIONING on the same tier is followed',
      record('PROVISIONING', 'pro', 1),
      { kind: 'follow', executionArn: `${SM.replace(':stateMachine:', ':execution:')}:acme-pro-1` },
    ],
  ])('%s', (_name, existing, expected) => {
    // Act / Assess
    expect(decideOnboarding(existing, 'acme', 'pro')).toEqual(expected);
  });

  it.each([
    ['an ACTIVE tenant', record('ACTIVE', 'pro', 1), /already ACTIVE on tier pro/],
    [
      'a ROLLBACK_FAILED tenant (the claim step would reject it until the leftovers are removed)',
      { ...record('ROLLBACK_FAILED', 'pro', 1), leftovers: ['db-instance:tenant-acme'] },
      /leftovers of a failed rollback \(db-instance:tenant-acme\)/,
    ],
    [
      'a tenant PROVISIONING on another tier',
      record('PROVISIONING', 'starter', 1),
      /being provisioned on tier starter/,
    ],
    ['a SUSPENDED tenant', record('SUSPENDED', 'pro', 1), /is SUSPENDED on tier pro; onboarding needs a new or FAILED/],
    ['a tenant being offboarded', record('OFFBOARDING', 'pro', 1), /is OFFBOARDING on tier pro/],
  ])('refuses %s', (_name, existing, message) => {
    // Act / Assess
    expect(() => decideOnboarding(existing, 'acme', 'pro')).toThrow(TenantConflictError);
    expect(() => decideOnboarding(existing, 'acme', 'pro')).toThrow(message);
  });
});

describe('attempt numbers in execution names', () => {
  it.each([
    ['a tenantctl name', 'acme-pro-4', 4],
    ['a two-digit attempt', 'acme-pro-12', 12],
    ['another tier', 'acme-starter-4', undefined],
    ['another tenant whose id ends like ours', 'big-acme-pro-4', undefined],
    ['a billing execution', 'billing-evt-42', undefined],
    ['attempt zero', 'acme-pro-0', undefined],
    ['a leading zero', 'acme-pro-04', undefined],
  ])('the attempt of %s (%s) is %s', (_name, name, expected) => {
    // Act / Assess
    expect(attemptOfExecution(executionArnOf(SM, name), 'acme', 'pro')).toBe(expected);
  });

  it.each([
    ['no record', 1, undefined],
    [
      'a record of a billing execution',
      4,
      { ...record('FAILED', 'pro', 3), executionArn: executionArnOf(SM, 'evt-9') },
    ],
    ['a record whose name matches its attempt', 4, record('FAILED', 'pro', 3)],
    [
      'a record whose name is ahead',
      7,
      { ...record('FAILED', 'pro', 2), executionArn: executionArnOf(SM, 'acme-pro-6') },
    ],
  ])('after %s the first attempt is %s', (_name, expected, existing) => {
    // Act / Assess
    expect(firstAttemptAfter(existing, 'acme', 'pro')).toBe(expected);
  });
});

describe('canSkipTakenName', () => {
  const OWNER = executionArnOf(SM, 'acme-pro-1');
  const OTHER = executionArnOf(SM, 'acme-pro-2');

  it.each([
    ['an execution that failed before claiming', true, OTHER, 'FAILED'],
    ['an execution that timed out before claiming', true, OTHER, 'TIMED_OUT'],
    ['an aborted execution', true, OTHER, 'ABORTED'],
    ['a duplicate request that succeeded without provisioning', true, OTHER, 'SUCCEEDED'],
    ['a running execution', false, OTHER, 'RUNNING'],
    ['an execution about to be redriven', false, OTHER, 'PENDING_REDRIVE'],
    ["the registry record's own ended execution", false, OWNER, 'FAILED'],
    ['an execution of unknown status', false, OTHER, undefined],
  ] as const)('%s may be skipped: %s', (_name, expected, executionArn, status) => {
    // Act / Assess
    expect(canSkipTakenName({ executionArn, status }, OWNER)).toBe(expected);
  });
});

describe('onboarding request and execution ARN', () => {
  it('uses the execution name as the request id, so a re-run is the same request', () => {
    // Act / Assess
    expect(onboardingRequest('acme', 'pro', 'jane', 'acme-pro-1')).toEqual({
      tenantId: 'acme',
      tier: 'pro',
      requestedBy: 'jane',
      requestId: 'acme-pro-1',
    });
  });

  it.each([
    [SM, 'arn:aws:states:us-east-1:111122223333:execution:tenant-db-provisioning:acme-pro-1'],
    [
      'arn:aws-cn:states:cn-north-1:111122223333:stateMachine:sm',
      'arn:aws-cn:states:cn-north-1:111122223333:execution:sm:acme-pro-1',
    ],
  ])('derives the execution ARN from %s', (stateMachineArn, expected) => {
    // Act / Assess
    expect(executionArnOf(stateMachineArn, 'acme-pro-1')).toBe(expected);
  });
});
