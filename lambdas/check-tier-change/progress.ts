/**
 * CheckTierChange: one describe of the instance, and the decision whether the tier change is applied or how long the
 * workflow's Wait state should wait before looking again. The wait is a Wait state, not a polling Lambda, because a
 * change deferred to the maintenance window may wait days and storage optimization hours: each check costs three
 * state transitions (Task, Choice, Wait) however long it waits.
 *
 * @module
 */
import type { DBInstance } from '@aws-sdk/client-rds';
import { InstanceFailedError } from '../shared/errors';
import { isBrokenStatus } from '../shared/lifecycle/instance';
import type { ProgressResult } from '../shared/lifecycle/tier-change';
import type { ChangeTiming } from '../shared/tier-change';
import { windowPosition } from '../shared/tier-change/window';

/** Seconds between checks while RDS applies the change (class and Multi-AZ changes take minutes). */
export const MODIFYING_CHECK_SECONDS = 120;
/** Seconds between checks during storage optimization (hours; the instance is usable meanwhile). */
export const OPTIMIZATION_CHECK_SECONDS = 1800;
/** Seconds after the window opens before the first check: RDS starts pending changes once the window opens. */
export const AFTER_WINDOW_OPENS_SECONDS = 900;
/** Seconds between checks inside the window, or when RDS applies an immediate change shortly. */
export const INSIDE_WINDOW_CHECK_SECONDS = 300;
/** Checks across the whole change: with the waits above, far beyond a week to the window plus a day of optimization. */
export const MAX_CHECKS = 400;

/** The parameters RDS still reports as pending. */
function pendingParameters(instance: DBInstance): string[] {
  return Object.entries(instance.PendingModifiedValues ?? {})
    .filter(([, value]) => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0))
    .map(([key]) => key)
    .sort();
}

/** What one check of `instance` concludes, `checksSoFar` checks in, at `now`. Pure. */
export function decideProgress(
  instance: DBInstance,
  when: ChangeTiming,
  checksSoFar: number,
  now: number,
): ProgressResult {
  const instanceId = instance.DBInstanceIdentifier ?? '(unknown)';
  const status = instance.DBInstanceStatus ?? 'unknown';
  const checks = checksSoFar + 1;
  if (isBrokenStatus(status)) {
    throw new InstanceFailedError(`instance ${instanceId} is ${status} while its tier change is applied`);
  }
  const pending = pendingParameters(instance);
  if (status === 'available' && pending.length === 0) {
    return { status: 'APPLIED', instanceStatus: status, pending, waitSeconds: 0, checks };
  }
  if (checks >= MAX_CHECKS) {
    throw new InstanceFailedError(
      `instance ${instanceId} is still ${status}${pending.length > 0 ? ` with ${pending.join(', ')} pending` : ''} after ${checks} checks`,
    );
  }
  const waiting = (waitSeconds: number): ProgressResult => ({
    status: 'WAITING',
    instanceStatus: status,
    pending,
    waitSeconds,
    checks,
  });
  if (status === 'storage-optimization' && pending.length === 0) return waiting(OPTIMIZATION_CHECK_SECONDS);
  if (pending.length > 0 && when === 'maintenance-window' && status !== 'modifying') {
    const position = instance.PreferredMaintenanceWindow
      ? windowPosition(instance.PreferredMaintenanceWindow, now)
      : undefined;
    if (position && !position.inside) {
      return waiting(Math.ceil(position.untilNextMs / 1000) + AFTER_WINDOW_OPENS_SECONDS);
    }
    return waiting(INSIDE_WINDOW_CHECK_SECONDS);
  }
  if (status === 'modifying') return waiting(MODIFYING_CHECK_SECONDS);
  return waiting(pending.length > 0 ? INSIDE_WINDOW_CHECK_SECONDS : MODIFYING_CHECK_SECONDS);
}
