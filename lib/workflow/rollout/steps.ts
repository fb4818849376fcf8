import { RUNTIME_ENV, setting } from '../../../lambdas/shared/config';
import { REGISTRY_STATUS_INDEX } from '../../../lambdas/shared/contracts';
import { RETRYABLE_MIGRATION_ERROR_NAMES } from '../../../lambdas/shared/error-names';
import { ROLLOUT_STEPS, type RolloutStepName } from '../../../lambdas/shared/rollout/contracts';
import { ROLLOUT_ENV } from '../../../lambdas/shared/rollout/settings';
import type { SchemaRolloutConfig } from '../../config';
import { onRegistry, registryKeyActions, type StepSpec } from '../handler-spec';
import { COPY_MIGRATIONS } from '../migrations-bundling';
import { allow, RDS_SECRET_INSTANCE_TAG } from '../permissions';
import { tenantFindings } from '../provisioning/findings';

/** What the rollout steps name beyond the platform. */
export interface RolloutResources {
  /** The cdk-nag finding of the manifests prefix wildcard (it names the bucket's logical id). */
  readonly manifestsFinding: string;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly tableName: string;
  readonly tableArn: string;
  readonly settings: SchemaRolloutConfig;
}

/** The rollout workflow's steps, one record each. */
export function rolloutSteps(r: RolloutResources): Readonly<Record<RolloutStepName, StepSpec>> {
  const onRolloutTable = (actions: string[]) => allow(actions, [r.tableArn]);
  return {
    [ROLLOUT_STEPS.plan]: {
      folder: 'plan-rollout',
      description: 'Plans the waves of a schema rollout and takes the rollout lock',
      // Reads every ACTIVE record and writes one manifest per wave: about a second per 10,000 tenants.
      memorySize: 512,
      timeoutSeconds: 300,
      commandHooks: COPY_MIGRATIONS,
      environment: (p) => [
        setting(RUNTIME_ENV.registryTable, p.table.tableName),
        setting(ROLLOUT_ENV.table, r.tableName),
        setting(ROLLOUT_ENV.bucket, r.bucketName),
        setting(ROLLOUT_ENV.maxConcurrency, r.settings.maxConcurrency),
        setting(ROLLOUT_ENV.tolerance, r.settings.tolerance),
        setting(ROLLOUT_ENV.canarySize, r.settings.canarySize),
        setting(ROLLOUT_ENV.leaseSeconds, r.settings.timeoutHours * 3600),
      ],
      access: (p) => ({
        statements: [
          onRegistry(p, ['dynamodb:Query'], REGISTRY_STATUS_INDEX),
          onRolloutTable(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
          allow(['s3:PutObject'], [`${r.bucketArn}/rollouts/*`]),
        ],
        // The registry, the rollout table and the bucket are all encrypted with the platform key.
        keyActions: registryKeyActions('write'),
        accepted: {
          reason: 'Writes wave manifests under the rollouts/ prefix of the rollout bucket only; keys are per rollout.',
          findings: [r.manifestsFinding],
        },
      }),
    },
    [ROLLOUT_STEPS.migrateTenant]: {
      folder: 'migrate-tenant',
      description: 'Brings one tenant database to the schema rollout target',
      memorySize: 512,
      timeoutSeconds: 300,
      inVpc: true,
      slowRetryErrors: RETRYABLE_MIGRATION_ERROR_NAMES,
      commandHooks: COPY_MIGRATIONS,
      environment: (p) => [setting(RUNTIME_ENV.registryTable, p.table.tableName)],
      access: (p) => ({
        statements: [
          onRegistry(p, ['dynamodb:GetItem', 'dynamodb:UpdateItem']),
          // RDS tags each master user secret with its instance: only tenant instances' secrets are readable.
          allow(['secretsmanager:GetSecretValue'], [p.arns.rdsManagedSecrets], {
            ArnLike: { [`secretsmanager:ResourceTag/${RDS_SECRET_INSTANCE_TAG}`]: p.arns.instances },
          }),
          // Only for tenants onboarded before the registry recorded the master secret's ARN.
          allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        ],
        keyActions: registryKeyActions('write'),
        accepted: {
          reason:
            'Reads the RDS-managed master secrets (rds!db-*) of tenant instances only (tag condition) and describes tenant instances (prefix tenant-); both are created at run time.',
          findings: [tenantFindings.rdsSecrets, tenantFindings.instances],
        },
      }),
    },
    [ROLLOUT_STEPS.record]: {
      folder: 'record-rollout',
      description: 'Records a rollout wave, halts a rollout with an alert, or completes it',
      timeoutSeconds: 120,
      environment: (p) => [
        setting(RUNTIME_ENV.registryTable, p.table.tableName),
        setting(RUNTIME_ENV.alertTopicArn, p.foundation.alertTopic.topicArn),
        setting(ROLLOUT_ENV.table, r.tableName),
      ],
      access: (p) => ({
        statements: [
          onRegistry(p, ['dynamodb:Query'], REGISTRY_STATUS_INDEX),
          onRolloutTable(['dynamodb:GetItem', 'dynamodb:UpdateItem']),
          allow(['sns:Publish'], [p.foundation.alertTopic.topicArn]),
        ],
        // The registry, the rollout table and the alert topic are encrypted with the platform key.
        keyActions: registryKeyActions('write'),
      }),
    },
  };
}
