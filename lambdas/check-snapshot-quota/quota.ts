/**
 * CheckSnapshotQuota: the offboarding's plan, made before anything of the tenant is touched. Reads where the
 * instance is, what the tier asks (copy to the backup Region, keep automated backups, retention), and whether each
 * Region's manual-snapshot quota has room for the final snapshots still to take: a full quota fails loudly here,
 * not half-way with the application already cut off.
 *
 * @module
 */
import { DescribeAccountAttributesCommand, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { awsErrorName, ConfigurationError, InstanceFailedError, SnapshotQuotaExceededError } from '../shared/errors';
import { instanceOf } from '../shared/lifecycle/instance';
import {
  type OffboardingPlan,
  type OffboardingState,
  type QuotaUse,
  quotaShortfall,
} from '../shared/lifecycle/offboarding';
import type { TierCatalog } from '../shared/tiers';

/** RDS's name of the manual-snapshot quota in DescribeAccountAttributes. */
const MANUAL_SNAPSHOTS_QUOTA = 'ManualSnapshots';

/** What the step talks to. */
export interface QuotaDeps {
  /** The RDS client of a Region (the tenant's when undefined). */
  rdsIn: (region: string | undefined) => RDSClient;
  catalog: TierCatalog;
  /** The platform's backup Region (tiers that replicate copy their final snapshot there). */
  backupRegion: string | undefined;
  /** The function's own Region, for a record that names none. */
  defaultRegion: string;
}

async function instanceStatusOrDeleted(rds: RDSClient, instanceId: string): Promise<string> {
  try {
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
    return DBInstances?.[0]?.DBInstanceStatus ?? 'deleted';
  } catch (error) {
    if (awsErrorName(error) === 'DBInstanceNotFoundFault' || awsErrorName(error) === 'DBInstanceNotFound') {
      return 'deleted';
    }
    throw error;
  }
}

async function manualSnapshotUse(rds: RDSClient, region: string): Promise<QuotaUse> {
  const { AccountQuotas } = await rds.send(new DescribeAccountAttributesCommand({}));
  const quota = AccountQuotas?.find((q) => q.AccountQuotaName === MANUAL_SNAPSHOTS_QUOTA);
  if (quota?.Used === undefined || quota.Max === undefined) {
    throw new ConfigurationError(`RDS in ${region} reports no ${MANUAL_SNAPSHOTS_QUOTA} quota`);
  }
  return { region, used: quota.Used, max: quota.Max };
}

/** Plans the offboarding of the taken tenant; throws SnapshotQuotaExceededError when a Region has no room. */
export async function planOffboarding(deps: QuotaDeps, state: OffboardingState): Promise<OffboardingPlan> {
  const lock = state.lock;
  const { instanceId, region } = instanceOf(lock);
  const tierName = lock?.tier ?? '';
  const tier = Object.hasOwn(deps.catalog, tierName) ? deps.catalog[tierName] : undefined;
  if (!tier) throw new ConfigurationError(`tenant ${lock?.tenantId}: tier ${tierName} is not in the catalog`);
  const copyRegion = tier.backup.crossRegionReplication ? deps.backupRegion : undefined;
  if (tier.backup.crossRegionReplication && !copyRegion) {
    throw new ConfigurationError('the tier replicates backups but the deployment names no backup Region');
  }
  const policy = {
    ...(copyRegion ? { copyRegion } : {}),
    keepAutomatedBackups: tier.offboarding.keepAutomatedBackups,
    retentionDays: tier.offboarding.finalSnapshotRetentionDays,
  };
  const instanceStatus = await instanceStatusOrDeleted(deps.rdsIn(region), instanceId);
  const recorded = lock?.finalSnapshots ?? [];
  if (instanceStatus === 'deleted' || instanceStatus === 'deleting') {
    // Past the delete: what remains is clean-up, and the snapshots an earlier run recorded are what is kept.
    if (recorded.length === 0) {
      throw new InstanceFailedError(
        `instance ${instanceId} is ${instanceStatus} but the registry records no final snapshot of it; look for snapshots tagged with tenant ${lock?.tenantId} before going on`,
      );
    }
    return { instanceStatus, ...policy, quota: [] };
  }
  const tenantRegion = region ?? deps.defaultRegion;
  const regions = [tenantRegion, ...(copyRegion ? [copyRegion] : [])];
  const quota: QuotaUse[] = [];
  for (const where of regions) {
    const needed = recorded.some((s) => s.region === where) ? 0 : 1;
    const use = await manualSnapshotUse(deps.rdsIn(where === tenantRegion ? region : where), where);
    quota.push(use);
    const shortfall = quotaShortfall(use, needed);
    if (shortfall) throw new SnapshotQuotaExceededError(`tenant ${lock?.tenantId}: ${shortfall}`);
  }
  return { instanceStatus, ...policy, quota };
}
