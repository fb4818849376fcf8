/**
 * DeleteTenantResources: the tenant's alarms and its application secret, once the instance is gone. The secret is
 * scheduled for deletion with a recovery window (Secrets Manager keeps it restorable until then); the RDS-managed
 * master secret went with the instance.
 *
 * @module
 */
import { type CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteSecretCommand, DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsErrorName } from '../shared/errors';
import type { CleanupResult, OffboardingState } from '../shared/lifecycle/offboarding';
import { alarmNames } from '../shared/naming';

/**
 * Days Secrets Manager keeps the deleted application secret restorable: its maximum (7–30 allowed, DeleteSecret
 * `RecoveryWindowInDays`), long enough for an undelete decided within the month to get its credentials back.
 */
const SECRET_RECOVERY_WINDOW_DAYS = 30;

/** What the step talks to, in the tenant's Region. */
export interface CleanupDeps {
  cloudWatch: CloudWatchClient;
  secrets: SecretsManagerClient;
}

/** When Secrets Manager deletes the secret for good, if it is already scheduled for deletion. */
async function scheduledDeletion(secrets: SecretsManagerClient, secretArn: string): Promise<Date | undefined> {
  const { DeletedDate } = await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }));
  return DeletedDate;
}

/** Deletes the tenant's alarms and schedules its application secret for deletion (idempotent). */
export async function deleteTenantResources(deps: CleanupDeps, state: OffboardingState): Promise<CleanupResult> {
  const tenantId = state.lock?.tenantId ?? '';
  // DeleteAlarms takes up to 100 names and ignores names that do not exist: a retry deletes nothing twice.
  const alarms = alarmNames(tenantId);
  await deps.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: alarms }));
  const secretArn = state.lock?.secretArn;
  if (!secretArn) return { alarmsDeleted: alarms };
  try {
    const { DeletionDate } = await deps.secrets.send(
      new DeleteSecretCommand({ SecretId: secretArn, RecoveryWindowInDays: SECRET_RECOVERY_WINDOW_DAYS }),
    );
    return {
      alarmsDeleted: alarms,
      secretArn,
      ...(DeletionDate ? { secretDeletionDate: DeletionDate.toISOString() } : {}),
    };
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return { alarmsDeleted: alarms, secretArn };
    // Scheduled already (a retried step): Secrets Manager refuses a second DeleteSecret with InvalidRequestException.
    if (awsErrorName(error) === 'InvalidRequestException') {
      const deleted = await scheduledDeletion(deps.secrets, secretArn);
      if (deleted) return { alarmsDeleted: alarms, secretArn };
    }
    throw error;
  }
}
