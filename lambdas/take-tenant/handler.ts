import { RUNTIME_ENV, readEnv } from '../shared/config';
import { SUSPENSION_STATES } from '../shared/lifecycle/suspension';
import { registryClient } from '../shared/registry-client';
import { stepHandler } from '../shared/runtime';
import { type TakeEvent, takeForOperation } from './take';

const doc = registryClient();

/** TakeTenant: the lifecycle operation takes the tenant, or is refused naming the operation in progress. */
export const handler = stepHandler(SUSPENSION_STATES.take, async (event: TakeEvent) =>
  takeForOperation(doc, readEnv(RUNTIME_ENV.registryTable), event),
);
