import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readEnv } from '../shared/config';
import type { CredentialRotationResult, WorkflowState } from '../shared/contracts';
import { enableSecretRotation } from '../shared/enable-secret-rotation';
import { ValidationError } from '../shared/errors';
import { logger } from '../shared/runtime';
import { APP_SECRET_ROTATION_FUNCTION } from '../shared/secret-rotation';

/**
 * EnableRotation: turns on the rotation of the tenant's application secret with the platform's rotation function,
 * every `appSecretRotationDays` of the tier the execution was validated with. It runs after RunMigrations because
 * Secrets Manager tests the configuration at once by invoking the function's testSecret step, which logs in with the
 * current password: the role has it only once the migrations have set it. A retry finds the rotation already on and
 * sends nothing. Rollback needs nothing more: deleting the secret ends its rotation.
 */
export async function enableRotation(
  client: SecretsManagerClient,
  state: WorkflowState,
): Promise<CredentialRotationResult> {
  const secretArn = state.credentials?.secretArn;
  if (!secretArn) throw new ValidationError('credentials.secretArn', 'must be set once StoreCredentials has run');
  const days = state.request.tierDefinition.appSecretRotationDays;
  const functionArn = readEnv(APP_SECRET_ROTATION_FUNCTION);
  const { action } = await enableSecretRotation(client, secretArn, { functionArn, days });
  logger.info('application secret rotates on schedule', { secretArn, action, days });
  return { action, days };
}
