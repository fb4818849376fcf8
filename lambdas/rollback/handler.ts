import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { STEPS, type WorkflowState } from '../shared/contracts';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { rollbackPass } from './rollback';

const doc = registryClient();
const rds = traced(new RDSClient(CLIENT_CONFIG));
const secrets = traced(new SecretsManagerClient(CLIENT_CONFIG));
const cloudwatch = traced(new CloudWatchClient(CLIENT_CONFIG));
// Backup replication is stopped from the destination Region, like it was started.
const backupRegion = readEnv(RUNTIME_ENV.backupRegion);
const backup = backupRegion
  ? { region: backupRegion, client: traced(new RDSClient({ ...CLIENT_CONFIG, region: backupRegion })) }
  : undefined;

/** Rollback: one compensation pass over what this execution created. */
export const handler = stepHandler(STEPS.rollback, async (state: WorkflowState) =>
  rollbackPass(
    { registry: { doc, table: readEnv(RUNTIME_ENV.registryTable) }, rds, secrets, cloudwatch, backup },
    state,
  ),
);
