/**
 * Schedules and cancels a tenant's offboarding: one EventBridge Scheduler one-time schedule per tenant, whose target
 * starts the offboarding workflow, and the `scheduledOffboarding` entry of its registry record. Both tenantctl and
 * billing's events reach this code through the scheduling function, so both are checked and recorded the same way.
 *
 * The registry record is the truth and the schedule follows it: the entry is written first (conditional on what
 * the decision read), then the schedule is created or replaced from it, then the record is read again and the
 * schedule made to match whatever it says now (a concurrent request or cancel may have won). A crash between the
 * two leaves an entry without a schedule; repeating the request (same request id) creates it. Cancelling deletes
 * the schedule first, then the entry, so a crash leaves nothing that fires.
 *
 * @module
 */
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BILLING_EVENT_SOURCE, BILLING_OFFBOARDING_DETAIL_TYPES, type ScheduledOffboarding } from '../shared/contracts';
import { RetryableError, TenantConflictError, ValidationError } from '../shared/errors';
import {
  atExpression,
  decideCancel,
  decideSchedule,
  earliestScheduledTime,
  MIN_SCHEDULE_LEAD_SECONDS,
  offboardingExecutionInput,
  offboardingScheduleName,
  scheduledTimeOf,
} from '../shared/lifecycle/offboarding-schedule';
import { lifecycleRequestOf } from '../shared/lifecycle/request';
import { getTenant } from '../shared/registry';
import { clearScheduledOffboarding, recordScheduledOffboarding } from '../shared/registry-offboarding';
import { assertTenantId } from '../shared/tenant-id';
import { findPrototypeKey } from '../shared/untrusted';

/** Where schedules go and what they start (set by the stack). */
interface ScheduleTarget {
  /** The schedule group of offboarding schedules. */
  readonly groupName: string;
  /** The offboarding state machine: a templated target, so Scheduler calls StartExecution. */
  readonly stateMachineArn: string;
  /** The role Scheduler assumes to start it. */
  readonly roleArn: string;
  /** Where invocations Scheduler could not make land. */
  readonly deadLetterQueueArn: string;
}

export interface SchedulingDeps {
  readonly scheduler: SchedulerClient;
  readonly registry: DynamoDBDocumentClient;
  readonly table: string;
  readonly target: ScheduleTarget;
  readonly now: () => Date;
}

/** What the function is asked to do, checked. */
export type OffboardingCommand =
  | {
      readonly action: 'schedule';
      readonly tenantId: string;
      readonly at: Date;
      readonly requestedBy: string;
      readonly requestId: string;
    }
  | { readonly action: 'cancel'; readonly tenantId: string; readonly requestedBy: string };

/** What the function did. */
export interface SchedulingResult {
  readonly tenantId: string;
  readonly outcome: 'scheduled' | 'rescheduled' | 'unchanged' | 'already-started' | 'cancelled' | 'nothing-pending';
  /** The pending offboarding after the request (absent once cancelled). */
  readonly scheduledOffboarding?: ScheduledOffboarding;
  /** Why nothing changed, for `unchanged` and `already-started`. */
  readonly reason?: string;
}

const DIRECT_FIELDS = ['action', 'tenantId', 'at', 'requestedBy', 'requestId'];
const BILLING_FIELDS = ['eventId', 'tenantId', 'effectiveAt', 'reason', 'requestedBy', 'metadata'];
const BILLING_REQUESTED_BY = 'billing';
// The idempotency key becomes the offboarding's request id: the same alphabet and length (lifecycle/request.ts).
const EVENT_ID = /^[A-Za-z0-9_-]{1,80}$/;

function objectOf(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, 'must be a JSON object', value);
  }
  const prototypeKey = findPrototypeKey(value);
  if (prototypeKey !== undefined) throw new ValidationError(`${field}${prototypeKey}`, 'is not an allowed field name');
  return value as Record<string, unknown>;
}

function onlyFields(raw: Record<string, unknown>, allowed: readonly string[], field: string): void {
  const unknown = Object.keys(raw).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new ValidationError(field, `has no field ${JSON.stringify(unknown)} (allowed: ${allowed.join(', ')})`);
  }
}

