import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { RUNTIME_ENV, readEnv } from '../config';
import { CLIENT_CONFIG, traced } from '../runtime';
import type { BackupClients } from './replicate';

/**
 * RDS and KMS clients in the deployment's backup Region, or undefined when it has none: replication is started and
 * stopped from the destination Region, with a key of that Region.
 */
export function backupClientsFromEnvironment(): BackupClients['backup'] {
  const region = readEnv(RUNTIME_ENV.backupRegion);
  if (!region) return undefined;
  return {
    region,
    client: traced(new RDSClient({ ...CLIENT_CONFIG, region })),
    kms: traced(new KMSClient({ ...CLIENT_CONFIG, region })),
  };
}
