import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { ActivationResult } from '../shared/contracts';
import { STEPS, type WorkflowState } from '../shared/contracts';
import { outboxFromEnvironment } from '../shared/outcomes';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { markActive } from './mark';

const registry = registryClient();
const events = traced(new EventBridgeClient(CLIENT_CONFIG));

export const handler = stepHandler(
  STEPS.markActive,
  async (state: WorkflowState): Promise<ActivationResult> =>
    markActive(outboxFromEnvironment({ doc: registry, events }), state),
);
