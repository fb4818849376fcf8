import { RUNTIME_ENV, readEnv } from '../shared/config';
import { rdsClientIn } from '../shared/lifecycle/power';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, eventHandler, logger, traced } from '../shared/runtime';
import { keepSuspended, type RdsStartEvent } from './keep';
import { KEEP_SUSPENDED_BUDGET_SECONDS } from './options';

const registry = registryClient();

/**
 * Listener for RDS's start events (not a workflow step): stops a SUSPENDED tenant's instance again after RDS started
 * it at the end of its 7 stopped days. Errors propagate so EventBridge's asynchronous invocation retries them.
 */
export const handler = eventHandler(
  { failed: 'keeping a suspended instance stopped failed; the event will be retried' },
  async (event: RdsStartEvent) => {
    const outcome = await keepSuspended(
      {
        rds: rdsClientIn(undefined, traced, CLIENT_CONFIG),
        registry,
        table: readEnv(RUNTIME_ENV.registryTable),
        budgetMs: readEnv(KEEP_SUSPENDED_BUDGET_SECONDS) * 1000,
      },
      event,
    );
    logger.info('RDS start event handled', {
      outcome,
      eventId: event.detail?.EventID,
      sourceArn: event.detail?.SourceArn,
    });
    return outcome;
  },
);
