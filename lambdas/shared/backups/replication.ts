/**
 * Cross-Region replication of automated backups, for tiers with `backup.crossRegionReplication`. The request is sent
 * to RDS in the backup (destination) Region; it names the source instance by ARN.
 *
 * @module
 */
import type {
  DBInstance,
  DBInstanceAutomatedBackup,
  StartDBInstanceAutomatedBackupsReplicationMessage,
} from '@aws-sdk/client-rds';
import { ConfigurationError, ValidationError } from '../errors';
import type { TierDefinition } from '../tiers';

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
 * StartDBInstanceAutomatedBackupsReplication for the source instance, keeping the tier's replicated retention. An
 * encrypted source needs `kmsKeyArn`, the ARN of a key in the backup Region (RDS cannot use the source Region's key
 * there; `replicationKeyArn` in ./replication-key resolves it).
 */
export function replicationRequest(input: {
  sourceArn: string;
  encrypted: boolean;
  tier: TierDefinition;
  kmsKeyArn?: string;
}): StartDBInstanceAutomatedBackupsReplicationMessage {
  const { sourceArn, kmsKeyArn } = input;
  const retention = input.tier.backup.replicationRetentionDays;
  if (retention === undefined) {
    throw new ConfigurationError('backup.replicationRetentionDays must be set when crossRegionReplication is on');
  }
  if (input.encrypted && !kmsKeyArn) {
    throw new ConfigurationError(
      `${sourceArn} is encrypted: its replicated backups need a KMS key ARN in the backup Region`,
    );
  }
  return {
    SourceDBInstanceArn: sourceArn,
    BackupRetentionPeriod: retention,
    ...(input.encrypted ? { KmsKeyId: kmsKeyArn } : {}),
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
