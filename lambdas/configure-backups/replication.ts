import type {
  DBInstance,
  DBInstanceAutomatedBackup,
  StartDBInstanceAutomatedBackupsReplicationMessage,
} from '@aws-sdk/client-rds';
import { ConfigurationError, ValidationError } from '../shared/errors';
import type { TierDefinition } from '../shared/tiers';

/**
 * Cross-Region replication of automated backups, for tiers with `backup.crossRegionReplication`. The request is sent
 * to RDS in the backup (destination) Region; it names the source instance by ARN.
 */

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** The parts of an ARN (`arn:partition:service:region:account:resource`). */
export function parseArn(arn: string): ArnParts {
  const [prefix, partition, service, region, account, ...resource] = arn.split(':');
  if (prefix !== 'arn' || !partition || !service || !region || !account || resource.length === 0) {
    throw new ValidationError('arn', 'must look like arn:partition:service:region:account:resource', arn);
  }
  return { partition, service, region, account, resource: resource.join(':') };
}

/**
 * Checks that the backup Region differs from the source's: RDS replicates to another Region only, and a "backup" in
 * the same Region would not survive the Regional outage it exists for.
 */
export function assertOtherRegion(sourceArn: string, backupRegion: string): void {
  if (parseArn(sourceArn).region === backupRegion) {
    throw new ConfigurationError(
      `backup replication Region ${backupRegion} is the Region of ${sourceArn}; set BACKUP_REPLICATION_REGION to another Region`,
    );
  }
}

/**
 * The KMS key of the replicated backups. An encrypted source needs a key in the destination Region (RDS cannot use
 * the source Region's key there). Prefer a platform key (`BACKUP_REPLICATION_KMS_KEY_ARN`); without one, the
 * account's AWS managed RDS key in that Region, named by alias ARN, which RDS resolves like a key ARN.
 */
export function replicationKmsKeyId(sourceArn: string, backupRegion: string, configuredKeyArn?: string): string {
  if (configuredKeyArn) return configuredKeyArn;
  const { partition, account } = parseArn(sourceArn);
  return `arn:${partition}:kms:${backupRegion}:${account}:alias/aws/rds`;
}

/** StartDBInstanceAutomatedBackupsReplication for the source instance, keeping the tier's replicated retention. */
export function replicationRequest(input: {
  sourceArn: string;
  encrypted: boolean;
  tier: TierDefinition;
  backupRegion: string;
  kmsKeyArn?: string;
}): StartDBInstanceAutomatedBackupsReplicationMessage {
  const { sourceArn, backupRegion } = input;
  const retention = input.tier.backup.replicationRetentionDays;
  if (retention === undefined) {
    throw new ConfigurationError('backup.replicationRetentionDays must be set when crossRegionReplication is on');
  }
  return {
    SourceDBInstanceArn: sourceArn,
    BackupRetentionPeriod: retention,
    ...(input.encrypted ? { KmsKeyId: replicationKmsKeyId(sourceArn, backupRegion, input.kmsKeyArn) } : {}),
  };
}

/** The replication of `instance` into `backupRegion` the source reports, if any. */
export function reportedReplicationArn(instance: DBInstance, backupRegion: string): string | undefined {
  return instance.DBInstanceAutomatedBackupsReplications?.map((r) => r.DBInstanceAutomatedBackupsArn).find(
    (arn): arn is string => arn !== undefined && parseArn(arn).region === backupRegion,
  );
}

/**
 * The replicated automated backups that are still being replicated, among those the backup Region lists for the
 * source. `retained` ones are what is left after replication stopped or the source was deleted.
 */
export function activeReplicationArn(backups: readonly DBInstanceAutomatedBackup[]): string | undefined {
  return backups.find((b) => b.Status !== 'retained' && b.DBInstanceAutomatedBackupsArn)?.DBInstanceAutomatedBackupsArn;
}
