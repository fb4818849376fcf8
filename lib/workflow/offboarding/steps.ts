import { RUNTIME_ENV, setting, TIER_CATALOG } from '../../../lambdas/shared/config';
import { INSTANCE_ID_PREFIX } from '../../../lambdas/shared/naming';
import {
  OFFBOARDING_POLL_BUDGET_SECONDS,
  OFFBOARDING_WAIT_TIMEOUT_SECONDS,
} from '../../../lambdas/wait-for-offboarding/options';
import { onRegistry, type PlatformResources, registryKeyActions, type StepSpec } from '../handler-spec';
import {
  allow,
  GRANT_FOR_AWS_RESOURCE,
  MANAGED_REQUEST_CONDITION,
  MANAGED_RESOURCE_CONDITION,
  wildcardFinding,
} from '../permissions';
import { tenantFindings } from '../provisioning/findings';
import { SUSPENSION_FUNCTIONS } from '../suspension/steps';

/** Final snapshots are named after the tenant instance prefix, in the tenant's Region and in the backup Region. */
const snapshotFindings = (p: PlatformResources) => [
  wildcardFinding('rds', `snapshot:${INSTANCE_ID_PREFIX}*`),
  wildcardFinding('rds', `snapshot:${INSTANCE_ID_PREFIX}*`, p.backupRegion),
];
const snapshotArns = (p: PlatformResources) => [p.arns.snapshots(), p.arns.snapshots(p.backupRegion)];

/** The key that encrypts the copies in the backup Region: the configured one, or any there (AWS-managed aws/rds). */
const backupKeys = (p: PlatformResources) =>
  p.backupKmsKeyArn ?? `arn:${p.stack.partition}:kms:${p.backupRegion}:${p.stack.account}:key/*`;

const snapshotsReason =
  'Final snapshots are named at run time after the tenant (prefix tenant-); creating or copying one requires the managed-by tag on the request, and deletes are not granted here.';

/**
 * The offboarding workflow's functions, one record each. Taking and releasing the tenant, the login switch, the
 * start of a stopped instance and its wait are the suspension workflow's functions (same code, same permissions);
 * the rest are offboarding's own.
 */
