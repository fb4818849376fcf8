import { RUNTIME_ENV, readEnv } from '../shared/config';
import { OFFBOARDING_STATES, type OffboardingState } from '../shared/lifecycle/offboarding';
import { rdsClientIn } from '../shared/lifecycle/power';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { deleteInstance } from './delete';

const doc = registryClient();

/** DeleteInstance: the tenant instance deleted once its final snapshots are confirmed and recorded. */
export const handler = stepHandler(OFFBOARDING_STATES.deleteInstance, async (event: { state: OffboardingState }) =>
  deleteInstance(
    {
      rdsIn: (region) => rdsClientIn(region, traced, CLIENT_CONFIG),
      registry: doc,
      table: readEnv(RUNTIME_ENV.registryTable),
    },
    event.state,
  ),
);
