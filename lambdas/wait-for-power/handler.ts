import { readEnv } from '../shared/config';
import { ConfigurationError } from '../shared/errors';
import { instanceOf } from '../shared/lifecycle/instance';
import { rdsClientIn } from '../shared/lifecycle/power';
import type { SuspensionState } from '../shared/lifecycle/suspension';
import { waitForPower } from '../shared/lifecycle/wait';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { POWER_POLL_BUDGET_SECONDS } from './options';

/** The Task's payload: the workflow state and the status to wait for. */
interface PowerWaitEvent {
  state: SuspensionState;
  target: 'stopped' | 'available';
}

/** WaitForStopped / WaitForStarted: long-polls the instance until it is stopped (or available). */
export const handler = stepHandler('WaitForPower', async (event: PowerWaitEvent) => {
  if (event.target !== 'stopped' && event.target !== 'available') {
    throw new ConfigurationError(`WaitForPower: target must be stopped or available (got ${String(event.target)})`);
  }
  const { instanceId, region } = instanceOf(event.state.lock);
  return waitForPower(rdsClientIn(region, traced, CLIENT_CONFIG), instanceId, {
    target: event.target,
    pollsSoFar: event.state.power?.polls ?? 0,
    budgetMs: readEnv(POWER_POLL_BUDGET_SECONDS) * 1000,
  });
});
