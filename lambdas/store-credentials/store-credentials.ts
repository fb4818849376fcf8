/**
 * StoreCredentials: generates the application login's password and writes it straight into the tenant's secret.
 * The password lives only in this function's memory and in Secrets Manager: it is never returned, logged or put in
 * an error message. Only the secret's name and ARN leave the step.
 *
 * @module
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  type DescribeSecretResponse,
  GetRandomPasswordCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import type { CredentialsResult, WorkflowState } from '../shared/contracts';
import {
  AwsRequestError,
  awsErrorName,
  OwnershipConflictError,
  RetryableError,
  ValidationError,
} from '../shared/errors';
import { type OwnerContext, ownershipTags, POSTGRES_PORT, secretNameOf } from '../shared/naming';
import { PASSWORD_REQUEST } from '../shared/password';
import { logger } from '../shared/runtime';
import { decideExistingSecret, type ExistingSecretDecision } from './existing-secret';
import { clientRequestToken, createSecretRequest, type Endpoint, secretValue } from './requests';

/** True when CreateSecret refused because the name is taken (or still held by a secret scheduled for deletion). */
function isNameTaken(error: unknown): boolean {
  const name = awsErrorName(error);
  if (name === 'ResourceExistsException') return true;
  // "You can't create this secret because a secret with this name is already scheduled for deletion."
  return name === 'InvalidRequestException' && /deletion|deleted/i.test((error as Error).message ?? '');
}

function endpointOf(state: WorkflowState): Endpoint {
  const host = state.readiness?.endpointAddress;
  if (!host) throw new ValidationError('readiness.endpointAddress', 'must be set once the instance is AVAILABLE');
  return { host, port: state.readiness?.endpointPort ?? POSTGRES_PORT };
}

async function describeSecret(client: SecretsManagerClient, name: string): Promise<DescribeSecretResponse> {
  try {
    return await client.send(new DescribeSecretCommand({ SecretId: name }));
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
    // Deleted between CreateSecret and DescribeSecret: the next attempt can create it.
    throw new RetryableError(`secret ${name} disappeared while its owner was being checked`);
  }
}

/** What an existing secret needs to become this execution's: the new password, where to connect, its version id. */
interface Adoption {
  endpoint: Endpoint;
  password: string;
  versionId: string;
}

/**
 * Takes back an offboarded tenant's secret for its undelete: cancels its scheduled deletion, tags it as this
 * execution's (from then on rollback owns it), then writes the new password as the version named by this
 * execution's token. A retry after a crash does whichever of the three is still missing (the version's presence
 * says whether the password was written); RunMigrations then sets the stored password on the restored role.
 */
async function adoptSecret(
  client: SecretsManagerClient,
  decision: Extract<ExistingSecretDecision, { action: 'adopt' }>,
  owner: OwnerContext,
  adoption: Adoption,
): Promise<void> {
  if (decision.scheduledForDeletion) await client.send(new RestoreSecretCommand({ SecretId: decision.arn }));
  if (decision.retag) {
    await client.send(new TagResourceCommand({ SecretId: decision.arn, Tags: ownershipTags(owner) }));
  }
  if (decision.writeValue) {
    await client.send(
      new PutSecretValueCommand({
        SecretId: decision.arn,
        SecretString: secretValue(adoption.endpoint, adoption.password),
        ClientRequestToken: adoption.versionId,
      }),
    );
  }
}

async function existingSecretArn(
  client: SecretsManagerClient,
  name: string,
  owner: OwnerContext,
  adoption: Adoption | undefined,
): Promise<string> {
  const decision = decideExistingSecret(await describeSecret(client, name), owner, adoption);
  if (decision.action === 'conflict') throw new OwnershipConflictError(decision.reason);
  if (decision.action === 'adopt' && adoption) {
    await adoptSecret(client, decision, owner, adoption);
    logger.info('application secret of the offboarded tenant taken back and given new credentials', {
      secretName: name,
      wasScheduledForDeletion: decision.scheduledForDeletion,
    });
    return decision.arn;
  }
  logger.info('application secret already created by this execution; reusing it', { secretName: name });
  return decision.arn;
}

export async function storeCredentials(client: SecretsManagerClient, state: WorkflowState): Promise<CredentialsResult> {
  const { tenantId, tier, executionArn } = state.request;
  const owner = { tenantId, tier, executionArn };
  const secretName = secretNameOf(state.request, readEnv(RUNTIME_ENV.secretNamePattern));
  const kmsKeyArn = readEnv(RUNTIME_ENV.kmsKeyArn);
  const endpoint = endpointOf(state);

  const { RandomPassword: password } = await client.send(new GetRandomPasswordCommand(PASSWORD_REQUEST));
  if (!password) throw new AwsRequestError('GetRandomPassword returned no password');

  try {
    const created = await client.send(
      new CreateSecretCommand(createSecretRequest({ name: secretName, kmsKeyArn, endpoint, password, owner })),
    );
    if (!created.ARN) throw new AwsRequestError(`CreateSecret returned no ARN for ${secretName}`);
    logger.info('application secret created', { secretName, secretArn: created.ARN });
    return { secretArn: created.ARN, secretName };
  } catch (error) {
    if (!isNameTaken(error)) throw error;
    const adoption = state.claim?.restoreFrom
      ? { endpoint, password, versionId: clientRequestToken(executionArn, tenantId) }
      : undefined;
    return { secretArn: await existingSecretArn(client, secretName, owner, adoption), secretName };
  }
}
