import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { outboxFromEnvironment } from '../shared/outcomes';
import type { ExecutionStatusChangeEvent } from '../shared/reconciliation/ended-execution';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, eventHandler, traced } from '../shared/runtime';
import { reapLifecycleExecution } from './reap';

const doc = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));
const sns = traced(new SNSClient(CLIENT_CONFIG));

/**
 * Target of the rules for lifecycle executions that ended TIMED_OUT, ABORTED or FAILED: releases a tenant such an
 * execution still holds. Errors propagate so EventBridge's asynchronous invocation retries the event.
 */
export const handler = eventHandler(
  { failed: 'reaping a lifecycle execution failed; the event will be retried' },
  async (event: ExecutionStatusChangeEvent) =>
    reapLifecycleExecution(
      { ...outboxFromEnvironment({ doc, events }), sns, alertTopicArn: readEnv(RUNTIME_ENV.alertTopicArn) },
      event,
    ),
);
