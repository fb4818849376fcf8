import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { OFFBOARDING_STATES, type OffboardingState } from '../shared/lifecycle/offboarding';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { deleteTenantResources } from './cleanup';

const inRegion = (region: string | undefined) => ({ ...CLIENT_CONFIG, ...(region ? { region } : {}) });

/** DeleteTenantResources: the tenant's alarms and application secret, in the tenant's Region. */
export const handler = stepHandler(OFFBOARDING_STATES.deleteResources, async (event: { state: OffboardingState }) => {
  const region = event.state.lock?.region;
  return deleteTenantResources(
    {
      cloudWatch: traced(new CloudWatchClient(inRegion(region))),
      secrets: traced(new SecretsManagerClient(inRegion(region))),
    },
    event.state,
  );
});
