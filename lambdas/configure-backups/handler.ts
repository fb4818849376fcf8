import { RDSClient } from '@aws-sdk/client-rds';
import { backupClientsFromEnvironment } from '../shared/backups/backup-clients';
import { STEPS, type WorkflowState } from '../shared/contracts';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { configureBackups } from './configure-backups';

const rds = traced(new RDSClient(CLIENT_CONFIG));
const backup = backupClientsFromEnvironment();

/** ConfigureBackups: tier retention, window and deletion protection; cross-Region replication for tiers that ask for it. */
export const handler = stepHandler(STEPS.configureBackups, async (state: WorkflowState) =>
  configureBackups({ rds, backup }, state),
);
