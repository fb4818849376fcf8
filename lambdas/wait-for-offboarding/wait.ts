/**
 * WaitForFinalSnapshot, WaitForSnapshotCopy and WaitForInstanceDeleted: long polls (a snapshot of hundreds of GiB
 * takes an hour; one invocation waits up to 13 minutes, so the whole wait costs a few transitions), bounded in total
 * by {@link MAX_POLLS} describes across invocations.
 *
 * @module
 */
import {
  type DBSnapshot,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { clock } from '../shared/clock';
import type { FinalSnapshot } from '../shared/contracts';
import { awsErrorName, ConfigurationError, InstanceFailedError } from '../shared/errors';
import { instanceOf } from '../shared/lifecycle/instance';
import type {
  DeletedWaitResult,
  OffboardingState,
  SnapshotRequestResult,
  SnapshotWaitResult,
} from '../shared/lifecycle/offboarding';

/** Seconds between two describes: snapshots and deletes take minutes, and the RDS API budget is shared. */
const POLL_INTERVAL_SECONDS = 30;

/** Describes across all invocations of one wait: 720 × 30 s is six hours, beyond a snapshot of the largest tier. */
const MAX_POLLS = 720;

/** Snapshot statuses that never become `available` (RDS API reference, DBSnapshot `Status`). */
const SNAPSHOT_BROKEN = /^(failed|incompatible-.+|deleting|deleted)$/;

/** What one invocation needs. */
export interface PollOptions {
  pollsSoFar: number;
  budgetMs: number;
}

interface Observation<T> {
  /** Where the resource is now, in RDS's words. */
  status: string;
  /** Set once the target is reached. */
  reached?: T;
}

/** Polls `observe` until it reports the target, the invocation's budget is spent, or MAX_POLLS is reached. */
async function pollUntil<T>(
  what: string,
  options: PollOptions,
  observe: () => Promise<Observation<T>>,
): Promise<{ status: 'REACHED' | 'PENDING'; observed: string; polls: number; reached?: T }> {
  const startedAt = clock.now();
  let polls = options.pollsSoFar;
  for (;;) {
    const seen = await observe();
    polls += 1;
    if (seen.reached !== undefined) return { status: 'REACHED', observed: seen.status, polls, reached: seen.reached };
    if (polls >= MAX_POLLS) {
      throw new InstanceFailedError(
        `${what} is still ${seen.status} after ${polls} describes ${POLL_INTERVAL_SECONDS} s apart`,
      );
    }
    if (clock.now() - startedAt + POLL_INTERVAL_SECONDS * 1000 > options.budgetMs) {
      return { status: 'PENDING', observed: seen.status, polls };
    }
    await clock.sleep(POLL_INTERVAL_SECONDS * 1000);
  }
}

/** Waits until RDS reports `requested` `available`; the result carries the snapshot as the registry keeps it. */
export async function waitForSnapshot(
  rds: RDSClient,
  requested: SnapshotRequestResult,
  options: PollOptions,
): Promise<SnapshotWaitResult> {
  const what = `snapshot ${requested.snapshotId} in ${requested.region}`;
  const result = await pollUntil<FinalSnapshot>(what, options, async () => {
    let DBSnapshots: DBSnapshot[] | undefined;
    try {
      ({ DBSnapshots } = await rds.send(
        new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: requested.snapshotId }),
      ));
    } catch (error) {
      // RDS lists a snapshot it accepted only after a moment: not found yet is not gone, within MAX_POLLS.
      if (awsErrorName(error) === 'DBSnapshotNotFoundFault' || awsErrorName(error) === 'DBSnapshotNotFound') {
        return { status: 'not visible yet' };
      }
      throw error;
    }
    const status = DBSnapshots?.[0]?.Status ?? 'unknown';
    if (SNAPSHOT_BROKEN.test(status)) throw new InstanceFailedError(`${what} is ${status}; it will never be available`);
    if (status !== 'available') return { status };
    return {
      status,
      reached: {
        arn: DBSnapshots?.[0]?.DBSnapshotArn ?? requested.arn,
        snapshotId: requested.snapshotId,
        region: requested.region,
        takenAt: new Date(clock.now()).toISOString(),
      },
    };
  });
  return {
    status: result.status,
    snapshotStatus: result.observed,
    polls: result.polls,
    ...(result.reached ? { snapshot: result.reached } : {}),
  };
}

/**
 * Waits until RDS no longer knows the instance; then, for tiers that keep automated backups, finds the retained
 * backups by the instance's resource id (the only name they keep).
 */
export async function waitForDeleted(
  rds: RDSClient,
  state: OffboardingState,
  options: PollOptions,
): Promise<DeletedWaitResult> {
  const { instanceId } = instanceOf(state.lock);
  const result = await pollUntil<true>(`instance ${instanceId}`, options, async () => {
    try {
      const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
      const status = DBInstances?.[0]?.DBInstanceStatus ?? 'deleted';
      return status === 'deleted' ? { status, reached: true } : { status };
    } catch (error) {
      if (awsErrorName(error) === 'DBInstanceNotFoundFault' || awsErrorName(error) === 'DBInstanceNotFound') {
        return { status: 'deleted', reached: true };
      }
      throw error;
    }
  });
  const waited = { status: result.status, instanceStatus: result.observed, polls: result.polls };
  const resourceId = state.deletion?.resourceId;
  if (result.status === 'PENDING' || !state.plan?.keepAutomatedBackups || !resourceId) return waited;
  const { DBInstanceAutomatedBackups } = await rds.send(
    new DescribeDBInstanceAutomatedBackupsCommand({ DbiResourceId: resourceId }),
  );
  const retained = DBInstanceAutomatedBackups?.find((b) => b.Status === 'retained')?.DBInstanceAutomatedBackupsArn;
  return { ...waited, ...(retained ? { retainedBackupsArn: retained } : {}) };
}

/** The snapshot request a wait target names in the state. */
export function requestOf(state: OffboardingState, target: 'snapshot' | 'copy'): SnapshotRequestResult {
  const requested = target === 'snapshot' ? state.snapshot : state.copy;
  if (!requested) throw new ConfigurationError(`WaitForOffboarding: no ${target} was requested before the wait`);
  return requested;
}
