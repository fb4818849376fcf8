import { Stack } from 'aws-cdk-lib';
import { TENANT_LOG_RETENTION_DAYS } from '../../../lambdas/create-instance/log-groups';
import { RUNTIME_ENV, setting, TIER_CATALOG } from '../../../lambdas/shared/config';
import { STEPS, type StepName } from '../../../lambdas/shared/contracts';
import { RETRYABLE_MIGRATION_ERROR_NAMES } from '../../../lambdas/shared/error-names';
import { INSTANCE_ID_PREFIX } from '../../../lambdas/shared/naming';
import { APP_SECRET_ROTATION_FUNCTION } from '../../../lambdas/shared/secret-rotation';
import {
  POLL_BUDGET_SECONDS,
  pollBudgetSecondsWithin,
  WAIT_FUNCTION_TIMEOUT_SECONDS,
} from '../../../lambdas/wait-for-instance/options';
import { onRegistry, registryKeyActions, type StepSpec } from '../handler-spec';
import { COPY_MIGRATIONS } from '../migrations-bundling';
import {
  allow,
  GRANT_FOR_AWS_RESOURCE,
  MANAGED_REQUEST_CONDITION,
  MANAGED_RESOURCE_CONDITION,
  RDS_SECRET_INSTANCE_TAG,
  wildcardFinding,
} from '../permissions';
import { tenantFindings } from './findings';

const instancesReason =
  'Tenant DB instances are created at run time; the identifier prefix tenant- scopes the grant to them.';

