/**
 * The offboarding workflow's contract: its step names, the state each step adds, and the pure decisions its steps
 * share (the final snapshot's identifier, the quota check, what the release records).
 *
 * ```
 * TakeTenant → CheckSnapshotQuota → [StartInstance → WaitForStarted ⟲]  (a stopped instance: RDS snapshots only running ones)
 *   → DisableAppLogin → CreateFinalSnapshot → WaitForFinalSnapshot ⟲
 *   → [CopyFinalSnapshot → WaitForSnapshotCopy ⟲]                         (tiers that replicate backups)
 *   → DeleteInstance → WaitForInstanceDeleted ⟲ → DeleteTenantResources → ReleaseTenant
 * ```
 *
 * Data is never at risk: DeleteInstance, the first step that deletes anything, runs only once every final snapshot
 * is `available`, and records them in the registry first, so a later run finds them even once the instance is gone.
 * Only identifiers and ARNs travel in the state.
 *
 * @module
 */
import type { CaughtError, FinalSnapshot, TenantRecord } from '../contracts';
import { caughtErrorMessage, truncateReason } from '../failure';
import type { OperationName } from './operations';
import type { AppLoginResult, LockResult, PowerRequestResult, PowerWaitResult, ReleaseResult } from './suspension';

/** Task state names of the offboarding workflow (and the registry's `failedStep`). */
export const OFFBOARDING_STATES = {
  take: 'TakeTenant',
  checkQuota: 'CheckSnapshotQuota',
  startInstance: 'StartInstance',
  waitStarted: 'WaitForStarted',
  disableLogin: 'DisableAppLogin',
  createSnapshot: 'CreateFinalSnapshot',
  waitSnapshot: 'WaitForFinalSnapshot',
  copySnapshot: 'CopyFinalSnapshot',
  waitCopy: 'WaitForSnapshotCopy',
  deleteInstance: 'DeleteInstance',
  waitDeleted: 'WaitForInstanceDeleted',
  deleteResources: 'DeleteTenantResources',
  release: 'ReleaseTenant',
} as const;

/** The operations the offboarding workflow runs. */
export const OFFBOARDING_OPERATIONS = ['offboard'] as const satisfies readonly OperationName[];

/** Instance statuses that need a start before RDS takes a snapshot (CreateDBSnapshot wants `available`). */
const STOPPED = new Set(['stopped', 'stopping']);

/** CheckSnapshotQuota's result (`$.plan`): where the instance is and what the tier asks of the offboarding. */
export interface OffboardingPlan {
  /** The instance's status, or `deleted` when RDS no longer knows it (a run after the delete). */
  instanceStatus: string;
  /** The backup Region the final snapshot is copied to (tiers that replicate backups); absent otherwise. */
  copyRegion?: string;
  /** Keep the automated backups at delete (tier policy). */
  keepAutomatedBackups: boolean;
  /** Days the final snapshots are kept (tier policy). */
  retentionDays: number;
  /** Manual snapshots in use and allowed, per Region checked (for the operator reading the execution). */
  quota: QuotaUse[];
}

/** Manual snapshots in use and allowed in one Region (RDS DescribeAccountAttributes, quota `ManualSnapshots`). */
export interface QuotaUse {
  region: string;
  used: number;
  max: number;
}

/** A snapshot step's result: the snapshot asked for (or found from an earlier attempt). */
export interface SnapshotRequestResult {
  action: 'requested' | 'found';
  snapshotId: string;
  arn: string;
  region: string;
}

/** A snapshot wait's result: `REACHED` once RDS reports the snapshot `available`, with the snapshot as kept. */
export interface SnapshotWaitResult {
  status: 'REACHED' | 'PENDING';
  snapshotStatus: string;
  polls: number;
  snapshot?: FinalSnapshot;
}

/** DeleteInstance's result. */
export interface DeletionResult {
  action: 'requested' | 'already';
  instanceStatus: string;
  /** The instance's resource id: retained automated backups are found by it once the instance is gone. */
  resourceId?: string;
}

