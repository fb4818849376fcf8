import type { InstanceResult, ValidatedRequest } from './contracts';

/**
 * RDS is eventually consistent: DescribeDBInstances may answer DBInstanceNotFound for a short while after
 * CreateDBInstance accepted the instance. "Not found" proves an instance absent only once that delay has passed
 * since it could last have been created. Shared by the wait (a vanished instance is a failure) and the rollback (an
 * unseen instance is not yet gone).
 */

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
  /** When the instance was created, if this execution's CreateInstance reported it. */
  createdAtMs?: number;
  /** When a pass first failed to see it (the instance was created no later than that). */
  unseenSinceMs: number;
  /** RDS accepted its deletion, or showed it `deleting`: its disappearance is the deletion finishing. */
  deletionAccepted: boolean;
  nowMs: number;
}

/**
 * Whether an instance this execution may have created, and that DescribeDBInstances does not list, is confirmed
 * gone: RDS accepted its deletion, or it has stayed unseen past {@link INSTANCE_VISIBILITY_DELAY_MS} counted from the
 * earliest moment known to follow its creation. Pure.
 *
 * @example
 * ```ts
 * isInstanceAbsenceConfirmed({ unseenSinceMs: t, deletionAccepted: false, nowMs: t + 30_000 });  // false
 * isInstanceAbsenceConfirmed({ unseenSinceMs: t, deletionAccepted: false, nowMs: t + 150_000 }); // true
 * ```
 */
export function isInstanceAbsenceConfirmed(unseen: UnseenInstance): boolean {
  if (unseen.deletionAccepted) return true;
  const reference = Math.min(unseen.createdAtMs ?? Number.POSITIVE_INFINITY, unseen.unseenSinceMs);
  return unseen.nowMs - reference >= INSTANCE_VISIBILITY_DELAY_MS;
}
