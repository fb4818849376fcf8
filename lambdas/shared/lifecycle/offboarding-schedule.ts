/**
 * Scheduled offboarding as data and pure decisions: the schedule's name and expression, the rules a requested time
 * must follow, and what a schedule or cancel request does to a tenant given its registry record. The scheduling
 * function (lambdas/schedule-offboarding) and tenantctl both go through these, so both refuse the same requests
 * with the same words.
 *
 * EventBridge Scheduler rules encoded here (Scheduler API reference, CreateSchedule): a schedule name is 1-64
 * characters of `[0-9a-zA-Z-_.]`; a one-time schedule's expression is `at(yyyy-mm-ddThh:mm:ss)`, read in the
 * schedule's time zone (UTC here).
 *
 * @module
 */
import type { ScheduledOffboarding, TenantRecord } from '../contracts';
import { ValidationError } from '../errors';
import { describeHeld, OPERATION_KINDS } from './operations';

/** Scheduler's schedule name rule. */
const SCHEDULE_NAME_PATTERN = /^[0-9a-zA-Z_.-]{1,64}$/;

/** Prefix of every offboarding schedule's name (the tenant id follows: at most 32 characters of `[a-z0-9-]`). */
const SCHEDULE_NAME_PREFIX = 'offboard-';

/**
 * The furthest ahead an offboarding can be scheduled: a year and a day, long enough for an annual contract's end
 * with its notice period, short enough that a typo in the year is refused instead of parked for a decade.
 */
export const MAX_SCHEDULE_HORIZON_DAYS = 366;

/**
 * The nearest a scheduled time may be: one minute. A time closer than that (or past) means "as soon as possible",
 * which billing asks for by omitting `effectiveAt`; tenantctl asks with `--now` instead.
 */
export const MIN_SCHEDULE_LEAD_SECONDS = 60;

const DAY_MS = 86_400_000;

/** The one-time schedule of `tenantId`'s offboarding: one per tenant, so re-scheduling replaces its time. */
export function offboardingScheduleName(tenantId: string): string {
  const name = `${SCHEDULE_NAME_PREFIX}${tenantId}`;
  if (!SCHEDULE_NAME_PATTERN.test(name)) {
    throw new ValidationError('tenantId', 'must make a schedule name of 1-64 characters of [0-9a-zA-Z-_.]', tenantId);
  }
  return name;
}

/** Scheduler's one-time expression for `at` (UTC, to the second). */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

// An ISO 8601 date-time with an explicit offset: a time without one would mean different instants to the operator
// and to the function.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The instant `value` names, checked against the scheduling window: at least {@link MIN_SCHEDULE_LEAD_SECONDS}
 * from `now` and at most {@link MAX_SCHEDULE_HORIZON_DAYS} days ahead. Whole seconds (Scheduler's resolution).
 *
 * @throws ValidationError naming `field` and the broken rule.
 */
export function scheduledTimeOf(value: unknown, now: Date, field: string): Date {
  if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value) || Number.isNaN(Date.parse(value))) {
    throw new ValidationError(
      field,
      'must be an ISO 8601 date and time with a time zone, e.g. 2027-01-31T18:00:00Z',
      value,
    );
  }
  const at = new Date(Math.ceil(Date.parse(value) / 1000) * 1000);
  checkWindow(at, now, field, value);
  return at;
}

function checkWindow(at: Date, now: Date, field: string, received: unknown): void {
  if (at.getTime() < now.getTime() + MIN_SCHEDULE_LEAD_SECONDS * 1000) {
    throw new ValidationError(
      field,
      `must be at least ${MIN_SCHEDULE_LEAD_SECONDS} seconds in the future (now is ${now.toISOString()})`,
      received,
    );
  }
  if (at.getTime() > now.getTime() + MAX_SCHEDULE_HORIZON_DAYS * DAY_MS) {
    throw new ValidationError(field, `must be at most ${MAX_SCHEDULE_HORIZON_DAYS} days ahead`, received);
  }
}

const DURATION = /^([1-9]\d{0,5})(m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: DAY_MS };

/**
 * `now` plus a duration such as `30d`, `12h` or `90m`, checked against the scheduling window like an explicit time.
 *
 * @throws ValidationError naming `field` and the rule.
 */
export function timeAfter(duration: unknown, now: Date, field: string): Date {
  const match = typeof duration === 'string' ? DURATION.exec(duration) : null;
  if (!match) {
    throw new ValidationError(field, 'must be a whole number of minutes, hours or days: 90m, 12h, 30d', duration);
  }
  const at = new Date(Math.ceil((now.getTime() + Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0)) / 1000) * 1000);
  checkWindow(at, now, field, duration);
  return at;
}

