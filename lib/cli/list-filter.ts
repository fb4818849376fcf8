/**
 * The filters of `tenantctl list`, checked before any AWS call: `--status` (any case), `--tier`, `--since` (a date,
 * or a duration back from now such as 7d or 12h) and `--limit`.
 *
 * @module
 */
import { TENANT_STATUSES, type TenantRecord, type TenantStatus } from '../../lambdas/shared/contracts';
import { ValidationError } from '../../lambdas/shared/errors';

/** `value` as a tenant status, whatever its case, or a ValidationError on `--status` listing the valid ones. */
export function assertTenantStatus(value: unknown): TenantStatus {
  const upper = typeof value === 'string' ? value.toUpperCase().replace(/-/g, '_') : value;
  if (typeof upper === 'string' && (TENANT_STATUSES as string[]).includes(upper)) return upper as TenantStatus;
  throw new ValidationError('--status', `must be one of ${TENANT_STATUSES.join(', ')} (any case)`, value);
}

const DURATION = /^([1-9][0-9]{0,4})([mhdw])$/;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: an ISO date or date-time, or a duration back from `now` (30m, 12h, 7d, 2w). */
export function parseSince(value: string, now: Date): Date {
  const duration = DURATION.exec(value);
  if (duration) return new Date(now.getTime() - Number(duration[1]) * (UNIT_MS[duration[2] as string] ?? 0));
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError(
      '--since',
      'must be a date (2026-11-01, 2026-11-01T12:00Z) or a duration (30m, 12h, 7d, 2w)',
      value,
    );
  }
  return date;
}

/** `--limit` (or another count flag): a whole number from 1 to 10000. */
export function parseLimit(value: string, flag = '--limit'): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new ValidationError(flag, 'must be a whole number from 1 to 10000', value);
  }
  return limit;
}

export interface ListFilter {
  readonly tier?: string;
  /** Only records updated at or after this time. */
  readonly since?: Date;
  readonly limit?: number;
}

/** The records that pass `filter`, in their order, at most `limit`. */
export function applyListFilter(records: readonly TenantRecord[], filter: ListFilter): TenantRecord[] {
  const since = filter.since?.getTime();
  const kept = records.filter(
    (r) =>
      (filter.tier === undefined || r.tier === filter.tier) &&
      (since === undefined || Date.parse(r.updatedAt) >= since),
  );
  return filter.limit === undefined ? kept : kept.slice(0, filter.limit);
}
