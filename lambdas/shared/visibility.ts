/**
 * RDS is eventually consistent: DescribeDBInstances may answer DBInstanceNotFound for a short while after
 * CreateDBInstance accepted the instance. "Not found" proves an instance absent only once that delay has passed
 * since it could last have been created. Shared by the wait (a vanished instance is a failure) and the rollback (an
 * unseen instance is not yet gone).
 *
 * @module
 */
import type { InstanceResult, ValidatedRequest } from './contracts';

/** How long after CreateDBInstance a DBInstanceNotFound still means "not visible yet" rather than "gone". */
export const INSTANCE_VISIBILITY_DELAY_MS = 120_000;

/**
 * When CreateInstance created (or adopted) the instance, epoch ms: its deadline minus the tier's budget, as
 * CreateInstance set it. Both ends agree without another state field.
 */
export function instanceCreatedAtMs(instance: InstanceResult, request: Pick<ValidatedRequest, 'tierDefinition'>) {
  return Date.parse(instance.deadline) - request.tierDefinition.provisioningBudgetMinutes * 60_000;
}

/** What a rollback pass knows about an instance it does not see. */
export interface UnseenInstance {
  /** When a pass first failed to see it, in the current run of passes that did not. */
  unseenSinceMs: number;
  /** RDS accepted its deletion, or showed it `deleting`: its disappearance is the deletion finishing. */
  deletionAccepted: boolean;
  nowMs: number;
}

/**
 * Whether an instance this execution may have created, and that DescribeDBInstances does not list, is confirmed
 * gone: RDS accepted its deletion, or it has stayed unseen across passes for longer than
 * {@link INSTANCE_VISIBILITY_DELAY_MS}. Its creation time does not shorten the wait: one "not found" is never proof,
 * however old the instance. Pure.
 *
 * @example
 * ```ts
 * isInstanceAbsenceConfirmed({ unseenSinceMs: t, deletionAccepted: false, nowMs: t + 30_000 });  // false
 * isInstanceAbsenceConfirmed({ unseenSinceMs: t, deletionAccepted: false, nowMs: t + 150_000 }); // true
 * ```
 */
export function isInstanceAbsenceConfirmed(unseen: UnseenInstance): boolean {
  if (unseen.deletionAccepted) return true;
  return unseen.nowMs - unseen.unseenSinceMs >= INSTANCE_VISIBILITY_DELAY_MS;
}
