/**
 * Day-2 operations on a tenant as data: for each kind, the statuses it may start from, the status that holds the
 * tenant while it runs (the per-tenant lock: no operation starts from a busy status), and the statuses it releases
 * the tenant to. A new operation (a tier change: ACTIVE → MODIFYING → ACTIVE, a fleet rollout) is one more row, not
 * more code: taking and releasing the tenant, refusing a busy one and the history are the same for every kind.
 *
 * @module
 */
import type { TenantStatus } from '../contracts';

/** What one kind of operation does to the tenant's status. */
export interface OperationKind {
  /** Statuses the operation may start from. */
  readonly from: readonly TenantStatus[];
  /** The status that holds the tenant while the operation runs. */
  readonly busy: TenantStatus;
  /** Where a completed operation leaves the tenant. */
  readonly done: TenantStatus;
  /**
   * Where a failed operation leaves the tenant: a named `*_FAILED` status. Day-2 operations go forward: a failure
   * stops where it is, says so, and running the operation again (or its reverse) continues from there.
   */
  readonly failed: TenantStatus;
  /**
   * Where an operation AWS refused before it changed anything leaves the tenant: back where it was, with the reason
   * in its history. @default the `failed` status
   */
  readonly refused?: TenantStatus;
}

/** Every lifecycle operation, keyed by the name the registry, the history and tenantctl use. */
export const OPERATION_KINDS = {
  suspend: {
    from: ['ACTIVE', 'SUSPEND_FAILED', 'RESUME_FAILED'],
    busy: 'SUSPENDING',
    done: 'SUSPENDED',
    failed: 'SUSPEND_FAILED',
  },
  resume: {
    from: ['SUSPENDED', 'SUSPEND_FAILED', 'RESUME_FAILED'],
    busy: 'RESUMING',
    done: 'ACTIVE',
    failed: 'RESUME_FAILED',
  },
  offboard: {
    from: ['ACTIVE', 'SUSPENDED', 'SUSPEND_FAILED', 'RESUME_FAILED', 'OFFBOARD_FAILED'],
    busy: 'OFFBOARDING',
    done: 'OFFBOARDED',
    failed: 'OFFBOARD_FAILED',
  },
  'change-tier': {
    from: ['ACTIVE', 'MODIFY_FAILED'],
    busy: 'MODIFYING',
    done: 'ACTIVE',
    failed: 'MODIFY_FAILED',
    refused: 'ACTIVE',
  },
} as const satisfies Record<string, OperationKind>;

/** The name of a lifecycle operation (`suspend`, `resume`, `offboard`, `change-tier`). */
export type OperationName = keyof typeof OPERATION_KINDS;

/** Names of every lifecycle operation. */
export const OPERATION_NAMES = Object.keys(OPERATION_KINDS) as OperationName[];

/** The operation holding a tenant, as the registry records it while the tenant is busy. */
export interface HeldOperation {
  readonly name: OperationName;
  /** The execution that holds the tenant; only it may release it. */
  readonly executionArn: string;
  /** Who asked: an e-mail, a user name or `billing`. */
  readonly requestedBy: string;
  /** When the tenant was taken (ISO). */
  readonly startedAt: string;
  /** The caller's idempotency key (billing's event id): the same key for the same operation is the same request. */
  readonly requestId?: string;
}

/** The part of a registry record the lock decisions read. */
export interface LockView {
  readonly tenantId: string;
  readonly status: TenantStatus;
  readonly operation?: HeldOperation;
  readonly lifecycleHistory?: readonly { operation: string; requestId?: string; executionArn: string }[];
}

/** What taking a tenant for an operation should do. */
export type TakeDecision =
  | { readonly action: 'take'; readonly from: TenantStatus; readonly to: TenantStatus }
  /** This very execution already holds the tenant (a retried step): go on without writing. */
  | { readonly action: 'held' }
  /** The same request (its idempotency key) already ran or runs in another execution: do nothing twice. */
  | { readonly action: 'duplicate'; readonly reason: string }
  | { readonly action: 'refuse'; readonly reason: string };

/** True when `status` is one some operation holds a tenant in. */
export function isBusyStatus(status: TenantStatus): boolean {
  return Object.values(OPERATION_KINDS).some((kind) => kind.busy === status);
}

/** A sentence naming the operation in progress, for refusals and tenantctl. */
export function describeHeld(tenantId: string, held: HeldOperation): string {
  return `tenant ${tenantId} is busy: ${held.name} by ${held.requestedBy} since ${held.startedAt} (execution ${held.executionArn})`;
}

/**
 * Whether `operation` of `executionArn` may take the tenant `record` is. Pure, so every status of every kind is
 * table-tested. A tenant held by another operation is refused with that operation named.
 */
export function decideTake(
  record: LockView | undefined,
  operation: OperationName,
  executionArn: string,
  requestId?: string,
): TakeDecision {
  const kind: OperationKind = OPERATION_KINDS[operation];
  if (!record) return { action: 'refuse', reason: `${operation}: no tenant with this id is registered` };
  const held = record.operation;
  if (held && held.executionArn === executionArn && held.name === operation) return { action: 'held' };
  if (requestId !== undefined) {
    const same = (e: { operation: string; requestId?: string }) =>
      e.operation === operation && e.requestId === requestId;
    const earlier =
      held && same({ operation: held.name, requestId: held.requestId }) ? held : record.lifecycleHistory?.find(same);
    if (earlier) {
      return {
        action: 'duplicate',
        reason: `request ${requestId} to ${operation} tenant ${record.tenantId} is already handled by execution ${earlier.executionArn}`,
      };
    }
  }
  if (held) return { action: 'refuse', reason: describeHeld(record.tenantId, held) };
  if (!kind.from.includes(record.status)) {
    return {
      action: 'refuse',
      reason: `tenant ${record.tenantId} is ${record.status}; ${operation} needs ${kind.from.join(' or ')}`,
    };
  }
  return { action: 'take', from: record.status, to: kind.busy };
}

/** How an operation ended; `refused`: AWS (or a rule checked before any AWS call) refused it, nothing changed. */
export type OperationOutcome = 'succeeded' | 'failed' | 'refused';

/** The status an operation releases the tenant to. */
export function releaseStatus(operation: OperationName, outcome: OperationOutcome): TenantStatus {
  const kind: OperationKind = OPERATION_KINDS[operation];
  if (outcome === 'refused') return kind.refused ?? kind.failed;
  return outcome === 'succeeded' ? kind.done : kind.failed;
}
