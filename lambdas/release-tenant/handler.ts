import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { SUSPENSION_STATES } from '../shared/lifecycle/suspension';
import { outboxFromEnvironment } from '../shared/outcomes';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { type ReleaseEvent, releaseOperation } from './release';

const doc = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));
const sns = traced(new SNSClient(CLIENT_CONFIG));

/** ReleaseTenant: the operation's end in the registry, its outcome event, and an alert when it failed. */
export const handler = stepHandler(SUSPENSION_STATES.release, async (event: ReleaseEvent) =>
  releaseOperation(
    { ...outboxFromEnvironment({ doc, events }), sns, alertTopicArn: readEnv(RUNTIME_ENV.alertTopicArn) },
    event,
  ),
);
