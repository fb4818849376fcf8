import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STEPS, type WorkflowState } from '../shared/contracts';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { storeCredentials } from './store-credentials';

const secrets = traced(new SecretsManagerClient(CLIENT_CONFIG));

/** StoreCredentials: creates the tenant's application secret; returns its name and ARN only. */
export const handler = stepHandler(STEPS.storeCredentials, async (state: WorkflowState) =>
  storeCredentials(secrets, state),
);
