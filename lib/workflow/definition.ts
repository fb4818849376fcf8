import { STEPS, type StepName } from '../../lambdas/shared/contracts';
import { ERROR_NAMES, INVOCATION_FAULT_NAMES } from '../../lambdas/shared/error-names';

/**
 * The provisioning workflow in Amazon States Language (JSONPath), built as data so that it can be unit-tested and
 * executed locally. Task resources are `${<Step>FunctionArn}` placeholders filled by `DefinitionSubstitutions`;
 * the synthesized template therefore holds the definition as one plain JSON string.
 */

/** Non-Task state names, exported for tests and the benchmark. */
export const STATE_NAMES = {
  isDuplicate: 'IsDuplicateRequest',
  alreadyRequested: 'AlreadyRequested',
  isAvailable: 'IsInstanceAvailable',
  provisioned: 'Provisioned',
  outcomePending: 'ProvisionedOutcomePending',
  isRollbackDone: 'IsRollbackDone',
  waitBeforeRollback: 'WaitBeforeNextRollbackPass',
  failed: 'ProvisioningFailed',
} as const;

/** Task steps that run Lambda functions, in workflow order. */
export const TASK_STEPS = [
  STEPS.validate,
  STEPS.claim,
  STEPS.createInstance,
  STEPS.waitForInstance,
  STEPS.storeCredentials,
  STEPS.runMigrations,
  STEPS.configureBackups,
  STEPS.configureAlarms,
  STEPS.markActive,
  STEPS.rollback,
  STEPS.recordFailure,
] as const satisfies readonly StepName[];

/** Lambda timeout of each step's function, seconds: long polls, migrations and rollback passes get more than 60. */
const LONG_RUNNING_STEPS: Partial<Record<StepName, number>> = {
  [STEPS.waitForInstance]: 900,
  [STEPS.runMigrations]: 300,
  [STEPS.rollback]: 300,
};

/** The Lambda timeout of `step`'s function. */
export function functionTimeoutSeconds(step: StepName): number {
  return LONG_RUNNING_STEPS[step] ?? 60;
}

/**
 * The Task timeout of `step`: longer than its function's timeout, so a function that runs out of time fails as
 * `Sandbox.Timedout` (retried) rather than the Task as `States.Timeout` (which invoke latency and VPC cold starts
 * could otherwise trigger first).
 */
export function taskTimeoutSeconds(step: StepName): number {
  return functionTimeoutSeconds(step) + 30;
}

/** Seconds between rollback passes while an instance cannot be deleted yet. */
export const ROLLBACK_WAIT_SECONDS = 30;

/** The `DefinitionSubstitutions` key of a step's function ARN. */
export function functionArnVariable(step: StepName): string {
  return `${step}FunctionArn`;
}

export interface DefinitionOptions {
  /** Whole-execution timeout. */
  readonly timeoutSeconds: number;
  /** Seconds between rollback passes while an instance cannot be deleted yet. @default 30 */
  readonly rollbackWaitSeconds?: number;
  /**
   * Extra error names retried on a given step with a slower schedule (15 s, doubling, 4 attempts): e.g. a database
   * that refuses connections for a short while after it became available.
   */
  readonly extraRetryableErrors?: Partial<Record<StepName, readonly string[]>>;
}

type Json = Record<string, unknown>;

/**
 * The retry budget of every Task, sized in time rather than in a count one busy minute exhausts: 2 s doubling to a
 * 60 s cap, 10 attempts, up to about six minutes of backoff (about three on average with full jitter). Throttled
 * calls are retried inside the handlers first, so a step reaches these retries only when AWS stays busy.
 */
export const RETRY_MAX_ATTEMPTS = 10;
export const RETRY_MAX_DELAY_SECONDS = 60;

/** Errors retried on every Task: our transient class and Lambda invocation faults (every step is idempotent). */
const BASE_RETRYABLE = [ERROR_NAMES.retryable, ERROR_NAMES.outcomePending, ...INVOCATION_FAULT_NAMES];

function retryFor(step: StepName, options: DefinitionOptions): Json[] {
  const extra = options.extraRetryableErrors?.[step] ?? [];
  const base = {
    ErrorEquals: BASE_RETRYABLE,
    IntervalSeconds: 2,
    BackoffRate: 2,
    MaxAttempts: RETRY_MAX_ATTEMPTS,
    MaxDelaySeconds: RETRY_MAX_DELAY_SECONDS,
    JitterStrategy: 'FULL',
  };
  if (extra.length === 0) return [base];
  return [
    base,
    {
      ErrorEquals: [...extra],
      IntervalSeconds: 15,
      BackoffRate: 2,
      MaxAttempts: 4,
      MaxDelaySeconds: 120,
      JitterStrategy: 'FULL',
    },
  ];
}

function task(step: StepName, options: DefinitionOptions, fields: Json): Json {
  return {
    Type: 'Task',
    Resource: `\${${functionArnVariable(step)}}`,
    TimeoutSeconds: taskTimeoutSeconds(step),
    Retry: retryFor(step, options),
    ...fields,
  };
}

const toRollback = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STEPS.rollback }];
const toRecordFailure = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STEPS.recordFailure }];

/**
 * Builds the workflow definition.
 *
 * validate → claim → (duplicate? succeed) → create → [wait ⟲] → credentials → migrations → backups → alarms →
 * active. Any failure after the claim rolls back in passes until nothing of this execution is left, then records
 * the failure; failures before it only record.
 */
