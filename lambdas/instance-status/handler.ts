import { RDSClient } from '@aws-sdk/client-rds';
import { nowIso } from '../shared/clock';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, eventHandler, traced } from '../shared/runtime';
import { observeInstances, type StatusPollSummary } from './observe';

const rds = traced(new RDSClient(CLIENT_CONFIG));
const registry = registryClient();

/** Target of the poller's one-minute schedule; not a workflow step. A failed run is simply followed by the next. */
export const handler = eventHandler(
  { failed: 'status poll failed; the next scheduled run polls again' },
  async (): Promise<StatusPollSummary> =>
    observeInstances({ rds, registry, table: readEnv(RUNTIME_ENV.registryTable) }, nowIso()),
);
