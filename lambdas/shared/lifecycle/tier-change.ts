/**
 * The tier change workflow's contract: its step names, its input and the state each step adds.
 *
 * ```
 * TakeTenant → ApplyTierChange → CheckTierChange ⟲ (Wait) → ApplyFollowUps → ReleaseTenant
 * ```
 *
 * ApplyTierChange refuses what cannot be done (a blocked storage change, the 6-hour storage cool-down) before any AWS
 * call, and turns a ModifyDBInstance RDS refuses into a refusal: the tenant goes back to ACTIVE on its old tier. Once
 * RDS accepted the modification, every later failure leaves the tenant MODIFY_FAILED, and a re-run carries the
 * accepted modification forward (it sends only what the instance does not have or have pending).
 *
 * @module
 */
import type { CaughtError } from '../contracts';
import { ERROR_NAMES } from '../error-names';
import { ConfigurationError, TierChangeRefusedError, ValidationError } from '../errors';
import { caughtErrorMessage, truncateReason } from '../failure';
import type { ChangeTiming } from '../tier-change';
import type { TierCatalog, TierDefinition } from '../tiers';
import { quoteRejected } from '../untrusted';
import type { TierChangeSummary } from './history';
import type { OperationName } from './operations';
import { type LifecycleRequest, lifecycleRequestOf } from './request';
import type { LockResult, ReleaseResult } from './suspension';

/** Task state names of the tier change workflow (and the registry's `failedStep`). */
export const TIER_CHANGE_STATES = {
  take: 'TakeTenant',
  apply: 'ApplyTierChange',
  check: 'CheckTierChange',
  followUps: 'ApplyFollowUps',
  release: 'ReleaseTenant',
} as const;

/** The operations the tier change workflow runs. */
const TIER_CHANGE_OPERATIONS = ['change-tier'] as const satisfies readonly OperationName[];

/** A tier change request: the lifecycle request plus the new tier and when it applies. */
export interface TierChangeRequest extends LifecycleRequest {
  /** The tier to move to: a tier of the deployed catalog. */
  readonly to: string;
  /** @default the new tier's `tierChangeTiming` */
  readonly when?: ChangeTiming;
}

const TIMINGS: readonly ChangeTiming[] = ['now', 'maintenance-window'];

/**
 * Checks the raw input of a tier change execution against `catalog`; the rules of the lifecycle request apply to the
 * other fields.
 *
 * @example
 * ```ts
 * tierChangeRequestOf({ tenantId: 'acme', operation: 'change-tier', to: 'pro' }, DEFAULT_TIERS);
 * // { tenantId: 'acme', operation: 'change-tier', requestedBy: 'unknown', to: 'pro' }
 * ```
 */
export function tierChangeRequestOf(input: unknown, catalog: TierCatalog): TierChangeRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('input', 'must be a JSON object', input);
  }
  const { to, when, ...rest } = input as Record<string, unknown>;
  const request = lifecycleRequestOf(rest, TIER_CHANGE_OPERATIONS);
  const tiers = Object.keys(catalog);
  if (typeof to !== 'string' || !Object.hasOwn(catalog, to)) {
    throw new ValidationError('to', `must be a tier of the deployed catalog (${tiers.join(', ')})`, to);
  }
  if (when !== undefined && !TIMINGS.includes(when as ChangeTiming)) {
    throw new ValidationError('when', `must be ${TIMINGS.join(' or ')}`, when);
  }
  return { ...request, to, ...(when === undefined ? {} : { when: when as ChangeTiming }) };
}

/** The change a tier change execution makes, fixed when it takes the tenant. */
export interface TierChangeTarget {
  /** The tier the registry had when the tenant was taken. */
  readonly from: string;
  readonly to: string;
  readonly when: ChangeTiming;
  /** True when the tenant was MODIFY_FAILED: an earlier change was accepted, so nothing is a clean refusal any more. */
  readonly resumed: boolean;
  /** When the newest tier change that changed storage ended (ISO): RDS refuses another for 6 hours. */
  readonly storageChangedAt?: string;
  /** The application secret's ARN (its rotation schedule follows the tier). */
  readonly secretArn?: string;
  /** The provisioning execution that owns the tenant's resources (alarms name it). */
  readonly ownerExecutionArn: string;
}

/** TakeTenant's result in this workflow: the lock plus the change. */
export interface TierChangeLock extends LockResult {
  change?: TierChangeTarget;
}

/** ApplyTierChange's result. */
export interface ApplyResult {
  /** `requested`: ModifyDBInstance sent; `already`: the instance has or has pending every value; `none`: nothing to send. */
  modification: 'requested' | 'already' | 'none';
  /** The ModifyDBInstance parameters sent (none for `already` and `none`). */
  parameters: string[];
}

