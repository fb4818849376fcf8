/**
 * The lifecycle history kept on a tenant's registry record: one entry per finished operation (what, when, by whom,
 * how it ended), newest last, bounded so the item stays far below DynamoDB's 400 KB limit however long the tenant
 * lives (the outcome events on EventBridge are the complete record).
 *
 * @module
 */
import type { OperationName, OperationOutcome } from './operations';

/** What a tier change did, kept on its history entry (the outcome event repeats it). */
export interface TierChangeSummary {
  /** The tier the tenant was on. */
  readonly from: string;
  /** The tier it was asked to move to. */
  readonly to: string;
  readonly when: 'now' | 'maintenance-window';
  /** The ModifyDBInstance parameters sent, and the follow-ups done (`alarms`, `tags`, `backupReplication`...). */
  readonly applied: readonly string[];
}

/** One finished operation. */
export interface HistoryEntry {
  readonly operation: OperationName;
  readonly executionArn: string;
  readonly requestedBy: string;
  /** The caller's idempotency key, when it gave one. */
  readonly requestId?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly outcome: OperationOutcome;
  /** Why it failed (set when `outcome` is `failed`). */
  readonly reason?: string;
  /** The step that failed (set when `outcome` is `failed`). */
  readonly failedStep?: string;
  /** Set by a tier change. */
  readonly tierChange?: TierChangeSummary;
}

/** Entries kept on the record: a tenant suspended and resumed monthly keeps well over a year of history. */
export const HISTORY_LIMIT = 30;

/** Longest failure reason kept in an entry; longer ones are cut (the outcome event carries the full reason). */
const REASON_LIMIT = 500;

/**
 * `history` with `entry` appended, the oldest entries dropped beyond `limit`. An entry of an execution already in
 * the history replaces nothing and is not added twice (a retried release).
 */
export function appendHistory(
  history: readonly HistoryEntry[] | undefined,
  entry: HistoryEntry,
  limit: number = HISTORY_LIMIT,
): HistoryEntry[] {
  const past = history ?? [];
  if (past.some((e) => e.executionArn === entry.executionArn && e.operation === entry.operation)) return [...past];
  const kept: HistoryEntry =
    entry.reason !== undefined && entry.reason.length > REASON_LIMIT
      ? { ...entry, reason: `${entry.reason.slice(0, REASON_LIMIT - 1)}…` }
      : entry;
  return [...past, kept].slice(-limit);
}