/** WaitForInstanceDeleted's result. */
export interface DeletedWaitResult {
  status: 'REACHED' | 'PENDING';
  instanceStatus: string;
  polls: number;
  /** The automated backups RDS retained (tiers that keep them). */
  retainedBackupsArn?: string;
}

/** DeleteTenantResources's result: what it deleted (names and ARNs only). */
export interface CleanupResult {
  alarmsDeleted: string[];
  /** The application secret scheduled for deletion, and when Secrets Manager deletes it for good (ISO). */
  secretArn?: string;
  secretDeletionDate?: string;
}

/** The offboarding workflow's state: the raw input plus one key per completed step. */
export interface OffboardingState {
  lock?: LockResult;
  plan?: OffboardingPlan;
  start?: PowerRequestResult;
  power?: PowerWaitResult;
  appLogin?: AppLoginResult;
  snapshot?: SnapshotRequestResult;
  snapshotWait?: SnapshotWaitResult;
  copy?: SnapshotRequestResult;
  copyWait?: SnapshotWaitResult;
  deletion?: DeletionResult;
  deletedWait?: DeletedWaitResult;
  cleanup?: CleanupResult;
  error?: CaughtError;
  release?: ReleaseResult;
}

/** True when the plan found the instance stopped: it is started for the snapshot. */
export function needsStart(plan: Pick<OffboardingPlan, 'instanceStatus'> | undefined): boolean {
  return plan !== undefined && STOPPED.has(plan.instanceStatus);
}

/** True when the instance is already gone (a run after a failure past the delete): only the clean-up remains. */
export function isInstanceGone(plan: Pick<OffboardingPlan, 'instanceStatus'> | undefined): boolean {
  return plan?.instanceStatus === 'deleted' || plan?.instanceStatus === 'deleting';
}

/**
 * The final snapshot's identifier: the tenant id and a digest of the execution, so a retried step finds its own
 * snapshot and a second offboarding of the same tenant (after an undelete) never collides with the first. Within
 * RDS's rules for `DBSnapshotIdentifier`: 1–255 letters, digits and hyphens, a letter first, no two hyphens in a
 * row, no hyphen last (tenant ids already satisfy them: lower-case letters, digits, single inner hyphens).
 */
export function finalSnapshotId(tenantId: string, executionDigest: string): string {
  const id = `tenant-${tenantId}-final-${executionDigest}`;
  if (!/^[a-z](?!.*--)[a-z0-9-]{0,254}$/.test(id) || id.endsWith('-')) {
    throw new RangeError(`final snapshot identifier ${id} breaks RDS's DBSnapshotIdentifier rules`);
  }
  return id;
}

/**
 * The snapshot to use in `region`: the one an earlier run of this offboarding recorded in the registry, or a new
 * one named after this execution.
 */
export function snapshotIdFor(
  lock: Pick<LockResult, 'tenantId' | 'finalSnapshots'>,
  region: string,
  executionDigest: string,
): string {
  return (
    lock.finalSnapshots?.find((s) => s.region === region)?.snapshotId ?? finalSnapshotId(lock.tenantId, executionDigest)
  );
}

/**
 * Whether a Region has room for the snapshots this offboarding still has to make there; a Region whose snapshot
 * already exists (an earlier attempt) needs none.
 */
export function quotaShortfall(use: QuotaUse, needed: number): string | undefined {
  if (use.used + needed <= use.max) return undefined;
  return `the manual-snapshot quota of ${use.region} is full (${use.used} of ${use.max} used, ${needed} needed): delete old manual snapshots or raise the RDS quota "ManualSnapshots"; nothing of the tenant was touched`;
}

