import { RDSClient } from '@aws-sdk/client-rds';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { type ReadinessResult, STEPS, type WorkflowState } from '../shared/contracts';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { POLL_BUDGET_SECONDS } from './options';
import { waitForInstance } from './wait';

const rds = traced(new RDSClient(CLIENT_CONFIG));
// The registry is read every few seconds for hints only: a throttled read is skipped, not retried.
const registry = registryClient({ retryThrottles: false });

export const handler = stepHandler(
  STEPS.waitForInstance,
  async (state: WorkflowState): Promise<ReadinessResult> =>
    waitForInstance(
      {
        rds,
        registry,
        table: readEnv(RUNTIME_ENV.registryTable),
        budgetMs: readEnv(POLL_BUDGET_SECONDS) * 1000,
        platform: () => ({
          kmsKeyArn: readEnv(RUNTIME_ENV.kmsKeyArn),
          monitoringRoleArn: readEnv(RUNTIME_ENV.monitoringRoleArn),
        }),
      },
      state,
    ),
);
