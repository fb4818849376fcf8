/**
 * What exists under the tenant's deterministic names, looked up fresh on every pass (never trusted from the state:
 * a step may have created something and crashed before reporting it).
 *
 * @module
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type DBInstance,
  type DBInstanceAutomatedBackup,
  DescribeDBInstanceAutomatedBackupsCommand,
  type DescribeDBInstanceAutomatedBackupsMessage,
  DescribeDBInstancesCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { existingAlarms } from '../shared/alarms';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import type { WorkflowState } from '../shared/contracts';
import { awsErrorName } from '../shared/errors';
import { alarmNames, instanceIdentifier, isOwnedBy, type OwnerContext, secretNameOf } from '../shared/naming';
import type { ObservedInstance, ObservedReplicatedBackups, ObservedResources, ObservedSecret } from './plan';

export interface RollbackClients {
  /** The tenant registry, read (never written) to respect the point of no return. */
  registry: { doc: DynamoDBDocumentClient; table: string };
  rds: RDSClient;
  secrets: SecretsManagerClient;
  cloudwatch: CloudWatchClient;
  /** RDS in the backup Region; undefined when the deployment has no backup Region. */
  backup?: { region: string; client: RDSClient };
}

async function observeSecret(clients: RollbackClients, state: WorkflowState, owner: OwnerContext) {
  const name = secretNameOf(state.request, readEnv(RUNTIME_ENV.secretNamePattern));
  try {
    const secret = await clients.secrets.send(new DescribeSecretCommand({ SecretId: name }));
    const arn = secret.ARN ?? name;
    return {
      arn,
      owned: isOwnedBy(secret.Tags, owner),
      createdHere: state.credentials?.secretArn === arn,
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

function recordedResourceId(state: WorkflowState): string | undefined {
  return state.rollback?.instanceResourceId;
}

async function observeInstance(clients: RollbackClients, state: WorkflowState, owner: OwnerContext) {
  const id = instanceIdentifier(owner.tenantId);
  const instance = await describeInstance(clients.rds, id);
  if (!instance) return undefined;
  const owned = isOwnedBy(instance.TagList, owner);
  const recorded = recordedResourceId(state);
  const observed: ObservedInstance = {
    id,
    arn: instance.DBInstanceArn ?? state.instance?.instanceArn ?? id,
    status: instance.DBInstanceStatus ?? 'unknown',
    owned,
    // An earlier pass saw this very instance (DbiResourceId) with our tags, or else CreateInstance reported one
    // (nobody else can create an instance under this name while the tenant is claimed and it exists).
    // A recorded DbiResourceId that differs names another instance under the same name (a restore, say): not ours.
    createdHere: recorded !== undefined ? recorded === instance.DbiResourceId : state.instance !== undefined,
    deletionProtection: instance.DeletionProtection === true,
    // Another owner's replication is none of our business: do not even look.
    replicating: owned && (instance.DBInstanceAutomatedBackupsReplications ?? []).length > 0,
  };
  return { observed, resourceId: owned ? instance.DbiResourceId : undefined };
}

async function describeBackups(
  client: RDSClient,
  query: DescribeDBInstanceAutomatedBackupsMessage,
): Promise<DBInstanceAutomatedBackup[]> {
  try {
    const { DBInstanceAutomatedBackups } = await client.send(new DescribeDBInstanceAutomatedBackupsCommand(query));
    return DBInstanceAutomatedBackups ?? [];
  } catch (error) {
    if (awsErrorName(error) === 'DBInstanceAutomatedBackupNotFoundFault') return [];
    throw error;
  }
}

/**
 * The backup Region's automated backups of our instance, listed by its DbiResourceId: unlike the identifier, which
 * the tenant's next instance (or an earlier one whose backups are kept on purpose) shares, it names this instance
 * only. Without it (the instance vanished before any pass saw it), the replication ARN ConfigureBackups recorded
 * names our backups instead, and they in turn give the DbiResourceId.
 */
async function observeReplicatedBackups(
  clients: RollbackClients,
  state: WorkflowState,
  knownResourceId: string | undefined,
): Promise<{ resourceId?: string; backups: ObservedReplicatedBackups[] }> {
  const replicationArn = state.backups?.replicationArn;
  if (!clients.backup || (!knownResourceId && !replicationArn)) return { resourceId: knownResourceId, backups: [] };
  const listed = await describeBackups(
    clients.backup.client,
    knownResourceId ? { DbiResourceId: knownResourceId } : { DBInstanceAutomatedBackupsArn: replicationArn },
  );
  const resourceId =
    knownResourceId ?? listed.find((b) => b.DBInstanceAutomatedBackupsArn === replicationArn)?.DbiResourceId;
  const backups = listed
    .filter((b): b is DBInstanceAutomatedBackup & { DBInstanceAutomatedBackupsArn: string } =>
      Boolean(b.DBInstanceAutomatedBackupsArn),
    )
    .map((b) => ({
      arn: b.DBInstanceAutomatedBackupsArn,
      status: b.Status ?? 'unknown',
      owned: resourceId !== undefined && b.DbiResourceId === resourceId,
    }));
  return { resourceId, backups };
}

/** A pass's view of the tenant's resources, and the instance's DbiResourceId for the pass to record. */
export interface Observation {
  resources: ObservedResources;
  instanceResourceId?: string;
}

export async function observeResources(clients: RollbackClients, state: WorkflowState): Promise<Observation> {
  const { tenantId, tier, executionArn } = state.request;
  const owner = { tenantId, tier, executionArn };
  const [alarms, secret, instance] = await Promise.all([
    existingAlarms(clients.cloudwatch, alarmNames(tenantId)),
    observeSecret(clients, state, owner),
    observeInstance(clients, state, owner),
  ]);
  const { resourceId, backups } = await observeReplicatedBackups(
    clients,
    state,
    instance?.resourceId ?? recordedResourceId(state),
  );
  return {
    resources: {
      alarms: alarms.map((alarm) => ({
        name: alarm.name,
        owned: isOwnedBy(alarm.tags, owner),
        createdHere: state.alarms?.alarmNames.includes(alarm.name) === true,
      })),
      ...(secret ? { secret } : {}),
      ...(instance ? { instance: instance.observed } : {}),
      ...(backups.length > 0 ? { replicatedBackups: backups } : {}),
    },
    ...(resourceId ? { instanceResourceId: resourceId } : {}),
  };
}
