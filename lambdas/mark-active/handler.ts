import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ENV, requireEnv } from '../shared/config';
import type { ActivationResult } from '../shared/contracts';
import { STEPS, type WorkflowState } from '../shared/contracts';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { markActive } from './mark';

const registry = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));

export const handler = stepHandler(
  STEPS.markActive,
  async (state: WorkflowState): Promise<ActivationResult> =>
    markActive(
      { registry, table: requireEnv(ENV.registryTable), events, busName: requireEnv(ENV.eventBusName) },
      state,
    ),
);