/** CheckTierChange's result: applied, or how long to wait before looking again. */
export interface ProgressResult {
  status: 'APPLIED' | 'WAITING';
  instanceStatus: string;
  /** Parameters RDS still holds as pending modified values. */
  pending: string[];
  /** Seconds the Wait state waits before the next check (with `WAITING`). */
  waitSeconds: number;
  /** Checks so far. */
  checks: number;
}

/** ApplyFollowUps's result. */
export interface FollowUpResult {
  /** What was done: `alarms`, `tags`, `backupReplication:started` / `:stopped`. */
  applied: string[];
}

/** The tier change workflow's state: the raw input plus one key per completed step. */
export interface TierChangeState {
  lock?: TierChangeLock;
  apply?: ApplyResult;
  progress?: ProgressResult;
  followUps?: FollowUpResult;
  error?: CaughtError;
  release?: ReleaseResult;
}

const RESULTS: ReadonlyArray<readonly [string, (s: TierChangeState) => boolean]> = [
  [TIER_CHANGE_STATES.apply, (s) => s.apply !== undefined],
  [TIER_CHANGE_STATES.check, (s) => s.progress?.status === 'APPLIED'],
  [TIER_CHANGE_STATES.followUps, (s) => s.followUps !== undefined],
];

/** The step that failed: the first whose result is missing. */
export function tierChangeFailedStep(state: TierChangeState): string {
  return RESULTS.find(([, done]) => !done(state))?.[0] ?? TIER_CHANGE_STATES.release;
}

/** Why the change failed, prefixed with the failed step unless the message names it. */
export function tierChangeFailureReason(state: TierChangeState): string {
  const step = tierChangeFailedStep(state);
  const message = state.error ? caughtErrorMessage(state.error) : 'no error details in the workflow state';
  return truncateReason(message.startsWith(step) ? message : `${step}: ${message}`);
}

/**
 * True when the change was refused before RDS accepted anything: the tenant goes back to ACTIVE on its old tier. A
 * tenant taken from MODIFY_FAILED carries an accepted change, so a failure there is never a clean refusal.
 */
export function isRefusedChange(state: TierChangeState): boolean {
  return (
    state.error?.Error === ERROR_NAMES.tierChangeRefused &&
    state.apply === undefined &&
    state.lock?.change?.resumed !== true
  );
}

/** The history entry's summary of the change (undefined before the change was known). */
export function tierChangeSummary(state: TierChangeState): TierChangeSummary | undefined {
  const change = state.lock?.change;
  if (!change) return undefined;
  return {
    from: change.from,
    to: change.to,
    when: change.when,
    applied: [...(state.apply?.parameters ?? []), ...(state.followUps?.applied ?? [])],
  };
}

/** The reason a request for the tier the tenant is on is refused. */
export function sameTierProblem(tenantId: string, tier: string, to: string): string | undefined {
  return tier === to ? `tenant ${tenantId} is already on tier ${quoteRejected(to)}; nothing to change` : undefined;
}

/**
 * Why onboarding an ACTIVE tenant does nothing: on the same tier there is nothing to do; on another tier the change is
 * a tier change, and the reason names the command that makes it.
 */
export function activeTenantReason(tenantId: string, currentTier: string, requestedTier: string, since = ''): string {
  const active = `tenant ${tenantId} is already ACTIVE on tier ${currentTier}${since}`;
  if (currentTier === requestedTier) return `${active}; nothing to do`;
  return `${active}; onboarding does not change tiers: run tenantctl change-tier ${tenantId} --to ${requestedTier}`;
}

/** ModifyDBInstance parameters that change the volume (and start RDS's storage cool-down). */
export const STORAGE_PARAMETERS: readonly string[] = ['AllocatedStorage', 'StorageType', 'Iops', 'StorageThroughput'];

/** The change the lock recorded, or a ConfigurationError (a state without it was not made by TakeTenant). */
export function changeOf(state: TierChangeState): TierChangeTarget {
  const change = state.lock?.change;
  if (!change) throw new ConfigurationError('the workflow state has no tier change (lock.change); nothing to apply');
  return change;
}

/** Both tier definitions from the deployed catalog; a tier that left the catalog refuses the change. */
export function tiersOf(catalog: TierCatalog, change: TierChangeTarget): { from: TierDefinition; to: TierDefinition } {
  const from = Object.hasOwn(catalog, change.from) ? catalog[change.from] : undefined;
  const to = Object.hasOwn(catalog, change.to) ? catalog[change.to] : undefined;
  if (!from || !to) {
    throw new TierChangeRefusedError(
      `tier ${from ? change.to : change.from} is not in the deployed catalog; the change cannot be planned`,
    );
  }
  return { from, to };
}
