import { RUNTIME_ENV, readEnv } from '../shared/config';
import { type ClaimResult, STEPS, type WorkflowState } from '../shared/contracts';
import { claimTenant } from '../shared/registry';
import { registryClient } from '../shared/registry-client';
import { stepHandler } from '../shared/runtime';

const registry = registryClient();

/**
 * ClaimTenant: takes the tenant's registry record for this execution (see `claimTenant` for every outcome). Nothing
 * exists in AWS yet, so the workflow sends a failure here straight to RecordFailure without rollback.
 */
export const handler = stepHandler(
  STEPS.claim,
  async (state: WorkflowState): Promise<ClaimResult> =>
    claimTenant(registry, readEnv(RUNTIME_ENV.registryTable), state.request),
);
