import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type ClaimResult, STEPS, type WorkflowState } from '../shared/contracts';
import { outboxFromEnvironment, settleOutbox } from '../shared/outcomes';
import { claimTenant } from '../shared/registry';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';

const registry = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));

/**
 * ClaimTenant: takes the tenant's registry record for this execution (see `claimTenant` for every outcome), after
 * publishing an outcome event the record still owes (a failed onboarding's, an offboarding's): the claim replaces the
 * record. Nothing exists in AWS yet, so the workflow sends a failure here straight to RecordFailure without rollback.
 */
export const handler = stepHandler(STEPS.claim, async (state: WorkflowState): Promise<ClaimResult> => {
  const outbox = outboxFromEnvironment({ doc: registry, events });
  await settleOutbox(outbox, state.request.tenantId);
  return claimTenant(registry, outbox.table, state.request);
});
