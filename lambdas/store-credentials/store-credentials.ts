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
  type SecretsManagerClient,
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
import { type OwnerContext, POSTGRES_PORT, secretNameOf } from '../shared/naming';
import { PASSWORD_REQUEST } from '../shared/password';
import { logger } from '../shared/runtime';
import { decideExistingSecret } from './existing-secret';
import { createSecretRequest, type Endpoint } from './requests';

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

async function existingSecretArn(client: SecretsManagerClient, name: string, owner: OwnerContext): Promise<string> {
  const decision = decideExistingSecret(await describeSecret(client, name), owner);
  if (decision.action === 'conflict') throw new OwnershipConflictError(decision.reason);
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
    return { secretArn: await existingSecretArn(client, secretName, owner), secretName };
  }
}
