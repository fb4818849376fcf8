import { STEPS } from '../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../lambdas/shared/error-names';
import {
  AwsRequestError,
  ConfigurationError,
  InstanceFailedError,
  OutcomePendingError,
  OwnershipConflictError,
  type PlatformError,
  ProvisioningTimeoutError,
  RetryableError,
  RolloutConflictError,
  SnapshotQuotaExceededError,
  TenantConflictError,
  TierChangeRefusedError,
  ValidationError,
} from '../../../lambdas/shared/errors';
import {
  DatabaseAuthenticationError,
  DatabaseTlsError,
  DatabaseUnreachableError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  SchemaDriftError,
} from '../../../lambdas/shared/schema/errors';
import { STATE_NAMES, TASK_STEPS } from '../../../lib/workflow/provisioning/definition';
import { synthesizedDefinition } from '../../support/workflow-harness/synthesized';

/**
 * Each error class against the state machine as `cdk synth` writes it: the name Lambda reports for it (a literal
 * here, on purpose: the classes and the definition share `ERROR_NAMES`, so comparing them with each other would
 * not catch a renamed constant), the Task states whose Retry names it, and the Catch clauses that name it. An error
 * the definition does not name ends in the `States.ALL` catchers, which is right only for errors that must not be
 * retried.
 */

type State = { Retry?: { ErrorEquals: string[] }[]; Catch?: { ErrorEquals: string[]; Next: string }[] };

const states = Object.entries((synthesizedDefinition() as unknown as { States: Record<string, State> }).States);

const EVERY_TASK = [...TASK_STEPS].sort();

const CLASSES: [string, () => PlatformError, readonly string[], readonly string[]][] = [
  ['ValidationError', () => new ValidationError('tier', 'must be a tier'), [], []],
  ['TenantConflictError', () => new TenantConflictError('x'), [], []],
  ['OwnershipConflictError', () => new OwnershipConflictError('x'), [], []],
  ['RetryableError', () => new RetryableError('x'), EVERY_TASK, []],
  ['InstanceFailedError', () => new InstanceFailedError('x'), [], []],
  ['ProvisioningTimeoutError', () => new ProvisioningTimeoutError('x'), [], []],
  ['ConfigurationError', () => new ConfigurationError('x'), [], []],
  ['AwsRequestError', () => new AwsRequestError('x'), [], []],
  [
    'OutcomePendingError',
    () => new OutcomePendingError('x'),
    EVERY_TASK,
    [`${STEPS.markActive} → ${STATE_NAMES.outcomePending}`],
  ],
  ['DatabaseUnreachableError', () => new DatabaseUnreachableError('x'), [STEPS.runMigrations], []],
  ['DatabaseAuthenticationError', () => new DatabaseAuthenticationError('x'), [], []],
  ['DatabaseTlsError', () => new DatabaseTlsError('x'), [], []],
  ['MigrationFailedError', () => new MigrationFailedError('x'), [], []],
  ['MigrationLockTimeoutError', () => new MigrationLockTimeoutError('x'), [STEPS.runMigrations], []],
  // Schema rollouts: neither is named in the provisioning definition (a drifted tenant fails its rollout item; a
  // conflicting rollout ends in the rollout's RolloutRejected).
  ['SchemaDriftError', () => new SchemaDriftError('x'), [], []],
  ['RolloutConflictError', () => new RolloutConflictError('x'), [], []],
  // Tier changes: never retried; the tier change workflow's catch-all hands it to ReleaseTenant, which reads it.
  ['TierChangeRefusedError', () => new TierChangeRefusedError('x'), [], []],
  // Offboarding: not named in the provisioning definition; a full quota stops the offboarding in OFFBOARD_FAILED.
  ['SnapshotQuotaExceededError', () => new SnapshotQuotaExceededError('x'), [], []],
];

describe('error names Step Functions matches on', () => {
  it.each(CLASSES)('%s', (name, create, retriedOn, caughtBy) => {
    // Act
    const error = create();
    const retrying = states.filter(([, s]) => s.Retry?.some((r) => r.ErrorEquals.includes(name))).map(([n]) => n);
    const catching = states.flatMap(([n, s]) =>
      (s.Catch ?? []).filter((c) => c.ErrorEquals.includes(name)).map((c) => `${n} → ${c.Next}`),
    );

    // Assess
    expect(error.name).toBe(name);
    expect(retrying.sort()).toEqual(retriedOn);
    expect(catching).toEqual(caughtBy);
    expect(error.retryable).toBe(retriedOn.length > 0);
  });

  it('covers every name the classes take', () => {
    expect(CLASSES.map(([name]) => name).sort()).toEqual(Object.values(ERROR_NAMES).sort());
  });
});
