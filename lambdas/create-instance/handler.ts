import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '../shared/config';
import { type InstanceResult, STEPS, type WorkflowState } from '../shared/contracts';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { createInstance } from './create';
import { platformFromEnv } from './platform';

const rds = traced(new RDSClient(CLIENT_CONFIG));
const registry = DynamoDBDocumentClient.from(traced(new DynamoDBClient(CLIENT_CONFIG)));

export const handler = stepHandler(
  STEPS.createInstance,
  async (state: WorkflowState): Promise<InstanceResult> =>
    createInstance(
      { rds, registry, table: requireEnv(ENV.registryTable), platform: platformFromEnv(state.request.tierDefinition) },
      state,
    ),
);
