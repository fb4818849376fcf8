import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { awsErrorName } from '../shared/errors';
import { PASSWORD_REQUEST } from '../shared/password';
import type { RotationSecrets } from './rotation';

/** The rotation's Secrets Manager calls; the new password is generated like the first one (StoreCredentials). */
export function sdkRotationSecrets(client: SecretsManagerClient): RotationSecrets {
  return {
    async describe(secretId) {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return { rotationEnabled: out.RotationEnabled === true, versions: out.VersionIdsToStages ?? {} };
    },
    async value(secretId, { versionId, stage }) {
      try {
        const out = await client.send(
          new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId, VersionStage: stage }),
        );
        return out.SecretString;
      } catch (error) {
        if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },
    async randomPassword() {
      const { RandomPassword } = await client.send(new GetRandomPasswordCommand(PASSWORD_REQUEST));
      if (!RandomPassword) throw new Error('GetRandomPassword returned no password');
      return RandomPassword;
    },
    async putPending(secretId, token, secretString) {
      await client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: secretString,
          VersionStages: ['AWSPENDING'],
        }),
      );
    },
    async moveCurrent(secretId, token, fromVersionId) {
      await client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: token,
          RemoveFromVersionId: fromVersionId,
        }),
      );
    },
  };
}
