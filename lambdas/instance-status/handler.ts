import { RDSClient } from '@aws-sdk/client-rds';
import { nowIso } from '../shared/clock';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, logger, traced } from '../shared/runtime';
import { observeInstances, type StatusPollSummary } from './observe';

const rds = traced(new RDSClient(CLIENT_CONFIG));
const registry = registryClient();

/** Target of the poller's one-minute schedule; not a workflow step. A failed run is simply followed by the next. */
export async function handler(): Promise<StatusPollSummary> {
  logger.resetKeys();
  return observeInstances({ rds, registry, table: readEnv(RUNTIME_ENV.registryTable) }, nowIso());
}
