import { loadTierCatalog, RUNTIME_ENV, readEnv } from '../shared/config';
import { instanceOf } from '../shared/lifecycle/instance';
import { rdsClientIn } from '../shared/lifecycle/power';
import { TIER_CHANGE_STATES, type TierChangeState } from '../shared/lifecycle/tier-change';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { applyTierChange } from './apply';

/** ApplyTierChange: the ModifyDBInstance request of the planned change, in the tenant's Region. */
export const handler = stepHandler(TIER_CHANGE_STATES.apply, async (event: { state: TierChangeState }) => {
  const { region } = instanceOf(event.state.lock);
  return applyTierChange(
    {
      rds: rdsClientIn(region, traced, CLIENT_CONFIG),
      catalog: loadTierCatalog(),
      platform: {
        kmsKeyArn: readEnv(RUNTIME_ENV.kmsKeyArn),
        monitoringRoleArn: readEnv(RUNTIME_ENV.monitoringRoleArn),
      },
    },
    event.state,
  );
});
