import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { loadTierCatalog } from '../shared/config';
import type { TakeEvent } from '../shared/lifecycle/take';
import { TIER_CHANGE_STATES } from '../shared/lifecycle/tier-change';
import { outboxFromEnvironment } from '../shared/outcomes';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { takeForTierChange } from './take';

const doc = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));

/** TakeTenant: the tier change takes the tenant, or is refused naming the rule or the operation in progress. */
export const handler = stepHandler(TIER_CHANGE_STATES.take, async (event: TakeEvent) =>
  takeForTierChange(outboxFromEnvironment({ doc, events }), loadTierCatalog(), event),
);
