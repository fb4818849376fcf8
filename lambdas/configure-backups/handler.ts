import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { STEPS, type WorkflowState } from '../shared/contracts';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { configureBackups } from './configure-backups';

const rds = traced(new RDSClient(CLIENT_CONFIG));
// Replication is started from the destination Region, with a key of that Region: both get clients there.
const backupRegion = readEnv(RUNTIME_ENV.backupRegion);
const backup = backupRegion
  ? {
      region: backupRegion,
      client: traced(new RDSClient({ ...CLIENT_CONFIG, region: backupRegion })),
      kms: traced(new KMSClient({ ...CLIENT_CONFIG, region: backupRegion })),
    }
  : undefined;

/** ConfigureBackups: tier retention, window and deletion protection; cross-Region replication for tiers that ask for it. */
export const handler = stepHandler(STEPS.configureBackups, async (state: WorkflowState) =>
  configureBackups({ rds, backup }, state),
);