export const OFFBOARDING_FUNCTIONS = {
  TakeTenant: { ...SUSPENSION_FUNCTIONS.TakeTenant, description: 'Takes the tenant for an offboarding' },
  CheckSnapshotQuota: {
    folder: 'check-snapshot-quota',
    description: 'Plans an offboarding and checks the manual-snapshot quota before anything is touched',
    timeoutSeconds: 60,
    environment: (p) => [setting(RUNTIME_ENV.backupRegion, p.backupRegion)],
    // The tier's offboarding policy is read from the catalog, inlined like the validate step's.
    define: (p) => ({ [`process.env.${TIER_CATALOG.name}`]: JSON.stringify(JSON.stringify(p.catalog)) }),
    access: (p) => ({
      statements: [
        allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        // DescribeAccountAttributes has no resource type: IAM accepts only "*" for it.
        allow(['rds:DescribeAccountAttributes'], ['*']),
      ],
      accepted: {
        reason:
          'Describes tenant instances (prefix-scoped); rds:DescribeAccountAttributes (the Region quotas, read-only) supports no resource-level permission.',
        findings: [tenantFindings.instances, 'AwsSolutions-IAM5[Resource::*]'],
      },
    }),
  },
  SetInstancePower: {
    ...SUSPENSION_FUNCTIONS.SetInstancePower,
    description: 'Starts a stopped tenant instance for its final snapshot',
    // Offboarding only ever starts an instance (RDS snapshots only a running one): no stop here.
    access: (p) => ({
      statements: [
        allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        allow(['rds:StartDBInstance'], [p.arns.instances], MANAGED_RESOURCE_CONDITION),
      ],
      accepted: {
        reason:
          'Tenant DB instances are named at run time; the identifier prefix tenant- scopes the grant to them, and the start additionally requires the managed-by tag.',
        findings: [tenantFindings.instances],
      },
    }),
  },
  WaitForPower: SUSPENSION_FUNCTIONS.WaitForPower,
  SetAppLogin: SUSPENSION_FUNCTIONS.SetAppLogin,
  FinalSnapshot: {
    folder: 'final-snapshot',
    description: 'Takes the tenant final snapshot and copies it to the backup Region',
    timeoutSeconds: 60,
    environment: (p) => [...(p.backupKmsKeyArn ? [setting(RUNTIME_ENV.backupKmsKeyArn, p.backupKmsKeyArn)] : [])],
    access: (p) => ({
      statements: [
        allow(['rds:DescribeDBSnapshots'], snapshotArns(p)),
        // CreateDBSnapshot authorizes the instance (ours by its tag) and the new snapshot (tagged by the request).
        allow(['rds:CreateDBSnapshot'], [p.arns.instances], MANAGED_RESOURCE_CONDITION),
        allow(
          ['rds:CreateDBSnapshot', 'rds:CopyDBSnapshot', 'rds:AddTagsToResource'],
          snapshotArns(p),
          MANAGED_REQUEST_CONDITION,
        ),
        // Copying an encrypted snapshot across Regions: RDS creates grants for itself on both keys.
        allow(['kms:CreateGrant'], [p.key.keyArn], GRANT_FOR_AWS_RESOURCE),
        allow(['kms:DescribeKey'], [backupKeys(p)]),
        allow(['kms:CreateGrant'], [backupKeys(p)], GRANT_FOR_AWS_RESOURCE),
      ],
      keyActions: ['kms:DescribeKey'],
      accepted: {
        reason: `${snapshotsReason} Without a configured backup key the AWS-managed aws/rds key of the backup Region (id unknown before deployment) encrypts the copy.`,
        findings: [
          tenantFindings.instances,
          ...snapshotFindings(p),
          ...(p.backupKmsKeyArn ? [] : [wildcardFinding('kms', 'key/*', p.backupRegion)]),
        ],
      },
    }),
  },
  WaitForOffboarding: {
    folder: 'wait-for-offboarding',
    description: 'Waits until a final snapshot is available or the tenant instance is deleted',
    memorySize: 128,
    timeoutSeconds: OFFBOARDING_WAIT_TIMEOUT_SECONDS,
    environment: () => [setting(OFFBOARDING_POLL_BUDGET_SECONDS, OFFBOARDING_WAIT_TIMEOUT_SECONDS - 120)],
    access: (p) => ({
      statements: [
        allow(['rds:DescribeDBSnapshots'], snapshotArns(p)),
        allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        allow(['rds:DescribeDBInstanceAutomatedBackups'], [p.arns.autoBackups(p.stack.region)]),
      ],
      accepted: {
        reason: `Read-only describes of tenant instances, final snapshots and the automated backups RDS retains at delete (ids given by RDS). ${snapshotsReason}`,
        findings: [tenantFindings.instances, ...snapshotFindings(p), wildcardFinding('rds', 'auto-backup:*')],
      },
    }),
  },
  DeleteInstance: {
    folder: 'delete-instance',
    description: 'Deletes the tenant instance once its final snapshots are available and recorded',
    timeoutSeconds: 60,
    environment: (p) => [setting(RUNTIME_ENV.registryTable, p.table.tableName)],
    access: (p) => ({
      statements: [
        onRegistry(p, ['dynamodb:UpdateItem']),
        allow(['rds:DescribeDBInstances'], [p.arns.instances]),
        allow(['rds:ModifyDBInstance', 'rds:DeleteDBInstance'], [p.arns.instances], MANAGED_RESOURCE_CONDITION),
        allow(
          ['rds:StopDBInstanceAutomatedBackupsReplication'],
          [p.arns.instances, p.arns.autoBackups(p.backupRegion)],
        ),
      ],
      keyActions: registryKeyActions('write'),
      accepted: {
        reason:
          'Tenant DB instances are named at run time (prefix tenant-); the delete and the deletion-protection change additionally require the managed-by tag. Replicated backups get their ids from RDS in the backup Region.',
        findings: [tenantFindings.instances, tenantFindings.replicatedBackups(p)],
      },
    }),
  },
  DeleteTenantResources: {
    folder: 'delete-tenant-resources',
    description: 'Deletes the tenant alarms and schedules its application secret for deletion',
    timeoutSeconds: 60,
    access: (p) => ({
      statements: [
        allow(['cloudwatch:DeleteAlarms'], [p.arns.alarms], MANAGED_RESOURCE_CONDITION),
        // By name too: a secret already gone answers ResourceNotFound, not AccessDenied.
        allow(['secretsmanager:DescribeSecret'], [p.arns.appSecrets, p.arns.appSecretsByName]),
        allow(['secretsmanager:DeleteSecret'], [p.arns.appSecrets], MANAGED_RESOURCE_CONDITION),
      ],
      accepted: {
        reason:
          'Per-tenant alarms and application secrets are named at run time after the tenant (prefix-scoped); each delete additionally requires the managed-by tag.',
        findings: [tenantFindings.alarms, tenantFindings.appSecrets(p), tenantFindings.appSecretsByName(p)],
      },
    }),
  },
  ReleaseTenant: {
    ...SUSPENSION_FUNCTIONS.ReleaseTenant,
    description: 'Records the end of an offboarding (snapshots, purge date) and announces it',
  },
} as const satisfies Record<string, StepSpec>;

/** A function of the offboarding workflow. */
export type OffboardingFunction = keyof typeof OFFBOARDING_FUNCTIONS;
