/**
 * Every EventBridge rule pattern of the platform, so what reaches each function is read in one place:
 *
 * - billing's "Tenant Database Requested" events: {@link billingEventPattern} starts the workflow, its complement
 *   {@link rejectedBillingEventPattern} routes the rest to an operator-visible queue;
 * - RDS's "DB instance created": {@link RDS_CREATED_EVENT_PATTERN}, the readiness-signal function;
 * - RDS's start of a stopped instance after 7 days, and "DB instance started": {@link RDS_STARTED_EVENT_PATTERN}, the
 *   listener that keeps suspended tenants stopped;
 * - a provisioning execution that ended without success: {@link executionEndedPattern}, the execution reaper.
 *
 * The event values come from `lambdas/shared` (contracts.ts, aws-events.ts), where the handlers read them too.
 * Event patterns cannot express regular expressions, so the billing start rule checks the shape (each required field
 * present and a string, the tier one of the deployed tiers) and the workflow's ValidateInput step checks the rules
 * (tenant id syntax, event id alphabet and length) and fails the execution with a ValidationError naming the field.
 *
 * @module
 */
import {
  DB_INSTANCE_AUTO_STARTED_EVENT_ID,
  DB_INSTANCE_CREATED_EVENT_ID,
  DB_INSTANCE_STARTED_EVENT_ID,
  EXECUTION_ENDED_DETAIL_STATUSES,
  EXECUTION_STATUS_CHANGE_DETAIL_TYPE,
  RDS_EVENT_SOURCE,
  RDS_INSTANCE_EVENT_DETAIL_TYPE,
  STEP_FUNCTIONS_EVENT_SOURCE,
} from '../../lambdas/shared/aws-events';
import {
  BILLING_DETAIL_TYPE,
  BILLING_EVENT_SOURCE,
  BILLING_OFFBOARDING_DETAIL_TYPES,
  BILLING_SUSPENSION_DETAIL_TYPES,
  BILLING_TIER_CHANGE_DETAIL_TYPE,
} from '../../lambdas/shared/contracts';

/** An EventBridge event pattern (JSON). */
export type EventPattern = Readonly<Record<string, unknown>>;

/** Matches every string value: prefix matching applies to strings only, and every string starts with "". */
const ANY_STRING = { prefix: '' } as const;
/** Matches every leaf value that is not a string (number, boolean, null): no string escapes wildcard `*`. */
const NOT_A_STRING = { 'anything-but': { wildcard: '*' } } as const;
/** Matches a field that is absent, or an object or array of objects (exists matches leaf values only). */
const ABSENT = { exists: false } as const;

/**
 * `$or` branches matching an event whose `detail` lacks one of `fields` or holds a non-string there: together, the
 * exact complement of `[ANY_STRING]` on each field.
 */
function missingOrNotString(...fields: string[]): Record<string, unknown>[] {
  return fields.flatMap((field) => [{ [field]: [ABSENT] }, { [field]: [NOT_A_STRING] }]);
}

function assertTierNames(tierNames: readonly string[]): void {
  if (tierNames.length === 0) throw new Error('billing event patterns need at least one tier name');
}

/**
 * Pattern of the rule that starts the workflow: billing's source and detail-type, `detail.eventId` and
 * `detail.tenantId` present as strings, `detail.tier` one of `tierNames`.
 *
 * @example
 * ```ts
 * new events.Rule(this, 'BillingStart', { eventBus, eventPattern: billingEventPattern(Object.keys(catalog)) });
 * ```
 */
export function billingEventPattern(tierNames: readonly string[]): EventPattern {
  assertTierNames(tierNames);
  return {
    source: [BILLING_EVENT_SOURCE],
    'detail-type': [BILLING_DETAIL_TYPE],
    detail: {
      eventId: [ANY_STRING],
      tenantId: [ANY_STRING],
      tier: [...tierNames],
    },
  };
}

/**
 * Pattern of the rule that catches billing events the start rule does not match: same source and detail-type, and
 * any required field absent or not a string, or a tier outside `tierNames`. Each branch of `$or` is the exact
 * complement of one condition of {@link billingEventPattern}, so a billing event matches exactly one of the two
 * rules. (Array-valued fields are the exception: EventBridge matches arrays element by element, so an array mixing
 * a string and a number matches both; the workflow's ValidateInput rejects it.)
 */
export function rejectedBillingEventPattern(tierNames: readonly string[]): EventPattern {
  assertTierNames(tierNames);
  return {
    source: [BILLING_EVENT_SOURCE],
    'detail-type': [BILLING_DETAIL_TYPE],
    detail: {
      $or: [
        ...missingOrNotString('eventId', 'tenantId'),
        { tier: [ABSENT] },
        { tier: [{ 'anything-but': [...tierNames] }] },
      ],
    },
  };
}

/**
 * The rule pattern for the readiness-signal function, shaped like aws-cdk-lib's `events.EventPattern`
 * (`detailType` is `detail-type` on the wire). It does not filter on the instance identifier: RDS documents its
 * SourceIdentifier format only by example, so the handler, not the rule, decides which instances are tenant ones.
 *
 * @example
 * ```ts
 * new events.Rule(this, 'InstanceCreated', { eventPattern: RDS_CREATED_EVENT_PATTERN, targets: [target] });
 * ```
 */
export const RDS_CREATED_EVENT_PATTERN: { source: string[]; detailType: string[]; detail: { EventID: string[] } } = {
  source: [RDS_EVENT_SOURCE],
  detailType: [RDS_INSTANCE_EVENT_DETAIL_TYPE],
  detail: { EventID: [DB_INSTANCE_CREATED_EVENT_ID] },
};

