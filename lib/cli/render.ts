/**
 * Registry records as tenantctl shows them. Output is built from an allow-list of fields, so an attribute added to
 * the table later (or written by mistake) is not printed until someone decides it may be.
 *
 * @module
 */
import type { TenantRecord } from '../../lambdas/shared/contracts';
import type { HistoryEntry } from '../../lambdas/shared/lifecycle/history';
import { describeHeld } from '../../lambdas/shared/lifecycle/operations';

const PUBLIC_RECORD_FIELDS = [
  'tenantId',
  'tier',
  'status',
  'attempt',
  'requestedBy',
  'requestId',
  'executionArn',
  'createdAt',
  'updatedAt',
  'provisionedAt',
  'failedAt',
  'failedStep',
  'failureReason',
  'instanceId',
  'endpointAddress',
  'endpointPort',
  'secretArn',
  'leftovers',
  'metadata',
  'operation',
  'lifecycleHistory',
  'scheduledOffboarding',
  // Offboarded: what is kept, and until when.
  'offboardedAt',
  'purgeAfter',
  'finalSnapshots',
  'retainedBackupsArn',
  'purgedAt',
] as const satisfies readonly (keyof TenantRecord)[];

export type PublicRecord = Partial<Pick<TenantRecord, (typeof PUBLIC_RECORD_FIELDS)[number]>>;

/** The allow-listed fields of a record that are set. */
export function publicRecord(record: TenantRecord): PublicRecord {
  const source = record as unknown as Record<string, unknown>;
  return Object.fromEntries(
    PUBLIC_RECORD_FIELDS.filter((field) => source[field] !== undefined).map((field) => [field, source[field]]),
  ) as PublicRecord;
}

const show = (value: unknown): string =>
  Array.isArray(value)
    ? value.join(', ')
    : typeof value === 'object' && value !== null
      ? JSON.stringify(value)
      : String(value);

/** One finished lifecycle operation on one line: when, what, who, how it ended. */
function historyLine(entry: HistoryEntry): string {
  const failure = entry.outcome === 'failed' ? `: ${[entry.failedStep, entry.reason].filter(Boolean).join(': ')}` : '';
  return `  ${entry.finishedAt}  ${entry.operation} by ${entry.requestedBy}, started ${entry.startedAt}: ${entry.outcome}${failure}`;
}

/** `tenantctl status`: one field per line, the operation in progress in words, then the lifecycle history. */
export function renderRecord(record: TenantRecord): string {
  const { lifecycleHistory, operation, scheduledOffboarding, finalSnapshots, ...rest } = publicRecord(record);
  const fields: [string, unknown][] = Object.entries(rest);
  if (operation) fields.push(['operation', describeHeld(record.tenantId, operation)]);
  if (scheduledOffboarding) {
    const s = scheduledOffboarding;
    fields.push([
      'offboarding',
      `scheduled for ${s.at} by ${s.requestedBy} on ${s.scheduledAt} (cancel: tenantctl offboard ${record.tenantId} --cancel)`,
    ]);
  }
  const width = Math.max(...fields.map(([key]) => key.length));
  const lines = fields.map(([key, value]) => `${key.padEnd(width)}  ${show(value)}`);
  if (finalSnapshots?.length) {
    lines.push(
      'final snapshots',
      ...finalSnapshots.map((s) => `  ${s.region}  ${s.snapshotId}  available since ${s.takenAt}  ${s.arn}`),
    );
  }
  if (lifecycleHistory?.length) lines.push('history', ...lifecycleHistory.map(historyLine));
  return `${lines.join('\n')}\n`;
}

/**
 * Why a tenant failed, in one cell: `step: reason`. The workflow's reasons often start with the step already
 * (`RunMigrations: could not authenticate ...`); the step is then not repeated.
 */
export function failureOf(record: Pick<TenantRecord, 'failedStep' | 'failureReason'>): string {
  const { failedStep, failureReason } = record;
  if (failedStep && failureReason?.startsWith(`${failedStep}:`)) return failureReason;
  return [failedStep, failureReason].filter(Boolean).join(': ');
}

/** What matters most about a tenant in one cell: where it lives, or why it failed. */
function detailOf(record: TenantRecord): string {
  if (record.status === 'ACTIVE' && record.endpointAddress)
    return `${record.endpointAddress}:${record.endpointPort ?? ''}`;
  if (record.status === 'FAILED' || record.status === 'ROLLBACK_FAILED') return failureOf(record);
  return record.executionArn?.split(':').pop() ?? '';
}

/** `tenantctl list`: a table, one tenant per row. */
export function renderTable(records: readonly TenantRecord[]): string {
  if (records.length === 0) return 'No tenants.\n';
  const header = ['TENANT', 'TIER', 'STATUS', 'ATTEMPT', 'UPDATED', 'DETAIL'];
  const rows = records.map((r) => [
    r.tenantId,
    r.tier ?? '',
    r.status,
    String(r.attempt ?? ''),
    r.updatedAt ?? '',
    detailOf(r),
  ]);
  return renderColumns(header, rows);
}

/** Rows under a header, each column as wide as its widest cell (the last one left ragged). */
export function renderColumns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const format = (row: readonly string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(format).join('\n')}\n`;
}
