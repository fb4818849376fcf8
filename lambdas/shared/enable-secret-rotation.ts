import { DescribeSecretCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  compareRotation,
  type ReportedRotation,
  type RotationAction,
  type RotationSchedule,
  reportedRotation,
  rotateSecretRequest,
  rotationActionFor,
} from './secret-rotation';

export interface RotationOutcome {
  readonly action: RotationAction;
  /** The rotation the secret had before. */
  readonly previous: ReportedRotation;
}

/**
 * Gives `secretId` the rotation `schedule`, idempotently: a secret already rotating with that function on that
 * schedule is left alone (a second RotateSecret would start another configuration test for nothing). With `dryRun`
 * only DescribeSecret is called. Secret values are never read.
 *
 * @example
 * ```ts
 * await enableSecretRotation(secretsManager, secretArn, { functionArn, days: 30 }); // { action: 'enabled', ... }
 * ```
 */
export async function enableSecretRotation(
  client: SecretsManagerClient,
  secretId: string,
  schedule: RotationSchedule,
  options: { readonly dryRun?: boolean } = {},
): Promise<RotationOutcome> {
  const request = rotateSecretRequest(secretId, schedule);
  const previous = reportedRotation(await client.send(new DescribeSecretCommand({ SecretId: secretId })));
  const action = rotationActionFor(compareRotation(previous, schedule));
  if (action !== 'unchanged' && !options.dryRun) await client.send(new RotateSecretCommand(request));
  return { action, previous };
}
