/**
 * The suspension workflow's contract: its step names and the state each step adds. One Standard state machine runs
 * both directions, chosen by the input's `operation`:
 *
 * ```
 * suspend: TakeTenant → DisableAppLogin → StopInstance → WaitForStopped ⟲ → ReleaseTenant
 * resume:  TakeTenant → StartInstance → WaitForStarted ⟲ → EnableAppLogin → ReleaseTenant
 * ```
 *
 * Login goes first on the way down and last on the way up, so the application never reaches a database that is
 * about to stop, and a resume that stops half-way leaves the tenant unreachable, as it was, rather than half-open.
 * Only identifiers travel in the state.
 *
 * @module
 */
import type { CaughtError, FinalSnapshot, RejectedEventDetail, TenantRecord } from '../contracts';
import { ERROR_NAMES } from '../error-names';
import { outcomeIdOf } from '../events';
import { caughtErrorMessage, truncateReason } from '../failure';
import { escapeUnprintable } from '../untrusted';
import type { OperationName } from './operations';

/** Task state names of the suspension workflow (and the registry's `failedStep`). */
export const SUSPENSION_STATES = {
  take: 'TakeTenant',
  disableLogin: 'DisableAppLogin',
  stopInstance: 'StopInstance',
  waitStopped: 'WaitForStopped',
  startInstance: 'StartInstance',
  waitStarted: 'WaitForStarted',
  enableLogin: 'EnableAppLogin',
  release: 'ReleaseTenant',
} as const;

/** The operations the suspension workflow runs. */
export const SUSPENSION_OPERATIONS = ['suspend', 'resume'] as const satisfies readonly OperationName[];

/** TakeTenant's result (`$.lock`): the tenant as the registry has it, or a duplicate request that does nothing. */
export interface LockResult {
  outcome: 'TAKEN' | 'DUPLICATE';
  tenantId: string;
  operation: OperationName;
  executionArn: string;
  /** Why the request is a duplicate (with `DUPLICATE`). */
  reason?: string;
  /** Where the database lives, read from the registry (never derived from the tenant id). */
  instanceId?: string;
  region?: string;
  /** The tenant's tier (its offboarding policy). */
  tier?: string;
  /** The application secret, as the registry records it (offboarding deletes it). */
  secretArn?: string;
  /** Final snapshots an earlier offboarding run recorded before it deleted anything. */
  finalSnapshots?: FinalSnapshot[];
}

/** SetAppLogin's result. */
export interface AppLoginResult {
  login: boolean;
  /** Application sessions ended when login was disabled. */
  sessionsEnded: number;
}

/** StopInstance's and StartInstance's result: what RDS was asked, or that nothing needed asking. */
export interface PowerRequestResult {
  action: 'requested' | 'already';
  /** The instance status seen. */
  status: string;
}

/** WaitForPower's result: whether the instance reached the target status, and the polls so far. */
export interface PowerWaitResult {
  status: 'REACHED' | 'PENDING';
  instanceStatus: string;
  polls: number;
}

/** ReleaseTenant's result. */
export interface ReleaseResult {
  /** The tenant's status after the operation (absent for a request refused before it took a known tenant). */
  status?: TenantRecord['status'];
  /** `rejected`: refused before the tenant was taken (bad input, busy, wrong status); the tenant is unchanged. */
  outcome: 'succeeded' | 'failed' | 'rejected';
  /** The failed step and reason (with `failed`): the workflow's Fail state reports them. */
  error?: string;
  reason?: string;
  failedStep?: string;
}

/** The suspension workflow's state: the raw input plus one key per completed step. */
export interface SuspensionState {
  lock?: LockResult;
  appLogin?: AppLoginResult;
  stop?: PowerRequestResult;
  start?: PowerRequestResult;
  power?: PowerWaitResult;
  error?: CaughtError;
  release?: ReleaseResult;
}

const SUSPEND_RESULTS: ReadonlyArray<readonly [string, (s: SuspensionState) => boolean]> = [
  [SUSPENSION_STATES.disableLogin, (s) => s.appLogin !== undefined],
  [SUSPENSION_STATES.stopInstance, (s) => s.stop !== undefined],
  [SUSPENSION_STATES.waitStopped, (s) => s.power?.status === 'REACHED'],
];
const RESUME_RESULTS: ReadonlyArray<readonly [string, (s: SuspensionState) => boolean]> = [
  [SUSPENSION_STATES.startInstance, (s) => s.start !== undefined],
  [SUSPENSION_STATES.waitStarted, (s) => s.power?.status === 'REACHED'],
  [SUSPENSION_STATES.enableLogin, (s) => s.appLogin !== undefined],
];

/** The step that failed: the first whose result is missing (a step's result is written only when it succeeds). */
export function suspensionFailedStep(state: SuspensionState): string {
  const results = state.lock?.operation === 'resume' ? RESUME_RESULTS : SUSPEND_RESULTS;
  return results.find(([, done]) => !done(state))?.[0] ?? SUSPENSION_STATES.release;
}

/** Why the operation failed, prefixed with the failed step unless the message names it. */
export function suspensionFailureReason(state: SuspensionState): string {
  const step = suspensionFailedStep(state);
  const message = state.error ? caughtErrorMessage(state.error) : 'no error details in the workflow state';
  return truncateReason(message.startsWith(step) ? message : `${step}: ${message}`);
}

/** True when TakeTenant refused the request before taking the tenant: bad input, or a tenant busy or in another status. */
export function isRejection(state: SuspensionState): boolean {
  return (
    state.lock === undefined &&
    (state.error?.Error === ERROR_NAMES.tenantConflict || state.error?.Error === ERROR_NAMES.validation)
  );
}

/** A field of the raw input as the rejected event may echo it: a short string, escaped; `(invalid)` otherwise. */
function echoed(value: unknown): string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64 ? escapeUnprintable(value) : '(invalid)';
}

/**
 * The "rejected" outcome event of a refused suspend or resume, in the provisioning's rejected-event shape: the
 * tenant's record is unchanged, so consumers must not read it as a change of the tenant's status.
 */
export function suspensionRejectedDetail(
  state: SuspensionState & { tenantId?: unknown; requestId?: unknown },
  executionArn: string,
  tier: string | undefined,
): RejectedEventDetail {
  return {
    outcomeId: outcomeIdOf('rejected', executionArn),
    tenantId: echoed(state.tenantId),
    tier: tier ?? '(unknown)',
    executionArn,
    requestId: state.requestId === undefined ? (executionArn.split(':').pop() ?? '') : echoed(state.requestId),
    status: 'REJECTED',
    rejectedStep: SUSPENSION_STATES.take,
    error: state.error?.Error ?? 'Error',
    reason: escapeUnprintable(state.error ? caughtErrorMessage(state.error) : 'refused'),
  };
}