/** The execution reaper's rule pattern, shaped like aws-cdk-lib's `events.EventPattern` (`detailType` is `detail-type`). */
export interface ExecutionEndedPattern {
  source: string[];
  detailType: string[];
  detail: { status: string[]; stateMachineArn: string[] };
}

/**
 * Pattern of the rule that invokes the execution reaper: executions of `stateMachineArn` that ended TIMED_OUT,
 * ABORTED or FAILED. It filters on the state machine, so executions of other workflows never reach the function.
 *
 * @example
 * ```ts
 * new events.Rule(this, 'ExecutionEnded', {
 *   eventPattern: executionEndedPattern(stateMachine.stateMachineArn),
 *   targets: [new targets.LambdaFunction(reaper, { retryAttempts: 4, maxEventAge: Duration.hours(1) })],
 * });
 * ```
 */
export function executionEndedPattern(stateMachineArn: string): ExecutionEndedPattern {
  if (stateMachineArn === '') throw new Error('executionEndedPattern needs the state machine ARN');
  return {
    source: [STEP_FUNCTIONS_EVENT_SOURCE],
    detailType: [EXECUTION_STATUS_CHANGE_DETAIL_TYPE],
    detail: { status: [...EXECUTION_ENDED_DETAIL_STATUSES], stateMachineArn: [stateMachineArn] },
  };
}

/**
 * The rule pattern of the listener that keeps suspended tenants stopped: RDS's own start after 7 days stopped, and
 * "DB instance started" (the instance can only be stopped again once it is up). Shaped like aws-cdk-lib's
 * `events.EventPattern`.
 */
export const RDS_STARTED_EVENT_PATTERN: { source: string[]; detailType: string[]; detail: { EventID: string[] } } = {
  source: [RDS_EVENT_SOURCE],
  detailType: [RDS_INSTANCE_EVENT_DETAIL_TYPE],
  detail: { EventID: [DB_INSTANCE_AUTO_STARTED_EVENT_ID, DB_INSTANCE_STARTED_EVENT_ID] },
};

/**
 * Pattern of the rule that starts a suspend (`operation: 'suspend'`) or resume from billing's "Tenant Suspended" or
 * "Tenant Resumed": `detail.eventId` and `detail.tenantId` present as strings (their syntax is TakeTenant's to check).
 */
export function billingSuspensionPattern(operation: keyof typeof BILLING_SUSPENSION_DETAIL_TYPES): EventPattern {
  return {
    source: [BILLING_EVENT_SOURCE],
    'detail-type': [BILLING_SUSPENSION_DETAIL_TYPES[operation]],
    detail: { eventId: [ANY_STRING], tenantId: [ANY_STRING] },
  };
}

/** The complement of {@link billingSuspensionPattern} for both detail types: a field absent or not a string. */
export const REJECTED_BILLING_SUSPENSION_PATTERN: EventPattern = {
  source: [BILLING_EVENT_SOURCE],
  'detail-type': Object.values(BILLING_SUSPENSION_DETAIL_TYPES),
  detail: {
    $or: missingOrNotString('eventId', 'tenantId'),
  },
};

/**
 * Pattern of the rule that hands billing's "Tenant Offboarding Requested" and "Tenant Offboarding Cancelled" to the
 * scheduling function: `detail.eventId` and `detail.tenantId` present as strings, and `detail.effectiveAt` absent or
 * a string (its syntax and the scheduling window are the function's to check).
 */
export const BILLING_OFFBOARDING_PATTERN: EventPattern = {
  source: [BILLING_EVENT_SOURCE],
  'detail-type': Object.values(BILLING_OFFBOARDING_DETAIL_TYPES),
  detail: { eventId: [ANY_STRING], tenantId: [ANY_STRING], effectiveAt: [ABSENT, ANY_STRING] },
};

/** The complement of {@link BILLING_OFFBOARDING_PATTERN}: a required field absent or not a string, or `effectiveAt` not a string. */
export const REJECTED_BILLING_OFFBOARDING_PATTERN: EventPattern = {
  source: [BILLING_EVENT_SOURCE],
  'detail-type': Object.values(BILLING_OFFBOARDING_DETAIL_TYPES),
  detail: {
    $or: [...missingOrNotString('eventId', 'tenantId'), { effectiveAt: [NOT_A_STRING] }],
  },
};

/**
 * Pattern of the rule that starts a tier change from billing's "Tenant Tier Changed": `detail.eventId`,
 * `detail.tenantId` and `detail.tier` present as strings (their syntax and the catalog are TakeTenant's to check).
 */
export const BILLING_TIER_CHANGE_PATTERN: EventPattern = {
  source: [BILLING_EVENT_SOURCE],
  'detail-type': [BILLING_TIER_CHANGE_DETAIL_TYPE],
  detail: { eventId: [ANY_STRING], tenantId: [ANY_STRING], tier: [ANY_STRING] },
};

/** The complement of {@link BILLING_TIER_CHANGE_PATTERN}: a field absent or not a string. */
export const REJECTED_BILLING_TIER_CHANGE_PATTERN: EventPattern = {
  source: [BILLING_EVENT_SOURCE],
  'detail-type': [BILLING_TIER_CHANGE_DETAIL_TYPE],
  detail: {
    $or: missingOrNotString('eventId', 'tenantId', 'tier'),
  },
};
