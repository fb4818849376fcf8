import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STEPS, type WorkflowState } from '../shared/contracts';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { enableRotation } from './enable-rotation';

const secrets = traced(new SecretsManagerClient(CLIENT_CONFIG));

/** EnableRotation: the application secret rotates on the tier's schedule; returns the schedule only. */
export const handler = stepHandler(STEPS.enableRotation, async (state: WorkflowState) =>
  enableRotation(secrets, state),
);
