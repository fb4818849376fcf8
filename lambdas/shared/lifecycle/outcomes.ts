/**
 * The outcome events of lifecycle operations, as the transactional outbox needs them: which event each operation's
 * end owes, and the event rebuilt from the registry record alone (its newest history entry), so the step that
 * released the tenant and the sweeper publish the same event with the same `outcomeId`.
 *
 * @module
 */
import type { LifecycleEventDetail, LifecycleOutcomeKind, OutcomeKind, TenantRecord, TenantStatus } from '../contracts';
import { outcomeIdOf } from '../events';
import { OPERATION_KINDS, type OperationKind, type OperationName, type OperationOutcome } from './operations';

/** The event each operation's end publishes. Operations without a row publish none yet. */
const OPERATION_OUTCOMES: Partial<Record<OperationName, Partial<Record<OperationOutcome, LifecycleOutcomeKind>>>> = {
  suspend: { succeeded: 'suspended', failed: 'suspendFailed' },
  resume: { succeeded: 'resumed', failed: 'resumeFailed' },
  'change-tier': { succeeded: 'tierChanged', failed: 'tierChangeFailed', refused: 'tierChangeFailed' },
  offboard: { succeeded: 'offboarded', failed: 'offboardFailed' },
};

/** The outcome event `operation` owes when it ends with `outcome`, if it publishes one. */
export function lifecycleOutcomeKind(
  operation: OperationName,
  outcome: OperationOutcome,
): LifecycleOutcomeKind | undefined {
  return OPERATION_OUTCOMES[operation]?.[outcome];
}

/** Statuses a record may be in while it owes a lifecycle outcome event (the sweeper reads these). */
export const LIFECYCLE_OUTCOME_STATUSES: readonly TenantStatus[] = [
  ...new Set(
    (Object.keys(OPERATION_OUTCOMES) as OperationName[])
      .map((name): OperationKind => OPERATION_KINDS[name])
      .flatMap((kind) => [kind.done, kind.failed, ...(kind.refused ? [kind.refused] : [])]),
  ),
];

const LIFECYCLE_KINDS = new Set<OutcomeKind>(
  Object.values(OPERATION_OUTCOMES).flatMap((outcomes) => Object.values(outcomes ?? {})),
);

/**
 * The lifecycle event `record` owes (its `outcomePending`), built from its newest history entry; undefined when it
 * owes none, or when that entry is not the operation the pending kind belongs to.
 */
export function lifecycleOutcomeOf(
  record: TenantRecord,
): { kind: LifecycleOutcomeKind; value: LifecycleEventDetail } | undefined {
  const kind = record.outcomePending;
  if (kind === undefined || !LIFECYCLE_KINDS.has(kind)) return undefined;
  const entry = record.lifecycleHistory?.at(-1);
  if (!entry || lifecycleOutcomeKind(entry.operation, entry.outcome) !== kind) return undefined;
  return {
    kind: kind as LifecycleOutcomeKind,
    value: {
      outcomeId: outcomeIdOf(kind, entry.executionArn),
      tenantId: record.tenantId,
      tier: record.tier,
      operation: entry.operation,
      executionArn: entry.executionArn,
      requestedBy: entry.requestedBy,
      ...(entry.requestId === undefined ? {} : { requestId: entry.requestId }),
      status: record.status as LifecycleEventDetail['status'],
      outcome: entry.outcome,
      startedAt: entry.startedAt,
      finishedAt: entry.finishedAt,
      ...(entry.failedStep === undefined ? {} : { failedStep: entry.failedStep }),
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
      ...(entry.tierChange === undefined ? {} : { tierChange: entry.tierChange }),
      // What consumers (billing, the customer's export) need of an offboarding: what is kept, and until when.
      ...(kind === 'offboarded' && record.finalSnapshots
        ? { finalSnapshotArns: record.finalSnapshots.map((s) => s.arn) }
        : {}),
      ...(kind === 'offboarded' && record.purgeAfter !== undefined ? { purgeAfter: record.purgeAfter } : {}),
    },
  };
}
