/**
 * The schema rollout workflow in Amazon States Language (JSONPath), built as data like the provisioning workflow.
 *
 * PlanRollout → for each wave: a Distributed Map over the wave's tenant list in S3 (one MigrateTenant child per
 * tenant, `MaxConcurrency` and the failure tolerance from the wave) → RecordWave → next wave; a Map Run beyond its
 * tolerance goes to HaltRollout (failures recorded, alert, lock released) and the execution fails, leaving later
 * waves untouched; after the last wave CompleteRollout releases the lock.
 *
 * @module
 */
import { ERROR_NAMES } from '../../../lambdas/shared/error-names';
import { ROLLOUT_STEPS, type RolloutStepName } from '../../../lambdas/shared/rollout/contracts';
import { RESULTS_PREFIX } from '../../../lambdas/shared/rollout/manifests';
import type { State, StateMachineDefinition } from '../asl';
import { type TaskFields, type TaskProfile, task as taskState } from '../tasks';

/** The `DefinitionSubstitutions` key of the manifest bucket's name. */
export const BUCKET_VARIABLE = 'RolloutBucketName';

/** Non-Task state names, exported for tests and the harness. */
export const ROLLOUT_STATE_NAMES = {
  startWaves: 'StartWaves',
  moreWaves: 'MoreWaves',
  selectWave: 'SelectWave',
  migrateWave: 'MigrateWave',
  nextWave: 'NextWave',
  completed: 'RolloutCompleted',
  halted: 'RolloutHalted',
  rejected: 'RolloutRejected',
  /** The RecordRollout function's three Task states. */
  recordWave: 'RecordWave',
  haltRollout: 'HaltRollout',
  completeRollout: 'CompleteRollout',
} as const;

export interface RolloutDefinitionOptions {
  /** Whole-execution timeout (also the lease of the rollout lock). */
  readonly timeoutSeconds: number;
  /** Timeout and retry profile of each step, from its record. */
  readonly steps: Readonly<Record<RolloutStepName, TaskProfile>>;
}

/** Builds the rollout workflow definition. */
export function buildRolloutDefinition(options: RolloutDefinitionOptions): StateMachineDefinition {
  const task = (step: RolloutStepName, fields: TaskFields) => taskState(step, options.steps[step], fields);
  const bucket = `\${${BUCKET_VARIABLE}}`;
  const record = (action: 'wave' | 'halt') => ({
    action,
    'plan.$': '$.plan',
    'wave.$': '$.current.wave',
    ...(action === 'halt' ? { 'error.$': '$.waveError' } : {}),
  });
  const states: Record<string, State> = {
    [ROLLOUT_STEPS.plan]: task(ROLLOUT_STEPS.plan, {
      Parameters: { 'input.$': '$', 'executionArn.$': '$$.Execution.Id', 'executionName.$': '$$.Execution.Name' },
      ResultPath: '$.plan',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: ROLLOUT_STATE_NAMES.rejected }],
      Next: ROLLOUT_STATE_NAMES.startWaves,
    }),
    [ROLLOUT_STATE_NAMES.startWaves]: {
      Type: 'Pass',
      Parameters: { index: 0 },
      ResultPath: '$.cursor',
      Next: ROLLOUT_STATE_NAMES.moreWaves,
    },
    [ROLLOUT_STATE_NAMES.moreWaves]: {
      Type: 'Choice',
      Choices: [
        {
          Variable: '$.cursor.index',
          NumericEqualsPath: '$.plan.waveCount',
          Next: ROLLOUT_STATE_NAMES.completeRollout,
        },
      ],
      Default: ROLLOUT_STATE_NAMES.selectWave,
    },
    [ROLLOUT_STATE_NAMES.selectWave]: {
      Type: 'Pass',
      Parameters: { 'wave.$': 'States.ArrayGetItem($.plan.waves, $.cursor.index)' },
      ResultPath: '$.current',
      Next: ROLLOUT_STATE_NAMES.migrateWave,
    },
    [ROLLOUT_STATE_NAMES.migrateWave]: {
      Type: 'Map',
      Comment:
        'Gated: a wave starts only after the previous one passed. The tenant list comes from S3, so the state stays small however large the wave.',
      Label: 'wave',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: bucket, 'Key.$': '$.current.wave.key' },
      },
      ItemSelector: {
        'rolloutId.$': '$.plan.rolloutId',
        'target.$': '$.plan.target',
        'wave.$': '$.current.wave.index',
        'tenantId.$': '$$.Map.Item.Value.tenantId',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: ROLLOUT_STEPS.migrateTenant,
        States: {
          [ROLLOUT_STEPS.migrateTenant]: task(ROLLOUT_STEPS.migrateTenant, { End: true }),
        },
      },
      MaxConcurrencyPath: '$.current.wave.maxConcurrency',
      ToleratedFailureCountPath: '$.current.wave.toleratedFailureCount',
      ToleratedFailurePercentagePath: '$.current.wave.toleratedFailurePercentage',
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { Bucket: bucket, Prefix: RESULTS_PREFIX },
      },
      ResultPath: '$.waveRun',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.waveError', Next: ROLLOUT_STATE_NAMES.haltRollout }],
      Next: ROLLOUT_STATE_NAMES.recordWave,
    },
    [ROLLOUT_STATE_NAMES.recordWave]: task(ROLLOUT_STEPS.record, {
      Parameters: record('wave'),
      ResultPath: '$.waveResult',
      Next: ROLLOUT_STATE_NAMES.nextWave,
    }),
    [ROLLOUT_STATE_NAMES.nextWave]: {
      Type: 'Pass',
      Parameters: { 'index.$': 'States.MathAdd($.cursor.index, 1)' },
      ResultPath: '$.cursor',
      Next: ROLLOUT_STATE_NAMES.moreWaves,
    },
    [ROLLOUT_STATE_NAMES.haltRollout]: task(ROLLOUT_STEPS.record, {
      Parameters: record('halt'),
      ResultPath: '$.waveResult',
      Next: ROLLOUT_STATE_NAMES.halted,
    }),
    [ROLLOUT_STATE_NAMES.halted]: {
      Type: 'Fail',
      Error: 'RolloutHalted',
      Cause: 'A wave failed beyond its tolerance: later waves were not started. See the rollout record and the alert.',
    },
    [ROLLOUT_STATE_NAMES.completeRollout]: task(ROLLOUT_STEPS.record, {
      Parameters: { action: 'complete', 'plan.$': '$.plan', 'executionArn.$': '$$.Execution.Id' },
      ResultPath: '$.completion',
      Next: ROLLOUT_STATE_NAMES.completed,
    }),
    [ROLLOUT_STATE_NAMES.completed]: { Type: 'Succeed' },
    [ROLLOUT_STATE_NAMES.rejected]: {
      Type: 'Fail',
      Comment: `Invalid options (${ERROR_NAMES.validation}) or another rollout running (${ERROR_NAMES.rolloutConflict}): nothing was touched.`,
      ErrorPath: '$.error.Error',
      CausePath: '$.error.Cause',
    },
  };
  return {
    Comment: 'Rolls the latest tenant schema out to every ACTIVE tenant database in gated waves.',
    StartAt: ROLLOUT_STEPS.plan,
    TimeoutSeconds: options.timeoutSeconds,
    States: states,
  };
}
