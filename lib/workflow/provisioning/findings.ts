import { ALARM_NAME_PREFIX, INSTANCE_ID_PREFIX } from '../../../lambdas/shared/naming';
import type { PlatformResources } from '../handler-spec';
import { wildcardFinding } from '../permissions';

/**
 * The cdk-nag findings of the tenant-scoped wildcards the handlers need, each named once: an acknowledgement names
 * exactly the scoped wildcard it accepts, so a new or wider wildcard still fails the synth.
 */
export const tenantFindings = {
  instances: wildcardFinding('rds', `db:${INSTANCE_ID_PREFIX}*`),
  alarms: wildcardFinding('cloudwatch', `alarm:${ALARM_NAME_PREFIX}*`),
  rdsSecrets: wildcardFinding('secretsmanager', 'secret:rds!db-*'),
  appSecretsByName: (p: PlatformResources) =>
    wildcardFinding('secretsmanager', `secret:${p.secretNamePattern.replaceAll('{tenantId}', '*')}`),
  appSecrets: (p: PlatformResources) =>
    wildcardFinding('secretsmanager', `secret:${p.secretNamePattern.replaceAll('{tenantId}', '*')}-??????`),
  dbSnapshots: wildcardFinding('rds', 'snapshot:*'),
  replicatedBackups: (p: PlatformResources) => wildcardFinding('rds', 'auto-backup:*', p.backupRegion),
};
