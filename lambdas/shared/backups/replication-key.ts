import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { AwsRequestError } from '../errors';

/** Alias of the account's AWS managed key for RDS, one per Region. */
export const AWS_MANAGED_RDS_KEY_ALIAS = 'alias/aws/rds';

/**
 * The ARN of the KMS key that encrypts replicated backups: `configuredKeyArn` (`BACKUP_REPLICATION_KMS_KEY_ARN`)
 * when the platform has one, else the AWS managed RDS key of the backup Region.
 *
 * StartDBInstanceAutomatedBackupsReplication asks for the ARN of a key in the destination Region, so the alias is
 * resolved rather than sent. DescribeKey with a predefined AWS alias (`alias/aws/rds`) returns the AWS managed key
 * behind it, and KMS creates that key on the first such call if the account never used RDS in the Region.
 *
 * @param kms - a KMS client in the backup Region; not called when a key is configured
 *
 * @example
 * ```ts
 * const kms = new KMSClient({ region: 'us-west-2' });
 * await replicationKeyArn(kms); // 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-...'
 * ```
 */
export async function replicationKeyArn(kms: KMSClient, configuredKeyArn?: string): Promise<string> {
  if (configuredKeyArn) return configuredKeyArn;
  const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: AWS_MANAGED_RDS_KEY_ALIAS }));
  if (!KeyMetadata?.Arn) throw new AwsRequestError(`DescribeKey ${AWS_MANAGED_RDS_KEY_ALIAS} returned no key ARN`);
  return KeyMetadata.Arn;
}
