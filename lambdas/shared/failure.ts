/**
 * What a failed execution's state says about the failure: which step failed and why, in words an operator can act
 * on. Pure, so the RecordFailure step, the CLI and the tests derive the same answer from the same state.
 *
 * @module
 */
import { type CaughtError, STEPS, type StepName, type WorkflowState } from './contracts';

/**
 * The state RecordFailure receives: whatever the workflow collected before the failure. `request` is missing when
 * ValidateInput failed; `rollbackError` is set when the Rollback step itself failed after its retries.
 */
export type FailureState = Partial<WorkflowState>;

/** Registry and event `reason` limit: enough for an AWS error message, small enough for a DynamoDB item and a UI. */
export const MAX_REASON_LENGTH = 1000;

/**
 * Steps in workflow order, each with the check that says it finished. The first unfinished step is the one that
 * failed: a step's result is written only when it succeeds.
 */
const STEP_RESULTS: ReadonlyArray<readonly [StepName, (state: FailureState) => boolean]> = [
  [STEPS.claim, (s) => s.claim !== undefined],
  [STEPS.createInstance, (s) => s.instance !== undefined],
  [STEPS.waitForInstance, (s) => s.readiness?.status === 'AVAILABLE'],
  [STEPS.storeCredentials, (s) => s.credentials !== undefined],
  [STEPS.runMigrations, (s) => s.migrations !== undefined],
  [STEPS.enableRotation, (s) => s.credentialRotation !== undefined],
  [STEPS.configureBackups, (s) => s.backups !== undefined],
  [STEPS.configureAlarms, (s) => s.alarms !== undefined],
  [STEPS.markActive, (s) => s.outcome !== undefined],
];

/**
 * The step that failed: ValidateInput when the request was never validated, else the first step whose result is
 * missing. A state with every result present cannot reach RecordFailure through the workflow; it is attributed to
 * the last step, MarkActive.
 *
 * @example
 * ```ts
 * failedStepOf({ request, claim, instance, readiness: { status: 'PENDING', polls: 3 } }); // 'WaitForInstance'
 * ```
 */
export function failedStepOf(state: FailureState): StepName {
  if (state.request === undefined) return STEPS.validate;
  return STEP_RESULTS.find(([, finished]) => !finished(state))?.[0] ?? STEPS.markActive;
}

/** `text` cut to at most `max` characters, marking the cut with an ellipsis. */
export function truncateReason(text: string, max = MAX_REASON_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The message of a Step Functions Catch result. A Lambda error's `Cause` is the JSON Lambda reports
 * (`{"errorType","errorMessage",...}`); Step Functions' own errors (`States.Timeout`...) may carry a plain-text cause
 * or none, in which case the error name is all there is.
 */
export function caughtErrorMessage(caught: CaughtError): string {
  const cause = caught.Cause?.trim();
  if (!cause) return caught.Error;
  try {
    const parsed: unknown = JSON.parse(cause);
    const message = (parsed as { errorMessage?: unknown } | null)?.errorMessage;
    if (typeof message === 'string' && message.trim() !== '') return message.trim();
    return caught.Error;
  } catch {
    return cause;
  }
}

function rollbackSummary(state: FailureState): string | undefined {
  if (state.rollbackError) return `rollback failed: ${caughtErrorMessage(state.rollbackError)}`;
  const rollback = state.rollback;
  if (!rollback || rollback.complete) return undefined;
  return `rollback gave up after ${rollback.passes} passes; left behind: ${rollback.leftovers.join(', ') || 'unknown'}`;
}

/**
 * Why the execution failed, as one sentence prefixed with the failed step (unless the message already names it),
 * followed by what the rollback left behind when it did not finish. At most {@link MAX_REASON_LENGTH} characters.
 *
 * @example
 * ```ts
 * failureReasonOf({
 *   request, claim, instance, readiness, credentials,
 *   error: { Error: 'AwsRequestError', Cause: '{"errorType":"AwsRequestError","errorMessage":"could not authenticate to the tenant database as tenant_admin"}' },
 * });
 * // 'RunMigrations: could not authenticate to the tenant database as tenant_admin'
 * ```
 */
export function failureReasonOf(state: FailureState): string {
  const step = failedStepOf(state);
  const message = state.error ? caughtErrorMessage(state.error) : 'no error details in the workflow state';
  const reason = message.startsWith(step) ? message : `${step}: ${message}`;
  const rollback = rollbackSummary(state);
  return truncateReason(rollback ? `${reason}; ${rollback}` : reason);
}
