import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { type DBInstance, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { existingAlarms } from '../configure-alarms/configure-alarms';
import { replicationInBackupRegion } from '../configure-backups/configure-backups';
import { ENV, optionalEnv } from '../shared/config';
import type { WorkflowState } from '../shared/contracts';
import { awsErrorName } from '../shared/errors';
import { alarmNames, appSecretName, instanceIdentifier, isOwnedBy, type OwnerContext } from '../shared/naming';
import type { ObservedInstance, ObservedResources, ObservedSecret } from './plan';

/**
 * What exists under the tenant's deterministic names, looked up fresh on every pass (never trusted from the state:
 * a step may have created something and crashed before reporting it).
 */

export interface RollbackClients {
  rds: RDSClient;
  secrets: SecretsManagerClient;
  cloudwatch: CloudWatchClient;
  /** RDS in the backup Region; undefined when the deployment has no backup Region. */
  backup?: { region: string; client: RDSClient };
}

async function observeSecret(clients: RollbackClients, name: string, owner: OwnerContext) {
  try {
    const secret = await clients.secrets.send(new DescribeSecretCommand({ SecretId: name }));
    return {
      arn: secret.ARN ?? name,
      owned: isOwnedBy(secret.Tags, owner),
      scheduledForDeletion: secret.DeletedDate !== undefined,
    } satisfies ObservedSecret;
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function describeInstance(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  try {
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return DBInstances?.[0];
  } catch (error) {
    if (awsErrorName(error) === 'DBInstanceNotFoundFault') return undefined;
    throw error;
  }
}

/**
 * Whether the instance's backups replicate. The source reports its replications; right after ConfigureBackups
 * started one, the report may lag, so when the state says a replication was started the backup Region is asked too.
 */
async function isReplicating(clients: RollbackClients, instance: DBInstance, state: WorkflowState): Promise<boolean> {
  if ((instance.DBInstanceAutomatedBackupsReplications ?? []).length > 0) return true;
  if (!state.backups?.replicationArn || !clients.backup) return false;
  return (await replicationInBackupRegion(clients.backup.client, instance)) !== undefined;
}

async function observeInstance(clients: RollbackClients, state: WorkflowState, owner: OwnerContext) {
  const id = instanceIdentifier(owner.tenantId);
  const instance = await describeInstance(clients.rds, id);
  if (!instance) return undefined;
  const owned = isOwnedBy(instance.TagList, owner);
  return {
    id,
    arn: instance.DBInstanceArn ?? state.instance?.instanceArn ?? id,
    status: instance.DBInstanceStatus ?? 'unknown',
    owned,
    deletionProtection: instance.DeletionProtection === true,
    // Another owner's replication is none of our business: do not even look.
    replicating: owned && (await isReplicating(clients, instance, state)),
  } satisfies ObservedInstance;
}

export async function observeResources(clients: RollbackClients, state: WorkflowState): Promise<ObservedResources> {
  const { tenantId, tier, executionArn } = state.request;
  const owner = { tenantId, tier, executionArn };
  const [alarms, secret, instance] = await Promise.all([
    existingAlarms(clients.cloudwatch, alarmNames(tenantId)),
    observeSecret(clients, appSecretName(tenantId, optionalEnv(ENV.secretNamePattern)), owner),
    observeInstance(clients, state, owner),
  ]);
  return {
    alarms: alarms.map((alarm) => ({ name: alarm.name, owned: isOwnedBy(alarm.tags, owner) })),
    ...(secret ? { secret } : {}),
    ...(instance ? { instance } : {}),
  };
}
