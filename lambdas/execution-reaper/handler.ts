import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { awsErrorName } from '../shared/errors';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, logger, traced } from '../shared/runtime';
import type { ExecutionStatusChangeEvent } from './ended-execution';
import { type ReapOutcome, reapExecution } from './reaper';

const doc = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));
const sns = traced(new SNSClient(CLIENT_CONFIG));

/**
 * Target of the rule whose pattern `executionEndedPattern` (pattern.ts) builds; not a workflow step. Records provisioning executions
 * that ended TIMED_OUT, ABORTED or FAILED without recording their outcome. Errors propagate so EventBridge's
 * asynchronous invocation retries the event.
 */
export async function handler(event: ExecutionStatusChangeEvent): Promise<ReapOutcome> {
  // Log keys belong to one invocation; a warm container must not carry the previous execution's.
  logger.resetKeys();
  try {
    return await reapExecution({ doc, events, sns }, event);
  } catch (error) {
    logger.error('reaping failed; the event will be retried', {
      errorName: awsErrorName(error),
      reason: (error as Error)?.message,
    });
    throw error;
  }
}
