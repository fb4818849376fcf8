import { BILLING_DETAIL_TYPE, BILLING_EVENT_SOURCE, type ProvisioningRequest } from '../../lambdas/shared/contracts';

/**
 * The billing contract on EventBridge (schema: schemas/billing-event.schema.json): the pattern of the rule that
 * starts the provisioning workflow, the pattern of its complement that routes everything else from billing to an
 * operator-visible queue, and the input transformer that turns a billing event into the workflow input.
 *
 * Event patterns cannot express regular expressions, so the start rule checks the shape (each required field
 * present and a string, the tier one of the deployed tiers) and the workflow's ValidateInput step checks the rules
 * (tenant id syntax, event id alphabet and length) and fails the execution with a ValidationError naming the field.
 */

/** An EventBridge event pattern (JSON). */
export type EventPattern = Readonly<Record<string, unknown>>;

/** Matches every string value: prefix matching applies to strings only, and every string starts with "". */
const ANY_STRING = { prefix: '' } as const;
/** Matches every leaf value that is not a string (number, boolean, null): no string escapes wildcard `*`. */
const NOT_A_STRING = { 'anything-but': { wildcard: '*' } } as const;
/** Matches a field that is absent, or an object or array of objects (exists matches leaf values only). */
const ABSENT = { exists: false } as const;

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
        { eventId: [ABSENT] },
        { eventId: [NOT_A_STRING] },
        { tenantId: [ABSENT] },
        { tenantId: [NOT_A_STRING] },
        { tier: [ABSENT] },
        { tier: [{ 'anything-but': [...tierNames] }] },
      ],
    },
  };
}

/**
 * Input transformer of the start rule's Step Functions target: `InputPathsMap`. Only fields the start rule
 * guarantees are mapped. An input transformer has no "if present": for a path missing from the event EventBridge
 * documents only that the variable "isn't created", and the workflow rejects a rendered null, so mapping the
 * optional `requestedBy`/`metadata` would put every event that omits them at risk.
 */
export const BILLING_INPUT_PATHS: Readonly<Record<string, string>> = {
  eventId: '$.detail.eventId',
  tenantId: '$.detail.tenantId',
  tier: '$.detail.tier',
};

/** Who a billing-started onboarding is recorded as requested by. */
export const BILLING_REQUESTED_BY = 'billing';

/**
 * Input transformer `InputTemplate`: a {@link ProvisioningRequest} whose request id is the billing event id, so a
 * redelivered or re-sent event is the same request and the workflow's claim step ends it without provisioning twice.
 * Placeholders stand unquoted in value positions: EventBridge inserts string values as JSON strings.
 */
export const BILLING_INPUT_TEMPLATE = `{"tenantId": <tenantId>, "tier": <tier>, "requestId": <eventId>, "requestedBy": "${BILLING_REQUESTED_BY}"}`;

/** The `detail` of a billing event (see the JSON schema for the rules). */
export interface BillingEventDetail {
  eventId: string;
  tenantId: string;
  tier: string;
  /** For billing's own bookkeeping; not forwarded (the request is recorded as requested by `billing`). */
  requestedBy?: string;
  /** For billing's own bookkeeping; not forwarded. */
  metadata?: Record<string, string>;
}

/**
 * The workflow input the start rule's input transformer produces for `detail`: the mapping in code, for tests and
 * for anyone replaying a billing event by hand (`tenantctl` or StartExecution).
 */
export function billingEventToExecutionInput(detail: BillingEventDetail): ProvisioningRequest {
  return { tenantId: detail.tenantId, tier: detail.tier, requestId: detail.eventId, requestedBy: BILLING_REQUESTED_BY };
}