/** The provisioning workflow's steps, one record each. */
export const PROVISIONING_STEPS: Readonly<Record<StepName, StepSpec>> = {
  [STEPS.validate]: {
    folder: 'validate-input',
    description: 'Validates an onboarding request against the tier catalog',
    timeoutSeconds: 60,
    // The catalog can outgrow Lambda's 4 KB environment limit: it is inlined into the bundle instead.
    define: (p) => ({ [`process.env.${TIER_CATALOG.name}`]: JSON.stringify(JSON.stringify(p.catalog)) }),
    environment: (p) => [setting(RUNTIME_ENV.secretNamePattern, p.secretNamePattern)],
  },
  [STEPS.claim]: {
    folder: 'claim-tenant',
    description: 'Claims the tenant in the registry for this execution',
    timeoutSeconds: 60,
    environment: (p) => [
      setting(RUNTIME_ENV.registryTable, p.table.tableName),
      // An outcome event the record still owes is published (and its flag cleared) before the claim replaces it.
      setting(RUNTIME_ENV.eventBusName, p.eventBus.eventBusName),
    ],
    access: (p) => ({
      statements: [
        onRegistry(p, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
        allow(['events:PutEvents'], [p.eventBus.eventBusArn]),
      ],
      keyActions: registryKeyActions('write'),
    }),
  },
  [STEPS.createInstance]: {
    folder: 'create-instance',
    description: 'Creates the tenant RDS for PostgreSQL instance',
    timeoutSeconds: 60,
    environment: (p) => [
      setting(RUNTIME_ENV.registryTable, p.table.tableName),
      setting(RUNTIME_ENV.kmsKeyArn, p.key.keyArn),
      setting(RUNTIME_ENV.dbSubnetGroup, p.foundation.dbSubnetGroup.subnetGroupName),
      setting(RUNTIME_ENV.dbSecurityGroupId, p.foundation.databaseSecurityGroup.securityGroupId),
      setting(RUNTIME_ENV.parameterGroups, Stack.of(p.stack).toJsonString(p.parameterGroupNames)),
      setting(RUNTIME_ENV.monitoringRoleArn, p.foundation.monitoringRole.roleArn),
      setting(TENANT_LOG_RETENTION_DAYS, p.logRetention),
    ],
    access: (p) => ({
      statements: [
        onRegistry(p, ['dynamodb:GetItem', 'dynamodb:UpdateItem']),
        allow(
          ['rds:CreateDBInstance', 'rds:RestoreDBInstanceFromDBSnapshot', 'rds:AddTagsToResource'],
          [p.arns.instances],
          MANAGED_REQUEST_CONDITION,
        ),
        allow(['rds:CreateDBInstance', 'rds:RestoreDBInstanceFromDBSnapshot'], p.arns.instanceDependencies),
        allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        // An undelete restores the tenant's final snapshot: only snapshots the platform tagged as its own.
        allow(['rds:RestoreDBInstanceFromDBSnapshot'], [p.arns.dbSnapshots], MANAGED_RESOURCE_CONDITION),
        allow(['rds:DescribeDBSnapshots'], [p.arns.dbSnapshots]),
        allow(['iam:PassRole'], [p.foundation.monitoringRole.roleArn]),
        // The instance's log groups are created ahead of RDS, encrypted with the platform key and with a retention.
        allow(
          ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:TagResource', 'logs:TagLogGroup'],
          [p.arns.instanceLogGroups],
        ),
        // RDS creates the master user secret and the storage grants with the caller's permissions.
        allow(['secretsmanager:CreateSecret', 'secretsmanager:TagResource'], [p.arns.rdsManagedSecrets]),
        // RDS creates grants on the key for the instance's storage; only grants for an AWS resource, never a person.
        allow(['kms:CreateGrant'], [p.key.keyArn], GRANT_FOR_AWS_RESOURCE),
      ],
      keyActions: registryKeyActions('write'),
      accepted: {
        reason: `${instancesReason} CreateDBInstance also authorizes the subnet, parameter and option groups it names (platform-owned, read-only use), and RDS creates the master user secret (rds!db-<id>) with the caller's permission. An undelete restores a final snapshot: snapshot identifiers are offboarding's, so the restore is limited to snapshots carrying the platform's managed-by tag (describing them reads metadata only).`,
        findings: [
          tenantFindings.instances,
          wildcardFinding('rds', 'subgrp:*'),
          wildcardFinding('rds', 'pg:*'),
          wildcardFinding('rds', 'og:*'),
          tenantFindings.rdsSecrets,
          wildcardFinding('logs', `log-group:/aws/rds/instance/${INSTANCE_ID_PREFIX}*`),
          tenantFindings.dbSnapshots,
        ],
      },
    }),
  },
  [STEPS.waitForInstance]: {
    folder: 'wait-for-instance',
    description: 'Waits until the tenant instance is available',
    memorySize: 128,
    timeoutSeconds: WAIT_FUNCTION_TIMEOUT_SECONDS,
    environment: (p) => [
      setting(RUNTIME_ENV.registryTable, p.table.tableName),
      setting(POLL_BUDGET_SECONDS, pollBudgetSecondsWithin(WAIT_FUNCTION_TIMEOUT_SECONDS)),
      // An undeleted tenant's restored instance gets its master secret and monitoring from this step.
      setting(RUNTIME_ENV.kmsKeyArn, p.key.keyArn),
      setting(RUNTIME_ENV.monitoringRoleArn, p.foundation.monitoringRole.roleArn),
    ],
    access: (p) => ({
      statements: [
        onRegistry(p, ['dynamodb:GetItem']),
        allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        // The post-restore ModifyDBInstance of an undelete (master secret, monitoring, Performance Insights).
        allow(['rds:ModifyDBInstance'], [p.arns.instances], MANAGED_RESOURCE_CONDITION),
        allow(['iam:PassRole'], [p.foundation.monitoringRole.roleArn]),
        // RDS creates the new master user secret and the Performance Insights grant with the caller's permissions.
        allow(['secretsmanager:CreateSecret', 'secretsmanager:TagResource'], [p.arns.rdsManagedSecrets]),
        allow(['kms:CreateGrant'], [p.key.keyArn], GRANT_FOR_AWS_RESOURCE),
      ],
      keyActions: registryKeyActions('read'),
      accepted: {
        reason: `${instancesReason} An undeleted tenant's restored instance gets its RDS-managed master user secret (rds!db-<id>) here, which RDS creates with the caller's permission.`,
        findings: [tenantFindings.instances, tenantFindings.rdsSecrets],
      },
    }),
  },
  [STEPS.storeCredentials]: {
    folder: 'store-credentials',
    description: 'Stores the tenant application credentials',
    timeoutSeconds: 60,
    environment: (p) => [
      setting(RUNTIME_ENV.kmsKeyArn, p.key.keyArn),
      setting(RUNTIME_ENV.secretNamePattern, p.secretNamePattern),
    ],
    access: (p) => ({
      statements: [
        // GetRandomPassword touches no resource and accepts only "*".
        allow(['secretsmanager:GetRandomPassword'], ['*']),
        allow(
          ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
          [p.arns.appSecrets, p.arns.appSecretsByName],
          MANAGED_REQUEST_CONDITION,
        ),
        allow(['secretsmanager:DescribeSecret'], [p.arns.appSecrets, p.arns.appSecretsByName]),
        // An undelete takes back the offboarded tenant's secret (scheduled for deletion) with a new password.
        allow(
          ['secretsmanager:RestoreSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource'],
          [p.arns.appSecrets],
          MANAGED_RESOURCE_CONDITION,
        ),
      ],
      keyActions: ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt'],
      accepted: {
        reason:
          'Secrets are created per tenant at run time under the configured name pattern (authorized by name before they exist, by ARN after); creation requires the managed-by tag.',
        findings: [tenantFindings.appSecrets(p), tenantFindings.appSecretsByName(p)],
      },
    }),
  },
  [STEPS.runMigrations]: {
    folder: 'run-migrations',
    description: 'Applies the tenant database init migrations',
    memorySize: 512,
    timeoutSeconds: 300,
    inVpc: true,
    slowRetryErrors: RETRYABLE_MIGRATION_ERROR_NAMES,
    // The CA bundle (the runtime's /var/runtime/ca-cert.pem) and the migrations folder (copied next to the bundle
    // below) are the handler's own defaults; the registry receives the schema version.
    environment: (p) => [setting(RUNTIME_ENV.registryTable, p.table.tableName)],
    commandHooks: COPY_MIGRATIONS,
    access: (p) => ({
      statements: [
        allow(['secretsmanager:GetSecretValue'], [p.arns.appSecrets]),
        // RDS tags each master user secret with its instance: only tenant instances' secrets are readable.
        allow(['secretsmanager:GetSecretValue'], [p.arns.rdsManagedSecrets], {
          ArnLike: { [`secretsmanager:ResourceTag/${RDS_SECRET_INSTANCE_TAG}`]: p.arns.instances },
        }),
        onRegistry(p, ['dynamodb:UpdateItem']),
      ],
      keyActions: registryKeyActions('write'),
      accepted: {
        reason:
          'Reads only the tenant application secrets (name pattern) and the RDS-managed master secrets (rds!db-*) it migrates with; secret names are not known before the tenant exists.',
        findings: [tenantFindings.appSecrets(p), tenantFindings.rdsSecrets],
      },
    }),
  },
  [STEPS.enableRotation]: {
    folder: 'enable-rotation',
    description: 'Turns on the rotation of the tenant application secret',
    // RotateSecret has Secrets Manager test the configuration by invoking the rotation function, which may start
    // cold in the VPC and then logs in to the database.
    timeoutSeconds: 120,
    environment: (p) => [setting(APP_SECRET_ROTATION_FUNCTION, p.appSecretRotationFunctionArn)],
    access: (p) => ({
      statements: [
        allow(['secretsmanager:DescribeSecret'], [p.arns.appSecrets, p.arns.appSecretsByName]),
        allow(['secretsmanager:RotateSecret'], [p.arns.appSecrets], MANAGED_RESOURCE_CONDITION),
        // RotateSecret also needs the caller to be allowed to invoke the rotation function (Secrets Manager API
        // reference, RotateSecret "Required permissions").
        allow(['lambda:InvokeFunction'], [p.appSecretRotationFunctionArn]),
      ],
      accepted: {
        reason:
          'Turns rotation on for the secret this execution created, named by the configured pattern at run time (described by name as well as by ARN); RotateSecret additionally requires the managed-by tag.',
        findings: [tenantFindings.appSecrets(p), tenantFindings.appSecretsByName(p)],
      },
    }),
  },
  [STEPS.configureBackups]: {
    folder: 'configure-backups',
    description: 'Applies the tier backup settings',
    timeoutSeconds: 60,
    environment: (p) => [
      setting(RUNTIME_ENV.backupRegion, p.backupRegion),
      ...(p.backupKmsKeyArn ? [setting(RUNTIME_ENV.backupKmsKeyArn, p.backupKmsKeyArn)] : []),
    ],
    access: (p) => {
      const backupKeys = p.backupKmsKeyArn ?? `arn:${p.stack.partition}:kms:${p.backupRegion}:${p.stack.account}:key/*`;
      return {
        statements: [
          allow(['rds:DescribeDBInstances'], [p.arns.instances]),
          allow(['rds:ModifyDBInstance'], [p.arns.instances], MANAGED_RESOURCE_CONDITION),
          allow(
            ['rds:StartDBInstanceAutomatedBackupsReplication'],
            [p.arns.instances, p.arns.autoBackups(p.backupRegion)],
          ),
          allow(['rds:DescribeDBInstanceAutomatedBackups'], [p.arns.autoBackups(p.backupRegion)]),
          // Replicating encrypted backups needs grants on the source key and on the key in the backup Region, which
          // RDS creates for its own use: only grants for an AWS resource are allowed.
          allow(['kms:CreateGrant'], [p.key.keyArn], GRANT_FOR_AWS_RESOURCE),
          allow(['kms:DescribeKey'], [backupKeys]),
          allow(['kms:CreateGrant'], [backupKeys], GRANT_FOR_AWS_RESOURCE),
        ],
        keyActions: ['kms:DescribeKey'],
        accepted: {
          reason: `${instancesReason} Replicated automated backups get their ids from RDS in the backup Region; without a configured key the AWS-managed aws/rds key there (id unknown before deployment) encrypts them.`,
          findings: [
            tenantFindings.instances,
            tenantFindings.replicatedBackups(p),
            wildcardFinding('kms', 'key/*', p.backupRegion),
          ],
        },
      };
    },
  },
  [STEPS.configureAlarms]: {
    folder: 'configure-alarms',
    description: 'Creates the tenant CloudWatch alarms',
    timeoutSeconds: 60,
    environment: (p) => [setting(RUNTIME_ENV.alertTopicArn, p.foundation.alertTopic.topicArn)],
    access: (p) => ({
      statements: [
        // The alarms' action: the topic must exist before alarms point at it.
        allow(['sns:GetTopicAttributes'], [p.foundation.alertTopic.topicArn]),
        allow(['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'], [p.arns.alarms]),
        allow(['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], [p.arns.alarms]),
      ],
      accepted: {
        reason: 'Per-tenant alarms are created at run time; the alarm name prefix scopes the grant to them.',
        findings: [tenantFindings.alarms],
      },
    }),
  },
  [STEPS.markActive]: {
    folder: 'mark-active',
    description: 'Marks the tenant ACTIVE and announces it',
    timeoutSeconds: 60,
    environment: (p) => [
      setting(RUNTIME_ENV.registryTable, p.table.tableName),
      setting(RUNTIME_ENV.eventBusName, p.eventBus.eventBusName),
    ],
    access: (p) => ({
      statements: [
        onRegistry(p, ['dynamodb:GetItem', 'dynamodb:UpdateItem']),
        allow(['events:PutEvents'], [p.eventBus.eventBusArn]),
      ],
      keyActions: registryKeyActions('write'),
    }),
  },
  [STEPS.rollback]: {
    folder: 'rollback',
    description: 'Deletes what a failed execution created',
    timeoutSeconds: 300,
    environment: (p) => [
      setting(RUNTIME_ENV.registryTable, p.table.tableName),
      setting(RUNTIME_ENV.secretNamePattern, p.secretNamePattern),
      setting(RUNTIME_ENV.backupRegion, p.backupRegion),
    ],
    access: (p) => ({
      statements: [
        // The record says whether the point of no return was passed: an ACTIVE tenant is never rolled back.
        onRegistry(p, ['dynamodb:GetItem']),
        allow(['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], [p.arns.alarms]),
        allow(['cloudwatch:DeleteAlarms'], [p.arns.alarms], MANAGED_RESOURCE_CONDITION),
        allow(['secretsmanager:DescribeSecret'], [p.arns.appSecrets, p.arns.appSecretsByName]),
        allow(['secretsmanager:DeleteSecret'], [p.arns.appSecrets], MANAGED_RESOURCE_CONDITION),
        allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        allow(['rds:ModifyDBInstance', 'rds:DeleteDBInstance'], [p.arns.instances], MANAGED_RESOURCE_CONDITION),
        allow(
          ['rds:StopDBInstanceAutomatedBackupsReplication', 'rds:DescribeDBInstanceAutomatedBackups'],
          [p.arns.instances, p.arns.autoBackups(p.backupRegion)],
        ),
        // Replicated backups carry no tags, so no tag condition can apply: the handler deletes only backups whose
        // source DbiResourceId is the instance this execution created.
        allow(['rds:DeleteDBInstanceAutomatedBackup'], [p.arns.autoBackups(p.backupRegion)]),
      ],
      keyActions: registryKeyActions('read'),
      accepted: {
        reason:
          'Rollback finds resources by their deterministic tenant names (prefix-scoped wildcards); every delete or modify additionally requires the managed-by tag, and the handler deletes only what this execution tagged.',
        findings: [
          tenantFindings.instances,
          tenantFindings.alarms,
          tenantFindings.appSecrets(p),
          tenantFindings.appSecretsByName(p),
          tenantFindings.replicatedBackups(p),
        ],
      },
    }),
  },
  [STEPS.recordFailure]: {
    folder: 'record-failure',
    description: 'Records and announces a failed onboarding',
    timeoutSeconds: 60,
    environment: (p) => [
      setting(RUNTIME_ENV.registryTable, p.table.tableName),
      setting(RUNTIME_ENV.eventBusName, p.eventBus.eventBusName),
      setting(RUNTIME_ENV.alertTopicArn, p.foundation.alertTopic.topicArn),
    ],
    access: (p) => ({
      statements: [
        onRegistry(p, ['dynamodb:GetItem', 'dynamodb:UpdateItem']),
        allow(['events:PutEvents'], [p.eventBus.eventBusArn]),
        allow(['sns:Publish'], [p.foundation.alertTopic.topicArn]),
      ],
      // The alert topic is encrypted with the platform key.
      keyActions: registryKeyActions('write'),
    }),
  },
};
