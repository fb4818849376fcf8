import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '../shared/config';
import type { ActivationResult } from '../shared/contracts';
import { STEPS, type WorkflowState } from '../shared/contracts';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { markActive } from './mark';

const registry = DynamoDBDocumentClient.from(traced(new DynamoDBClient(CLIENT_CONFIG)));
const events = traced(new EventBridgeClient(CLIENT_CONFIG));

export const handler = stepHandler(
  STEPS.markActive,
  async (state: WorkflowState): Promise<ActivationResult> =>
    markActive(
      { registry, table: requireEnv(ENV.registryTable), events, busName: requireEnv(ENV.eventBusName) },
      state,
    ),
);