/** The earliest time a schedule may fire: "as soon as possible", the start of the next whole second after the lead. */
export function earliestScheduledTime(now: Date): Date {
  return new Date(Math.ceil((now.getTime() + MIN_SCHEDULE_LEAD_SECONDS * 1000) / 1000) * 1000);
}

/** A request to schedule a tenant's offboarding. */
export interface ScheduleRequest {
  readonly tenantId: string;
  readonly at: Date;
  readonly requestedBy: string;
  /** Idempotency key: billing's event id, or one tenantctl generates. */
  readonly requestId: string;
}

/** The part of a record the scheduling decisions read. */
export type ScheduleView = Pick<
  TenantRecord,
  'tenantId' | 'status' | 'operation' | 'scheduledOffboarding' | 'lifecycleHistory'
>;

/** What a schedule request does. */
export type ScheduleDecision =
  /** Record the schedule (`previous`: the pending one it replaces, which the conditional write expects). */
  | { readonly action: 'schedule'; readonly previous?: ScheduledOffboarding }
  /** The same request is already recorded: make sure its schedule exists, change nothing. */
  | { readonly action: 'duplicate'; readonly pending: ScheduledOffboarding }
  /** The same request already started (or ran) the offboarding: nothing to schedule. */
  | { readonly action: 'handled'; readonly reason: string }
  | { readonly action: 'refuse'; readonly reason: string };

const OFFBOARD_FROM: readonly string[] = OPERATION_KINDS.offboard.from;

/** Whether `request` may schedule the offboarding of the tenant `record` is. Pure: table-tested on every status. */
export function decideSchedule(record: ScheduleView | undefined, request: ScheduleRequest): ScheduleDecision {
  if (!record) return { action: 'refuse', reason: `tenant ${request.tenantId} is not registered` };
  const pending = record.scheduledOffboarding;
  // Checked first: once its schedule fired, a request's entry stays until the offboarding ends, and a redelivery
  // then must not create the schedule again.
  const started = [
    ...(record.operation ? [record.operation] : []),
    ...(record.lifecycleHistory ?? []).map((e) => ({ ...e, name: e.operation })),
  ].find((e) => e.name === 'offboard' && e.requestId === request.requestId);
  if (started) {
    return {
      action: 'handled',
      reason: `request ${request.requestId} already started the offboarding of tenant ${record.tenantId} (execution ${started.executionArn})`,
    };
  }
  // One request id is one request: a redelivered billing event (whose "as soon as possible" is a new time on each
  // delivery) or a retried invocation changes nothing.
  if (pending && pending.requestId === request.requestId) return { action: 'duplicate', pending };
  if (record.operation) return { action: 'refuse', reason: describeHeld(record.tenantId, record.operation) };
  if (!OFFBOARD_FROM.includes(record.status)) {
    return {
      action: 'refuse',
      reason: `tenant ${record.tenantId} is ${record.status}; scheduling an offboarding needs ${OFFBOARD_FROM.join(' or ')}`,
    };
  }
  return pending ? { action: 'schedule', previous: pending } : { action: 'schedule' };
}

/** What a cancel request does. */
export type CancelDecision =
  /** Delete the schedule and remove the pending entry (`pending` absent: make sure no schedule is left). */
  | { readonly action: 'cancel'; readonly pending?: ScheduledOffboarding }
  | { readonly action: 'refuse'; readonly reason: string };

/**
 * Whether a pending offboarding of the tenant `record` is can still be cancelled: not once the offboarding runs or
 * has run (offboarding goes forward). Nothing pending is not an error: cancelling is idempotent.
 */
export function decideCancel(record: ScheduleView | undefined, tenantId: string): CancelDecision {
  if (!record) return { action: 'refuse', reason: `tenant ${tenantId} is not registered` };
  const kind = OPERATION_KINDS.offboard;
  if (record.operation?.name === 'offboard' || record.status === kind.busy) {
    return { action: 'refuse', reason: `the offboarding of tenant ${tenantId} has already started; it goes forward` };
  }
  if (record.status === kind.done || record.status === 'PURGED') {
    return { action: 'refuse', reason: `tenant ${tenantId} is already ${record.status}` };
  }
  return record.scheduledOffboarding
    ? { action: 'cancel', pending: record.scheduledOffboarding }
    : { action: 'cancel' };
}

/** The offboarding execution input the schedule's target sends (lifecycle/request.ts checks it). */
export function offboardingExecutionInput(tenantId: string, pending: ScheduledOffboarding): Record<string, string> {
  return {
    tenantId,
    operation: 'offboard',
    requestedBy: pending.requestedBy,
    ...(pending.requestId === undefined ? {} : { requestId: pending.requestId }),
  };
}
