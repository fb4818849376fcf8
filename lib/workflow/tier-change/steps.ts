import { RUNTIME_ENV, setting, TIER_CATALOG } from '../../../lambdas/shared/config';
import { APP_SECRET_ROTATION_FUNCTION } from '../../../lambdas/shared/secret-rotation';
import { type StepSpec, TAKE_TENANT_SPEC } from '../handler-spec';
import { allow, GRANT_FOR_AWS_RESOURCE, MANAGED_RESOURCE_CONDITION, wildcardFinding } from '../permissions';
import { tenantFindings } from '../provisioning/findings';
import { SUSPENSION_FUNCTIONS } from '../suspension/steps';

const instancesReason =
  'Tenant DB instances are named at run time; the identifier prefix tenant- scopes the grant to them, and every modification additionally requires the managed-by tag.';

// The catalog can outgrow Lambda's 4 KB environment limit: it is inlined into the bundle instead.
const inlineCatalog = (p: { catalog: unknown }) => ({
  [`process.env.${TIER_CATALOG.name}`]: JSON.stringify(JSON.stringify(p.catalog)),
});

/** The tier change workflow's functions, one record each. */
export const TIER_CHANGE_FUNCTIONS = {
  TakeTenant: {
    folder: 'take-tier-change',
    description: 'Checks a tier change against the catalog and takes the tenant (one operation at a time)',
    timeoutSeconds: 60,
    ...TAKE_TENANT_SPEC,
    define: inlineCatalog,
  },
  ApplyTierChange: {
    folder: 'apply-tier-change',
    description: 'Sends the ModifyDBInstance request of a planned tier change',
    timeoutSeconds: 60,
    environment: (p) => [
      setting(RUNTIME_ENV.kmsKeyArn, p.key.keyArn),
      setting(RUNTIME_ENV.monitoringRoleArn, p.foundation.monitoringRole.roleArn),
    ],
    define: inlineCatalog,
    access: (p) => ({
      statements: [
        allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        allow(['rds:ModifyDBInstance'], [p.arns.instances], MANAGED_RESOURCE_CONDITION),
        // Turning Enhanced Monitoring on passes the monitoring role to RDS.
        allow(['iam:PassRole'], [p.foundation.monitoringRole.roleArn]),
        // Turning Performance Insights on has RDS create a grant on the platform key; only for an AWS resource.
        allow(['kms:CreateGrant'], [p.key.keyArn], GRANT_FOR_AWS_RESOURCE),
      ],
      keyActions: ['kms:DescribeKey'],
      accepted: { reason: instancesReason, findings: [tenantFindings.instances] },
    }),
  },
  CheckTierChange: {
    folder: 'check-tier-change',
    description: 'Checks whether RDS has applied a tier change',
    memorySize: 128,
    timeoutSeconds: 30,
    access: (p) => ({
      statements: [allow(['rds:DescribeDBInstances'], [p.arns.instances])],
      accepted: { reason: instancesReason, findings: [tenantFindings.instances] },
    }),
  },
  ApplyFollowUps: {
    folder: 'apply-follow-ups',
    description: 'Alarms, tags, backup replication and rotation schedule of the new tier',
    timeoutSeconds: 120,
    environment: (p) => [
      setting(RUNTIME_ENV.alertTopicArn, p.foundation.alertTopic.topicArn),
      setting(RUNTIME_ENV.backupRegion, p.backupRegion),
      setting(APP_SECRET_ROTATION_FUNCTION, p.appSecretRotationFunctionArn),
      ...(p.backupKmsKeyArn ? [setting(RUNTIME_ENV.backupKmsKeyArn, p.backupKmsKeyArn)] : []),
    ],
    define: inlineCatalog,
    access: (p) => {
      const backupKeys = p.backupKmsKeyArn ?? `arn:${p.stack.partition}:kms:${p.backupRegion}:${p.stack.account}:key/*`;
      return {
        statements: [
          allow(['rds:DescribeDBInstances'], [p.arns.instances]),
          allow(['rds:AddTagsToResource'], [p.arns.instances], MANAGED_RESOURCE_CONDITION),
          allow(
            ['rds:StartDBInstanceAutomatedBackupsReplication', 'rds:StopDBInstanceAutomatedBackupsReplication'],
            [p.arns.instances, p.arns.autoBackups(p.backupRegion)],
          ),
          allow(['rds:DescribeDBInstanceAutomatedBackups'], [p.arns.autoBackups(p.backupRegion)]),
          // As ConfigureBackups: RDS creates the grants replication needs, only for an AWS resource.
          allow(['kms:CreateGrant'], [p.key.keyArn], GRANT_FOR_AWS_RESOURCE),
          allow(['kms:DescribeKey'], [backupKeys]),
          allow(['kms:CreateGrant'], [backupKeys], GRANT_FOR_AWS_RESOURCE),
          allow(['cloudwatch:PutMetricAlarm'], [p.arns.alarms]),
          allow(['secretsmanager:DescribeSecret'], [p.arns.appSecrets, p.arns.appSecretsByName]),
          allow(['secretsmanager:RotateSecret'], [p.arns.appSecrets], MANAGED_RESOURCE_CONDITION),
          allow(['lambda:InvokeFunction'], [p.appSecretRotationFunctionArn]),
        ],
        keyActions: ['kms:DescribeKey'],
        accepted: {
          reason:
            'Tenant instances, alarms and application secrets are named at run time (prefix- or pattern-scoped grants); tagging and rotation require the managed-by tag. Replicated automated backups get their ids from RDS in the backup Region; without a configured key the AWS-managed aws/rds key there (id unknown before deployment) encrypts them.',
          findings: [
            tenantFindings.instances,
            tenantFindings.alarms,
            tenantFindings.appSecrets(p),
            tenantFindings.appSecretsByName(p),
            tenantFindings.replicatedBackups(p),
            wildcardFinding('kms', 'key/*', p.backupRegion),
          ],
        },
      };
    },
  },
  ReleaseTenant: SUSPENSION_FUNCTIONS.ReleaseTenant,
} as const satisfies Record<string, StepSpec>;

/** A function of the tier change workflow. */
export type TierChangeFunction = keyof typeof TIER_CHANGE_FUNCTIONS;
