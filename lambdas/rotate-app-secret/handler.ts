import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rdsTls } from '../shared/database/tls';
import { CLIENT_CONFIG, eventHandler, logger, traced } from '../shared/runtime';
import { type RotationEvent, rotate } from './rotation';
import { sdkRotationSecrets } from './secrets';

const secrets = sdkRotationSecrets(traced(new SecretsManagerClient(CLIENT_CONFIG)));

/**
 * Secrets Manager rotation function of the tenants' application secrets (single user, see rotation.ts). Runs in the
 * VPC like RunMigrations and verifies TLS against the same RDS CA bundle. Logs the secret id and step only.
 */
export const handler = eventHandler(
  { failed: 'rotation step failed; the secret keeps its current version' },
  async (event: RotationEvent): Promise<void> => {
    // `rotationStep`, not `step`: the workflow's log lines name their step under `step`.
    logger.info('rotating the application secret', { secretId: event.SecretId, rotationStep: event.Step });
    await rotate(event, { secrets, tls: rdsTls() });
  },
);
