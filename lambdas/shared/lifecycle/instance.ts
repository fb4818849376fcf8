/**
 * The tenant instance a lifecycle step acts on, as TakeTenant read it from the registry, and what RDS says its
 * status allows: stop, start, or wait. Pure, so every status is table-tested.
 *
 * @module
 */
import { ConfigurationError, InstanceFailedError, RetryableError } from '../errors';
import type { LockResult } from './suspension';

/** The instance id and Region of the taken tenant, or a ConfigurationError naming what the registry lacks. */
export function instanceOf(lock: LockResult | undefined): { instanceId: string; region?: string } {
  if (!lock?.instanceId) {
    throw new ConfigurationError(
      `the registry record of tenant ${lock?.tenantId ?? '(unknown)'} names no instance; nothing to ${lock?.operation ?? 'act on'}`,
    );
  }
  return { instanceId: lock.instanceId, ...(lock.region === undefined ? {} : { region: lock.region }) };
}

/** Statuses only an operator can leave (RDS User Guide, "Viewing Amazon RDS DB instance status"). */
const BROKEN = /^(failed|storage-full|incompatible-.+|inaccessible-encryption-credentials.*|deleting|restore-error)$/;

/** What a stop or start request should do for an instance in `status`. */
export type PowerDecision = 'request' | 'already' | 'wait';

/** StopDBInstance is accepted only while available; a stopping or stopped instance needs nothing. */
export function decideStop(status: string): PowerDecision {
  if (status === 'available') return 'request';
  if (status === 'stopping' || status === 'stopped') return 'already';
  return 'wait';
}

/** StartDBInstance is accepted only while stopped; a running or starting instance needs nothing. */
export function decideStart(status: string): PowerDecision {
  if (status === 'stopped') return 'request';
  if (status === 'stopping') return 'wait';
  return 'already';
}

/**
 * Throws what the workflow should see for an instance in `status` that cannot be stopped or started now: an
 * InstanceFailedError for a status only an operator can leave, else a RetryableError (backing-up, modifying...
 * end by themselves).
 */
export function assertPowerable(instanceId: string, status: string, action: 'stop' | 'start'): void {
  if (BROKEN.test(status)) {
    throw new InstanceFailedError(
      `instance ${instanceId} is ${status}; it cannot ${action} until an operator repairs it`,
    );
  }
  throw new RetryableError(`instance ${instanceId} is ${status}; waiting before it can ${action}`);
}

/** True for a status the instance will not leave by itself (waiting for `target` is pointless). */
export function isBrokenStatus(status: string): boolean {
  return BROKEN.test(status);
}