export function buildProvisioningDefinition(options: DefinitionOptions): Json {
  const states: Json = {
    [STEPS.validate]: task(STEPS.validate, options, {
      Parameters: { 'input.$': '$', 'executionArn.$': '$$.Execution.Id', 'executionName.$': '$$.Execution.Name' },
      ResultPath: '$.request',
      Catch: toRecordFailure,
      Next: STEPS.claim,
    }),
    [STEPS.claim]: task(STEPS.claim, options, {
      ResultPath: '$.claim',
      Catch: toRecordFailure,
      Next: STATE_NAMES.isDuplicate,
    }),
    [STATE_NAMES.isDuplicate]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.claim.outcome', StringEquals: 'DUPLICATE', Next: STATE_NAMES.alreadyRequested }],
      Default: STEPS.createInstance,
    },
    [STATE_NAMES.alreadyRequested]: {
      Type: 'Succeed',
      Comment: 'The same request id already owns the tenant: nothing is provisioned twice.',
    },
    [STEPS.createInstance]: task(STEPS.createInstance, options, {
      ResultPath: '$.instance',
      Catch: toRollback,
      Next: STEPS.waitForInstance,
    }),
    [STEPS.waitForInstance]: task(STEPS.waitForInstance, options, {
      Comment:
        'Long poll: one invocation waits up to ~13 minutes, so an hour-long creation costs a handful of transitions.',
      ResultPath: '$.readiness',
      Catch: toRollback,
      Next: STATE_NAMES.isAvailable,
    }),
    [STATE_NAMES.isAvailable]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.readiness.status', StringEquals: 'AVAILABLE', Next: STEPS.storeCredentials }],
      Default: STEPS.waitForInstance,
    },
    [STEPS.storeCredentials]: task(STEPS.storeCredentials, options, {
      ResultPath: '$.credentials',
      Catch: toRollback,
      Next: STEPS.runMigrations,
    }),
    [STEPS.runMigrations]: task(STEPS.runMigrations, options, {
      ResultPath: '$.migrations',
      Catch: toRollback,
      Next: STEPS.configureBackups,
    }),
    [STEPS.configureBackups]: task(STEPS.configureBackups, options, {
      ResultPath: '$.backups',
      Catch: toRollback,
      Next: STEPS.configureAlarms,
    }),
    [STEPS.configureAlarms]: task(STEPS.configureAlarms, options, {
      ResultPath: '$.alarms',
      Catch: toRollback,
      Next: STEPS.markActive,
    }),
    [STEPS.markActive]: task(STEPS.markActive, options, {
      Comment:
        'The point of no return: once the registry says ACTIVE nothing rolls the tenant back. A publish that keeps failing ends in ProvisionedOutcomePending, not in Rollback.',
      ResultPath: '$.outcome',
      Catch: [
        { ErrorEquals: [ERROR_NAMES.outcomePending], ResultPath: '$.error', Next: STATE_NAMES.outcomePending },
        ...toRollback,
      ],
      Next: STATE_NAMES.provisioned,
    }),
    [STATE_NAMES.provisioned]: { Type: 'Succeed' },
    [STATE_NAMES.outcomePending]: {
      Type: 'Succeed',
      Comment:
        'The tenant is ACTIVE; its provisioned event is still owed. The registry keeps it pending and the sweeper publishes it (and alerts while it cannot).',
    },
    [STEPS.rollback]: task(STEPS.rollback, options, {
      ResultPath: '$.rollback',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.rollbackError', Next: STEPS.recordFailure }],
      Next: STATE_NAMES.isRollbackDone,
    }),
    [STATE_NAMES.isRollbackDone]: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.rollback.tenantActive', IsPresent: true },
            { Variable: '$.rollback.tenantActive', BooleanEquals: true },
          ],
          Next: STATE_NAMES.outcomePending,
        },
        {
          Or: [
            { Variable: '$.rollback.complete', BooleanEquals: true },
            { Variable: '$.rollback.exhausted', BooleanEquals: true },
            {
              And: [
                { Variable: '$.rollback.stuck', IsPresent: true },
                { Variable: '$.rollback.stuck', BooleanEquals: true },
              ],
            },
          ],
          Next: STEPS.recordFailure,
        },
      ],
      Default: STATE_NAMES.waitBeforeRollback,
    },
    [STATE_NAMES.waitBeforeRollback]: {
      Type: 'Wait',
      Seconds: options.rollbackWaitSeconds ?? ROLLBACK_WAIT_SECONDS,
      Next: STEPS.rollback,
    },
    [STEPS.recordFailure]: task(STEPS.recordFailure, options, {
      Comment: 'The execution ARN comes from the context: input rejected by ValidateInput has no $.request.',
      Parameters: { 'state.$': '$', 'executionArn.$': '$$.Execution.Id' },
      ResultPath: '$.failure',
      Next: STATE_NAMES.failed,
    }),
    [STATE_NAMES.failed]: { Type: 'Fail', ErrorPath: '$.failure.error', CausePath: '$.failure.reason' },
  };
  return {
    Comment: 'Provisions one tenant database: complete, or rolled back and recorded as failed.',
    StartAt: STEPS.validate,
    TimeoutSeconds: options.timeoutSeconds,
    States: states,
  };
}