/** The final snapshots this execution confirmed `available`, or those an earlier run recorded. */
export function finalSnapshotsOf(state: OffboardingState): FinalSnapshot[] {
  const confirmed = [state.snapshotWait?.snapshot, state.copyWait?.snapshot].filter(
    (s): s is FinalSnapshot => s !== undefined,
  );
  return confirmed.length > 0 ? confirmed : [...(state.lock?.finalSnapshots ?? [])];
}

const DAY_MS = 24 * 3600_000;

/** What the release to `OFFBOARDED` writes: the snapshots, when, the purge date; and the pending schedule it removes. */
export function offboardedRecord(
  state: OffboardingState,
  now: Date,
): { set: Partial<TenantRecord>; remove: ['scheduledOffboarding'] } {
  const retentionDays = state.plan?.retentionDays;
  if (retentionDays === undefined) throw new RangeError('the offboarding plan is missing: no retention to apply');
  const retained = state.deletedWait?.retainedBackupsArn;
  return {
    set: {
      finalSnapshots: finalSnapshotsOf(state),
      offboardedAt: now.toISOString(),
      purgeAfter: new Date(now.getTime() + retentionDays * DAY_MS).toISOString(),
      ...(retained === undefined ? {} : { retainedBackupsArn: retained }),
    },
    remove: ['scheduledOffboarding'],
  };
}

type Step = readonly [name: string, applies: (s: OffboardingState) => boolean, done: (s: OffboardingState) => boolean];

const running = (s: OffboardingState) => !isInstanceGone(s.plan);
const copies = (s: OffboardingState) => running(s) && s.plan?.copyRegion !== undefined;
const S = OFFBOARDING_STATES;
const STEPS: readonly Step[] = [
  [S.take, () => true, (s) => s.lock !== undefined],
  [S.checkQuota, () => true, (s) => s.plan !== undefined],
  [S.startInstance, (s) => needsStart(s.plan), (s) => s.start !== undefined],
  [S.waitStarted, (s) => needsStart(s.plan), (s) => s.power?.status === 'REACHED'],
  [S.disableLogin, running, (s) => s.appLogin !== undefined],
  [S.createSnapshot, running, (s) => s.snapshot !== undefined],
  [S.waitSnapshot, running, (s) => s.snapshotWait?.status === 'REACHED'],
  [S.copySnapshot, copies, (s) => s.copy !== undefined],
  [S.waitCopy, copies, (s) => s.copyWait?.status === 'REACHED'],
  [S.deleteInstance, running, (s) => s.deletion !== undefined],
  [S.waitDeleted, () => true, (s) => s.deletedWait?.status === 'REACHED'],
  [S.deleteResources, () => true, (s) => s.cleanup !== undefined],
];

/** The step that failed: the first that applies and has no result (a step's result is written only when it succeeds). */
export function offboardingFailedStep(state: OffboardingState): string {
  return STEPS.find(([, applies, done]) => applies(state) && !done(state))?.[0] ?? S.release;
}

/** What of the tenant is left after a failure, in words an operator acts on. */
function offboardingRemains(state: OffboardingState): string {
  const snapshots = finalSnapshotsOf(state);
  const kept = snapshots.length > 0 ? `final snapshots ${snapshots.map((s) => s.snapshotId).join(', ')} available` : '';
  if (state.deletion === undefined && !isInstanceGone(state.plan)) {
    return `nothing deleted: the instance, its data, secrets and alarms are intact${kept ? `; ${kept}` : ''}`;
  }
  const cleaned = state.cleanup !== undefined;
  return `${kept || 'final snapshots recorded in the registry'}; the instance is deleted or being deleted${cleaned ? '' : '; the application secret and alarms remain'}`;
}

/** Why the offboarding failed: the step, the message, and what remains. */
export function offboardingFailureReason(state: OffboardingState): string {
  const step = offboardingFailedStep(state);
  const message = state.error ? caughtErrorMessage(state.error) : 'no error details in the workflow state';
  const stated = message.startsWith(step) ? message : `${step}: ${message}`;
  return truncateReason(`${stated} (remains: ${offboardingRemains(state)})`);
}
