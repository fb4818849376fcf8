import { instanceOf } from '../shared/lifecycle/instance';
import { rdsClientIn, requestPower } from '../shared/lifecycle/power';
import type { SuspensionState } from '../shared/lifecycle/suspension';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';

/** The Task's payload: the workflow state and what to ask of the instance. */
interface PowerEvent {
  state: SuspensionState;
  action: 'stop' | 'start';
}

/**
 * StopInstance and StartInstance: asks RDS to stop the tenant instance (Multi-AZ included) or to start it, unless it
 * already is (or is getting) there.
 */
export const handler = stepHandler('SetInstancePower', async (event: PowerEvent) => {
  const { instanceId, region } = instanceOf(event.state.lock);
  return requestPower(rdsClientIn(region, traced, CLIENT_CONFIG), instanceId, event.action);
});
