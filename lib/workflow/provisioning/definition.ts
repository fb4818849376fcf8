/**
 * The provisioning workflow in Amazon States Language (JSONPath), built as data so that it can be unit-tested and
 * executed locally. Task resources are `${<Step>FunctionArn}` placeholders filled by `DefinitionSubstitutions`;
 * the synthesized template therefore holds the definition as one plain JSON string. Each Task's timeout and retries
 * come from its step's record.
 *
 * @module
 */
import { STEPS, type StepName } from '../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../lambdas/shared/error-names';
import type { State, StateMachineDefinition } from '../asl';
import { catchAll, type TaskFields, type TaskProfile, task as taskState } from '../tasks';

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
  STEPS.enableRotation,
  STEPS.configureBackups,
  STEPS.configureAlarms,
  STEPS.markActive,
  STEPS.rollback,
  STEPS.recordFailure,
] as const satisfies readonly StepName[];

/** Seconds between rollback passes while an instance cannot be deleted yet. */
export const ROLLBACK_WAIT_SECONDS = 30;

export interface DefinitionOptions {
  /** Whole-execution timeout. */
  readonly timeoutSeconds: number;
  /** Seconds between rollback passes while an instance cannot be deleted yet. @default 30 */
  readonly rollbackWaitSeconds?: number;
  /** Timeout and retry profile of each step, from its record (see `PROVISIONING_STEPS`). */
  readonly steps: Readonly<Record<StepName, TaskProfile>>;
}

const toRollback = catchAll(STEPS.rollback);
const toRecordFailure = catchAll(STEPS.recordFailure);

/**
 * Builds the workflow definition.
 *
 * validate → claim → (duplicate? succeed) → create → [wait ⟲] → credentials → migrations → rotation → backups →
 * alarms → active. Any failure after the claim rolls back in passes until nothing of this execution is left, then
 * records the failure; failures before it only record.
 */
export function buildProvisioningDefinition(options: DefinitionOptions): StateMachineDefinition {
  const task = (step: StepName, fields: TaskFields) => taskState(step, options.steps[step], fields);
  const states: Record<string, State> = {
    [STEPS.validate]: task(STEPS.validate, {
      Parameters: { 'input.$': '$', 'executionArn.$': '$$.Execution.Id', 'executionName.$': '$$.Execution.Name' },
      ResultPath: '$.request',
      Catch: toRecordFailure,
      Next: STEPS.claim,
    }),
    [STEPS.claim]: task(STEPS.claim, {
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
    [STEPS.createInstance]: task(STEPS.createInstance, {
      ResultPath: '$.instance',
      Catch: toRollback,
      Next: STEPS.waitForInstance,
    }),
    [STEPS.waitForInstance]: task(STEPS.waitForInstance, {
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
    [STEPS.storeCredentials]: task(STEPS.storeCredentials, {
      ResultPath: '$.credentials',
      Catch: toRollback,
      Next: STEPS.runMigrations,
    }),
    [STEPS.runMigrations]: task(STEPS.runMigrations, {
      ResultPath: '$.migrations',
      Catch: toRollback,
      Next: STEPS.enableRotation,
    }),
    [STEPS.enableRotation]: task(STEPS.enableRotation, {
      Comment:
        'After the migrations: Secrets Manager tests the rotation at once by logging in with the password they set.',
      ResultPath: '$.credentialRotation',
      Catch: toRollback,
      Next: STEPS.configureBackups,
    }),
    [STEPS.configureBackups]: task(STEPS.configureBackups, {
      ResultPath: '$.backups',
      Catch: toRollback,
      Next: STEPS.configureAlarms,
    }),
    [STEPS.configureAlarms]: task(STEPS.configureAlarms, {
      ResultPath: '$.alarms',
      Catch: toRollback,
      Next: STEPS.markActive,
    }),
    [STEPS.markActive]: task(STEPS.markActive, {
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
    [STEPS.rollback]: task(STEPS.rollback, {
      ResultPath: '$.rollback',
      Catch: catchAll(STEPS.recordFailure, '$.rollbackError'),
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
    [STEPS.recordFailure]: task(STEPS.recordFailure, {
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
