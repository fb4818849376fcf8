import { readEnv } from '../shared/config';
import { ConfigurationError } from '../shared/errors';
import { instanceOf } from '../shared/lifecycle/instance';
import type { OffboardingState } from '../shared/lifecycle/offboarding';
import { rdsClientIn } from '../shared/lifecycle/power';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { OFFBOARDING_POLL_BUDGET_SECONDS } from './options';
import { requestOf, waitForDeleted, waitForSnapshot } from './wait';

/** The Task's payload: the workflow state and what to wait for. */
interface OffboardingWaitEvent {
  state: OffboardingState;
  target: 'snapshot' | 'copy' | 'deleted';
}

const rdsIn = (region: string | undefined) => rdsClientIn(region, traced, CLIENT_CONFIG);

/** WaitForFinalSnapshot / WaitForSnapshotCopy / WaitForInstanceDeleted. */
export const handler = stepHandler('WaitForOffboarding', async (event: OffboardingWaitEvent) => {
  const budgetMs = readEnv(OFFBOARDING_POLL_BUDGET_SECONDS) * 1000;
  const { state, target } = event;
  if (target === 'deleted') {
    return waitForDeleted(rdsIn(instanceOf(state.lock).region), state, {
      pollsSoFar: state.deletedWait?.polls ?? 0,
      budgetMs,
    });
  }
  if (target !== 'snapshot' && target !== 'copy') {
    throw new ConfigurationError(
      `WaitForOffboarding: target must be snapshot, copy or deleted (got ${String(target)})`,
    );
  }
  const requested = requestOf(state, target);
  const earlier = target === 'snapshot' ? state.snapshotWait : state.copyWait;
  return waitForSnapshot(rdsIn(requested.region), requested, { pollsSoFar: earlier?.polls ?? 0, budgetMs });
});
