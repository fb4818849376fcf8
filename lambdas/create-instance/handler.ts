import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { RDSClient } from '@aws-sdk/client-rds';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { type InstanceResult, STEPS, type WorkflowState } from '../shared/contracts';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { createInstance } from './create';
import { TENANT_LOG_RETENTION_DAYS } from './log-groups';
import { platformFromEnv } from './platform';

const rds = traced(new RDSClient(CLIENT_CONFIG));
const logs = traced(new CloudWatchLogsClient(CLIENT_CONFIG));
const registry = registryClient();

export const handler = stepHandler(
  STEPS.createInstance,
  async (state: WorkflowState): Promise<InstanceResult> =>
    createInstance(
      {
        rds,
        logs,
        registry,
        table: readEnv(RUNTIME_ENV.registryTable),
        platform: platformFromEnv(state.request.tierDefinition),
        logRetentionDays: readEnv(TENANT_LOG_RETENTION_DAYS),
      },
      state,
    ),
);