/**
 * The command in `event`: billing's "Tenant Offboarding Requested"/"Cancelled" (EventBridge events; the event id is
 * the request id; an `effectiveAt` absent, past or closer than a minute means as soon as possible) or tenantctl's
 * direct invocation `{ action, tenantId, at?, requestedBy, requestId? }`. Checked before anything is read.
 *
 * @throws ValidationError naming the field and the rule.
 */
export function offboardingCommandOf(event: unknown, now: Date): OffboardingCommand {
  const raw = objectOf(event, 'event');
  if (raw.source === BILLING_EVENT_SOURCE) {
    const detail = objectOf(raw.detail, 'detail');
    onlyFields(detail, BILLING_FIELDS, 'detail');
    assertTenantId(detail.tenantId, 'detail.tenantId');
    if (typeof detail.eventId !== 'string' || !EVENT_ID.test(detail.eventId)) {
      throw new ValidationError('detail.eventId', 'must be 1-80 characters of A-Z a-z 0-9 _ -', detail.eventId);
    }
    const checked = lifecycleRequestOf(
      {
        tenantId: detail.tenantId,
        operation: 'offboard',
        requestedBy: BILLING_REQUESTED_BY,
        requestId: detail.eventId,
      },
      ['offboard'],
    );
    if (raw['detail-type'] === BILLING_OFFBOARDING_DETAIL_TYPES.cancel) {
      return { action: 'cancel', tenantId: checked.tenantId, requestedBy: BILLING_REQUESTED_BY };
    }
    if (raw['detail-type'] !== BILLING_OFFBOARDING_DETAIL_TYPES.request) {
      throw new ValidationError(
        'detail-type',
        `must be one of ${Object.values(BILLING_OFFBOARDING_DETAIL_TYPES).join(', ')}`,
        raw['detail-type'],
      );
    }
    const effective = detail.effectiveAt;
    const soon = earliestScheduledTime(now);
    const at =
      effective === undefined ||
      (typeof effective === 'string' && Date.parse(effective) < now.getTime() + MIN_SCHEDULE_LEAD_SECONDS * 1000)
        ? soon
        : scheduledTimeOf(effective, now, 'detail.effectiveAt');
    return {
      action: 'schedule',
      tenantId: checked.tenantId,
      at,
      requestedBy: BILLING_REQUESTED_BY,
      requestId: checked.requestId as string,
    };
  }
  onlyFields(raw, DIRECT_FIELDS, 'input');
  const checked = lifecycleRequestOf(
    { tenantId: raw.tenantId, operation: 'offboard', requestedBy: raw.requestedBy, requestId: raw.requestId },
    ['offboard'],
  );
  if (raw.action === 'cancel') {
    return { action: 'cancel', tenantId: checked.tenantId, requestedBy: checked.requestedBy };
  }
  if (raw.action !== 'schedule') throw new ValidationError('action', 'must be schedule or cancel', raw.action);
  if (checked.requestId === undefined) throw new ValidationError('requestId', 'is required to schedule');
  return {
    action: 'schedule',
    tenantId: checked.tenantId,
    at: scheduledTimeOf(raw.at, now, 'at'),
    requestedBy: checked.requestedBy,
    requestId: checked.requestId,
  };
}

/** Scheduler's request for the schedule that offboards `tenantId` at `pending.at`. */
function scheduleRequest(
  tenantId: string,
  pending: ScheduledOffboarding,
  target: ScheduleTarget,
): CreateScheduleCommandInput {
  return {
    Name: pending.scheduleName,
    GroupName: target.groupName,
    ScheduleExpression: atExpression(new Date(pending.at)),
    ScheduleExpressionTimezone: 'UTC',
    // A contract's end is a point in time: no window, the offboarding starts at the time asked for.
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    State: 'ENABLED',
    Description: `Offboards tenant ${tenantId} (scheduled ${pending.scheduledAt})`,
    Target: {
      Arn: target.stateMachineArn,
      RoleArn: target.roleArn,
      Input: JSON.stringify(offboardingExecutionInput(tenantId, pending)),
      DeadLetterConfig: { Arn: target.deadLetterQueueArn },
      // Scheduler's maxima: keep trying for a day (a throttled or briefly failing StartExecution), then the DLQ.
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
    },
  };
}

