import { loadTierCatalog, RUNTIME_ENV, readEnv } from '../shared/config';
import { OFFBOARDING_STATES, type OffboardingState } from '../shared/lifecycle/offboarding';
import { rdsClientIn } from '../shared/lifecycle/power';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { planOffboarding } from './quota';

/** CheckSnapshotQuota: the offboarding's plan, and a loud failure when a Region's manual-snapshot quota is full. */
export const handler = stepHandler(OFFBOARDING_STATES.checkQuota, async (event: { state: OffboardingState }) =>
  planOffboarding(
    {
      rdsIn: (region) => rdsClientIn(region, traced, CLIENT_CONFIG),
      catalog: loadTierCatalog(),
      backupRegion: readEnv(RUNTIME_ENV.backupRegion),
      defaultRegion: process.env.AWS_REGION ?? '',
    },
    event.state,
  ),
);
