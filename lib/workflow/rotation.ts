import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function';
import { addHandler, type HandlerSpec, type PlatformResources } from './handler-spec';
import { allow, MANAGED_RESOURCE_CONDITION } from './permissions';
import { tenantFindings } from './provisioning/findings';

/**
 * The rotation function of the tenants' application secrets (lambdas/rotate-app-secret, single user: the
 * application role changes its own password). It connects to the tenant databases, so it runs in their subnets with
 * the migration function's security group: PostgreSQL to the databases and HTTPS to the Secrets Manager interface
 * endpoint, nothing else. No environment: the RDS CA bundle is the runtime's, as for RunMigrations.
 */
const APP_SECRET_ROTATION: HandlerSpec = {
  folder: 'rotate-app-secret',
  description: 'Rotates the password of a tenant application secret (single user)',
  invocation: 'rotation',
  inVpc: true,
  access: (p) => ({
    statements: [
      // The four actions of a rotation function, as the Secrets Manager user guide lists them; the writes only on
      // secrets the platform tagged. The reads by name too: a secret deleted during its rotation (rollback,
      // offboarding) then answers ResourceNotFound instead of AccessDenied.
      allow(
        ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        [p.arns.appSecrets, p.arns.appSecretsByName],
      ),
      allow(
        ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        [p.arns.appSecrets],
        MANAGED_RESOURCE_CONDITION,
      ),
      // GetRandomPassword touches no resource and accepts only "*".
      allow(['secretsmanager:GetRandomPassword'], ['*']),
    ],
    // Secrets Manager decrypts the versions it reads and encrypts the one it writes with the platform key, as the
    // caller.
    keyActions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    accepted: {
      reason:
        'Rotates every tenant application secret, named by the configured pattern at run time (read by name as well as by ARN); writes additionally require the managed-by tag.',
      findings: [tenantFindings.appSecrets(p), tenantFindings.appSecretsByName(p)],
    },
  }),
};

/**
 * Deploys the rotation function and lets Secrets Manager invoke it for the application secrets of this account only:
 * `SourceAccount` against a confused deputy, and `SourceArn` the secrets' name pattern (Lambda compares it with
 * `ArnLike`, so the wildcard holds; the Secrets Manager user guide notes that a single secret ARN there would limit
 * the function to that one secret).
 */
export function addAppSecretRotation(scope: Construct, platform: PlatformResources): HandlerFunction {
  const rotation = addHandler(scope, 'AppSecretRotationFunction', APP_SECRET_ROTATION, platform);
  rotation.function.addPermission('InvokedBySecretsManager', {
    principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'),
    action: 'lambda:InvokeFunction',
    sourceAccount: Stack.of(scope).account,
    sourceArn: platform.arns.appSecrets,
  });
  return rotation;
}
