import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RUNTIME_ENV } from '../../../../lambdas/shared/config';
import type { FinalSnapshot, TenantRecord } from '../../../../lambdas/shared/contracts';
import { appSecretName, instanceIdentifier, ownershipTags } from '../../../../lambdas/shared/naming';
import type { AwsDouble } from '../../../../lib/local/aws';
import { synthesizedWorkflow } from '../../../support/workflow-harness';
import { handlerEnvironment } from '../../../support/workflow-harness/environment';

/**
 * An offboarded tenant as offboarding leaves it (the offboarding workflow's contract): the registry record
 * `OFFBOARDED` with its final snapshots and purge date, the snapshot in RDS, the application secret scheduled for
 * deletion with a recovery window, and no instance, master secret or alarm.
 */

const OFFBOARDED_AT = '2026-11-20T09:00:00.000Z';
const SNAPSHOT_TAKEN_AT = '2026-11-20T08:55:00.000Z';
const PURGE_AFTER = '2027-02-18T09:00:00.000Z';

export interface OffboardedTenant {
  record: TenantRecord;
  snapshot: FinalSnapshot;
  /** ARN of the application secret, scheduled for deletion (absent with `secret: 'gone'`). */
  secretArn?: string;
}

export interface OffboardedOptions {
  tier: string;
  /** @default 'OFFBOARDED' */
  status?: 'OFFBOARDED' | 'PURGED';
  /** The application secret: scheduled for deletion (offboarding's recovery window) or already gone. @default 'scheduled' */
  secret?: 'scheduled' | 'gone';
  /** Storage of the snapshotted instance. @default 20 */
  snapshotGiB?: number;
  /** What the restore loads into the database (see the RDS double's `onRestore`). */
  data?: string;
  /** Leave the snapshot out of RDS (deleted by hand) while the record still lists it. */
  snapshotMissing?: boolean;
}

function platformSetting(name: string): string {
  const value = handlerEnvironment(synthesizedWorkflow())[name];
  if (!value) throw new Error(`the synthesized workflow sets no ${name}`);
  return value;
}

/** Seeds `tenantId` as offboarded (or purged) in `double`; see {@link OffboardedTenant}. */
export async function seedOffboardedTenant(
  double: AwsDouble,
  tenantId: string,
  options: OffboardedOptions,
): Promise<OffboardedTenant> {
  const kmsKeyArn = platformSetting(RUNTIME_ENV.kmsKeyArn.name);
  const oldExecution = `arn:aws:states:${double.region}:${double.account}:execution:provisioning:${tenantId}-first`;
  const owner = { tenantId, tier: options.tier, executionArn: oldExecution };
  const snapshotId = `${instanceIdentifier(tenantId)}-final-20261120`;
  const snapshotArn = `arn:aws:rds:${double.region}:${double.account}:snapshot:${snapshotId}`;
  if (!options.snapshotMissing && options.status !== 'PURGED') {
    double.rdsSnapshots.seed({
      identifier: snapshotId,
      instanceIdentifier: instanceIdentifier(tenantId),
      kmsKeyId: kmsKeyArn,
      allocatedGiB: options.snapshotGiB ?? 20,
      tags: ownershipTags(owner),
      createdAt: new Date(SNAPSHOT_TAKEN_AT),
      ...(options.data === undefined ? {} : { data: options.data }),
    });
  }
  let secretArn: string | undefined;
  if ((options.secret ?? 'scheduled') === 'scheduled' && options.status !== 'PURGED') {
    const secrets = new SecretsManagerClient({});
    const created = await secrets.send(
      new CreateSecretCommand({
        Name: appSecretName(tenantId),
        KmsKeyId: kmsKeyArn,
        SecretString: JSON.stringify({ username: 'tenant_app', password: 'Old-password-of-the-offboarded-tenant1' }),
        Tags: ownershipTags(owner),
      }),
    );
    secretArn = created.ARN;
    await secrets.send(new DeleteSecretCommand({ SecretId: secretArn, RecoveryWindowInDays: 7 }));
  }
  const snapshot: FinalSnapshot = { arn: snapshotArn, snapshotId, region: double.region, takenAt: SNAPSHOT_TAKEN_AT };
  const record: TenantRecord = {
    tenantId,
    tier: options.tier,
    status: options.status ?? 'OFFBOARDED',
    requestId: `${tenantId}-first`,
    requestedBy: 'sales-ops',
    executionArn: oldExecution,
    attempt: 1,
    createdAt: '2026-10-01T00:00:00.000Z',
    updatedAt: OFFBOARDED_AT,
    provisionedAt: '2026-10-01T00:20:00.000Z',
    region: double.region,
    offboardedAt: OFFBOARDED_AT,
    lifecycleHistory: [
      {
        operation: 'offboard',
        executionArn: `arn:aws:states:${double.region}:${double.account}:execution:offboarding:${tenantId}-1`,
        requestedBy: 'billing',
        startedAt: '2026-11-20T08:40:00.000Z',
        finishedAt: OFFBOARDED_AT,
        outcome: 'succeeded',
      },
    ],
    ...(options.status === 'PURGED'
      ? { purgedAt: '2027-02-19T00:00:00.000Z' }
      : { finalSnapshots: [snapshot], purgeAfter: PURGE_AFTER }),
  };
  await double.dynamodb.seed(platformSetting(RUNTIME_ENV.registryTable.name), { ...record });
  return { record, snapshot, ...(secretArn ? { secretArn } : {}) };
}
