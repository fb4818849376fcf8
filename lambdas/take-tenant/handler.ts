import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SUSPENSION_STATES } from '../shared/lifecycle/suspension';
import type { TakeEvent } from '../shared/lifecycle/take';
import { outboxFromEnvironment } from '../shared/outcomes';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { takeForOperation } from './take';

const doc = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));

/** TakeTenant: the lifecycle operation takes the tenant, or is refused naming the operation in progress. */
export const handler = stepHandler(SUSPENSION_STATES.take, async (event: TakeEvent) =>
  takeForOperation(outboxFromEnvironment({ doc, events }), event),
);
