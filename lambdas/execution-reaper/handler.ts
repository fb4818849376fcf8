import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ExecutionStatusChangeEvent } from '../shared/reconciliation/ended-execution';
import { type ReapOutcome, reapExecution } from '../shared/reconciliation/reap';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, eventHandler, traced } from '../shared/runtime';

const doc = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));
const sns = traced(new SNSClient(CLIENT_CONFIG));

/**
 * Target of the rule whose pattern `executionEndedPattern` (lib/triggers/event-patterns.ts) builds; not a workflow
 * step. Records provisioning executions that ended TIMED_OUT, ABORTED or FAILED without recording their outcome.
 * Errors propagate so EventBridge's asynchronous invocation retries the event.
 */
export const handler = eventHandler(
  { failed: 'reaping failed; the event will be retried' },
  async (event: ExecutionStatusChangeEvent): Promise<ReapOutcome> => reapExecution({ doc, events, sns }, event),
);
