import { RUNTIME_ENV, setting } from '../../../lambdas/shared/config';
import { POWER_POLL_BUDGET_SECONDS, POWER_WAIT_TIMEOUT_SECONDS } from '../../../lambdas/wait-for-power/options';
import { onRegistry, registryKeyActions, type StepSpec, TAKE_TENANT_SPEC } from '../handler-spec';
import { allow, MANAGED_RESOURCE_CONDITION, RDS_SECRET_INSTANCE_TAG } from '../permissions';
import { tenantFindings } from '../provisioning/findings';

const instancesReason =
  'Tenant DB instances are named at run time; the identifier prefix tenant- scopes the grant to them, and every stop or start additionally requires the managed-by tag.';

/** The suspension workflow's functions, one record each (several Task states share a function). */
export const SUSPENSION_FUNCTIONS = {
  TakeTenant: {
    folder: 'take-tenant',
    description: 'Takes the tenant for a suspend or resume (one operation at a time)',
    timeoutSeconds: 60,
    ...TAKE_TENANT_SPEC,
  },
  SetAppLogin: {
    folder: 'set-app-login',
    description: 'Disables or re-enables the tenant application role login',
    timeoutSeconds: 120,
    inVpc: true,
    access: (p) => ({
      statements: [
        allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        // RDS tags each master user secret with its instance: only tenant instances' secrets are readable.
        allow(['secretsmanager:GetSecretValue'], [p.arns.rdsManagedSecrets], {
          ArnLike: { [`secretsmanager:ResourceTag/${RDS_SECRET_INSTANCE_TAG}`]: p.arns.instances },
        }),
      ],
      keyActions: ['kms:Decrypt'],
      accepted: {
        reason:
          'Describes tenant instances (prefix-scoped) and reads only the RDS-managed master secrets (rds!db-*) of tenant instances, whose names are not known before the tenant exists.',
        findings: [tenantFindings.instances, tenantFindings.rdsSecrets],
      },
    }),
  },
  SetInstancePower: {
    folder: 'set-instance-power',
    description: 'Stops or starts the tenant RDS instance',
    timeoutSeconds: 60,
    access: (p) => ({
      statements: [
        allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        allow(['rds:StopDBInstance', 'rds:StartDBInstance'], [p.arns.instances], MANAGED_RESOURCE_CONDITION),
      ],
      accepted: { reason: instancesReason, findings: [tenantFindings.instances] },
    }),
  },
  WaitForPower: {
    folder: 'wait-for-power',
    description: 'Waits until the tenant instance is stopped or available',
    memorySize: 128,
    timeoutSeconds: POWER_WAIT_TIMEOUT_SECONDS,
    environment: () => [setting(POWER_POLL_BUDGET_SECONDS, POWER_WAIT_TIMEOUT_SECONDS - 120)],
    access: (p) => ({
      statements: [allow(['rds:DescribeDBInstances'], [p.arns.instances])],
      accepted: { reason: instancesReason, findings: [tenantFindings.instances] },
    }),
  },
  ReleaseTenant: {
    folder: 'release-tenant',
    description: 'Records the end of a suspend or resume and announces it',
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
      // The registry and the alert topic are encrypted with the platform key.
      keyActions: registryKeyActions('write'),
    }),
  },
} as const satisfies Record<string, StepSpec>;

/** A function of the suspension workflow. */
export type SuspensionFunction = keyof typeof SUSPENSION_FUNCTIONS;
