/**
 * The billing contract on EventBridge (schema: schemas/billing-event.schema.json), past the rule: the input
 * transformer that turns a billing event the start rule matched (`billingEventPattern` in event-patterns.ts) into the
 * workflow input.
 *
 * @module
 */
import type { ProvisioningRequest } from '../../lambdas/shared/contracts';

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
const BILLING_REQUESTED_BY = 'billing';

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
