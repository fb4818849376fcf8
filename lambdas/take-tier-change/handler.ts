import { loadTierCatalog, RUNTIME_ENV, readEnv } from '../shared/config';
import { TIER_CHANGE_STATES } from '../shared/lifecycle/tier-change';
import { registryClient } from '../shared/registry-client';
import { stepHandler } from '../shared/runtime';
import type { TakeEvent } from '../take-tenant/take';
import { takeForTierChange } from './take';

const doc = registryClient();

/** TakeTenant: the tier change takes the tenant, or is refused naming the rule or the operation in progress. */
export const handler = stepHandler(TIER_CHANGE_STATES.take, async (event: TakeEvent) =>
  takeForTierChange(doc, readEnv(RUNTIME_ENV.registryTable), loadTierCatalog(), event),
);
