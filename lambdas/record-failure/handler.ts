import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { STEPS } from '../shared/contracts';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { type RecordFailureEvent, recordFailure } from './record-failure';

const doc = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));
const sns = traced(new SNSClient(CLIENT_CONFIG));

/** RecordFailure: registry, outcome event, alert and metrics of a failed execution. */
export const handler = stepHandler(STEPS.recordFailure, async (event: RecordFailureEvent) =>
  recordFailure({ doc, events, sns }, event),
);
