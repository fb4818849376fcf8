import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { clock } from '../shared/clock';
import { AwsRequestError } from '../shared/errors';
import { instanceOf } from '../shared/lifecycle/instance';
import { rdsClientIn } from '../shared/lifecycle/power';
import { changeOf, TIER_CHANGE_STATES, type TierChangeState } from '../shared/lifecycle/tier-change';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { decideProgress } from './progress';

/** CheckTierChange: is the modification applied (no pending values, available), or how long to wait. */
export const handler = stepHandler(TIER_CHANGE_STATES.check, async (event: { state: TierChangeState }) => {
  const { state } = event;
  const change = changeOf(state);
  const { instanceId, region } = instanceOf(state.lock);
  const rds = rdsClientIn(region, traced, CLIENT_CONFIG);
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
  const instance = DBInstances?.[0];
  if (!instance) throw new AwsRequestError(`DescribeDBInstances returned no instance ${instanceId}`);
  return decideProgress(instance, change.when, state.progress?.checks ?? 0, clock.now());
});