/** Creates the schedule, or replaces it when one of that name exists (re-scheduling, a retried request). */
async function putSchedule(deps: SchedulingDeps, tenantId: string, pending: ScheduledOffboarding): Promise<void> {
  const request = scheduleRequest(tenantId, pending, deps.target);
  try {
    await deps.scheduler.send(new CreateScheduleCommand(request));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
    await deps.scheduler.send(new UpdateScheduleCommand(request));
  }
}

/** Deletes the tenant's schedule; one already gone (fired, cancelled) is done. */
async function deleteSchedule(deps: SchedulingDeps, tenantId: string): Promise<void> {
  try {
    await deps.scheduler.send(
      new DeleteScheduleCommand({ Name: offboardingScheduleName(tenantId), GroupName: deps.target.groupName }),
    );
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
}

const MAX_RACES = 3;

/** Makes the schedule match the record as it is now (a concurrent request or cancel may have won). */
async function followRecord(deps: SchedulingDeps, tenantId: string, written: ScheduledOffboarding | undefined) {
  let expected = written;
  for (let race = 0; race < MAX_RACES; race += 1) {
    const now = (await getTenant(deps.registry, deps.table, tenantId))?.scheduledOffboarding;
    if (now?.scheduledAt === expected?.scheduledAt && now?.requestId === expected?.requestId) return now;
    if (now) await putSchedule(deps, tenantId, now);
    else await deleteSchedule(deps, tenantId);
    expected = now;
  }
  throw new RetryableError(`the pending offboarding of ${tenantId} kept changing; retrying`);
}

/** Schedules (or re-schedules) the offboarding `command` asks for. */
async function schedule(
  deps: SchedulingDeps,
  command: Extract<OffboardingCommand, { action: 'schedule' }>,
): Promise<SchedulingResult> {
  const { tenantId } = command;
  for (let race = 0; race < MAX_RACES; race += 1) {
    const decision = decideSchedule(await getTenant(deps.registry, deps.table, tenantId), command);
    if (decision.action === 'refuse') throw new TenantConflictError(decision.reason);
    if (decision.action === 'handled') return { tenantId, outcome: 'already-started', reason: decision.reason };
    if (decision.action === 'duplicate') {
      // A time already passed means the schedule fired (Scheduler deleted it): never create it again.
      if (Date.parse(decision.pending.at) > deps.now().getTime()) await putSchedule(deps, tenantId, decision.pending);
      const pending = await followRecord(deps, tenantId, decision.pending);
      return {
        tenantId,
        outcome: 'unchanged',
        ...(pending ? { scheduledOffboarding: pending } : {}),
        reason: `request ${command.requestId} is already recorded`,
      };
    }
    const pending: ScheduledOffboarding = {
      at: command.at.toISOString(),
      scheduleName: offboardingScheduleName(tenantId),
      requestedBy: command.requestedBy,
      requestId: command.requestId,
      scheduledAt: deps.now().toISOString(),
    };
    if (await recordScheduledOffboarding(deps.registry, deps.table, tenantId, pending, decision.previous)) {
      await putSchedule(deps, tenantId, pending);
      const current = await followRecord(deps, tenantId, pending);
      return {
        tenantId,
        outcome: decision.previous ? 'rescheduled' : 'scheduled',
        ...(current ? { scheduledOffboarding: current } : {}),
      };
    }
  }
  throw new RetryableError(`the registry record of ${tenantId} kept changing while scheduling; retrying`);
}

/** Cancels the pending offboarding of `tenantId`: idempotent, nothing pending is done. */
async function cancel(deps: SchedulingDeps, tenantId: string): Promise<SchedulingResult> {
  for (let race = 0; race < MAX_RACES; race += 1) {
    const decision = decideCancel(await getTenant(deps.registry, deps.table, tenantId), tenantId);
    if (decision.action === 'refuse') throw new TenantConflictError(decision.reason);
    await deleteSchedule(deps, tenantId);
    if (!decision.pending) return { tenantId, outcome: 'nothing-pending' };
    if (await clearScheduledOffboarding(deps.registry, deps.table, tenantId, decision.pending)) {
      return { tenantId, outcome: 'cancelled' };
    }
  }
  throw new RetryableError(`the registry record of ${tenantId} kept changing while cancelling; retrying`);
}

/** Runs `command`. */
export function runOffboardingCommand(deps: SchedulingDeps, command: OffboardingCommand): Promise<SchedulingResult> {
  return command.action === 'schedule' ? schedule(deps, command) : cancel(deps, command.tenantId);
}
