import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { clock } from '../shared/clock';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, eventHandler, traced } from '../shared/runtime';
import { type SweepSummary, sweep } from './sweep';

const doc = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));
const sns = traced(new SNSClient(CLIENT_CONFIG));
const sfn = traced(new SFNClient(CLIENT_CONFIG));

/**
 * Target of the sweeper's schedule; not a workflow step. A run with failed records throws after sweeping the rest, so
 * the Errors metric (alarmed) shows it and the next scheduled run tries them again.
 */
export const handler = eventHandler(
  { failed: 'sweep failed; the next scheduled run tries again' },
  async (): Promise<SweepSummary> => {
    const summary = await sweep({ doc, events, sns, sfn }, clock.now());
    if (summary.errors > 0) throw new Error(`sweep: ${summary.errors} tenant(s) could not be reconciled; see the log`);
    return summary;
  },
);
