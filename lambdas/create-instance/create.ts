import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  type CreateLogGroupCommandInput,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateDBInstanceCommand,
  type CreateDBInstanceCommandInput,
  type DBInstance,
  DescribeDBInstancesCommand,
  type RDSClient,
  RestoreDBInstanceFromDBSnapshotCommand,
  type RestoreDBInstanceFromDBSnapshotCommandInput,
} from '@aws-sdk/client-rds';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clock } from '../shared/clock';
import type { InstanceResult, ValidatedRequest, WorkflowState } from '../shared/contracts';
import {
  AwsRequestError,
  awsErrorName,
  OwnershipConflictError,
  RetryableError,
  TenantConflictError,
} from '../shared/errors';
import { isOwnedBy } from '../shared/naming';
import { transitionOwnedRecord } from '../shared/registry';
import { logger } from '../shared/runtime';
import type { TierDefinition } from '../shared/tiers';
import { buildLogGroupRequests } from './log-groups';
import { buildCreateDbInstanceRequest, type PlatformSettings } from './request';
import { buildRestoreDbInstanceRequest, describeFinalSnapshot } from './restore';

export interface CreateInstanceDeps {
  rds: RDSClient;
  logs: CloudWatchLogsClient;
  registry: DynamoDBDocumentClient;
  table: string;
  platform: PlatformSettings;
  /** Retention of the instance's exported-log groups, already validated (see `TENANT_LOG_RETENTION_DAYS`). */
  logRetentionDays: number;
}

/**
 * When waiting stops: the tier's budget counted from the instance's creation.
 *
 * @example
 * ```ts
 * deadlineFor(DEFAULT_TIERS.pro, Date.parse('2026-11-26T10:00:00Z')); // '2026-11-26T11:00:00.000Z'
 * ```
 */
export function deadlineFor(tier: TierDefinition, createdAtMs: number): string {
  return new Date(createdAtMs + tier.provisioningBudgetMinutes * 60_000).toISOString();
}

/**
 * When an existing instance was created, for the budget of a retry that adopts it. A Step Functions retry of this
 * step gets the same input as the attempt that crashed (`$.instance` is only set by this step's result), so counting
 * from the retry's own start would extend the budget by every crash; the instance's `InstanceCreateTime` does not.
 * RDS may leave that time out while the instance is still `creating` (the AWS double does): then `nowMs` is the
 * closest bound this step has, and the Retry policy keeps it within minutes of the crashed attempt.
 */
function creationTimeOf(instance: DBInstance, nowMs: number): number {
  return instance.InstanceCreateTime?.getTime() ?? nowMs;
}

/** The instance this step created or adopted. */
interface CreatedInstance {
  instanceArn: string;
  /** Epoch ms the tier's budget counts from. */
  createdAtMs: number;
}

function arnOf(instance: DBInstance | undefined, action: string): string {
  if (!instance?.DBInstanceArn) throw new AwsRequestError(`${action} returned no DBInstanceArn`);
  return instance.DBInstanceArn;
}

/**
 * The instance already exists. It is ours only when its tags name this tenant and this execution: then an earlier
 * attempt of this step created it and crashed before returning. Anything else is someone else's database, which
 * this execution (and its rollback) must leave alone.
 */
async function adoptOwnInstance(
  rds: RDSClient,
  instanceId: string,
  request: ValidatedRequest,
): Promise<CreatedInstance> {
  let existing: DBInstance | undefined;
  try {
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
    existing = DBInstances?.[0];
  } catch (error) {
    if (awsErrorName(error) !== 'DBInstanceNotFoundFault') throw error;
    // Deleted between our create and this describe: the next attempt can create it.
    throw new RetryableError(
      `DB instance ${instanceId} disappeared right after CreateDBInstance reported it; retrying`,
    );
  }
  if (!existing || !isOwnedBy(existing.TagList, request)) {
    throw new OwnershipConflictError(
      `DB instance ${instanceId} already exists and was not created by this execution for tenant ${request.tenantId}; it is left untouched`,
    );
  }
  const instanceArn = arnOf(existing, 'DescribeDBInstances');
  const createdAtMs = creationTimeOf(existing, clock.now());
  logger.info('DB instance exists from an earlier attempt of this execution; continuing', {
    instanceId,
    createdAt: new Date(createdAtMs).toISOString(),
  });
  return { instanceArn, createdAtMs };
}

/** The request that makes the tenant's instance: a new one, or a restore of its final snapshot. */
type InstanceRequest =
  | { action: 'CreateDBInstance'; input: CreateDBInstanceCommandInput }
  | { action: 'RestoreDBInstanceFromDBSnapshot'; input: RestoreDBInstanceFromDBSnapshotCommandInput };

async function sendInstanceRequest(rds: RDSClient, request: InstanceRequest): Promise<DBInstance | undefined> {
  if (request.action === 'CreateDBInstance') {
    return (await rds.send(new CreateDBInstanceCommand(request.input))).DBInstance;
  }
  return (await rds.send(new RestoreDBInstanceFromDBSnapshotCommand(request.input))).DBInstance;
}

async function createOrAdopt(
  rds: RDSClient,
  instanceRequest: InstanceRequest,
  request: ValidatedRequest,
): Promise<CreatedInstance> {
  const { action, input } = instanceRequest;
  const instanceId = input.DBInstanceIdentifier as string;
  try {
    const created = await sendInstanceRequest(rds, instanceRequest);
    return { instanceArn: arnOf(created, action), createdAtMs: clock.now() };
  } catch (error) {
    switch (awsErrorName(error)) {
      case 'DBInstanceAlreadyExistsFault':
        return adoptOwnInstance(rds, instanceId, request);
      case 'InsufficientDBInstanceCapacityFault':
        // Capacity rarely returns within the workflow's retry window; fail fast and say what to do.
        throw new AwsRequestError(
          `${action}: RDS has no capacity for ${input.DBInstanceClass} in the Availability Zones of DB subnet group ${input.DBSubnetGroupName} right now (InsufficientDBInstanceCapacity); retry the onboarding later or use a tier with another instance class`,
        );
      default:
        // stepHandler maps the rest: throttling to RetryableError, invalid parameters and quotas to AwsRequestError.
        throw error;
    }
  }
}

/**
 * Creates the log groups RDS will publish the instance's logs to and sets the retention of those it created
 * (CreateLogGroup takes no retention). Returns the names of groups that already existed: their retention is set only
 * after the instance is known to be this execution's, so a request that turns out to collide with someone else's
 * instance changes nothing of theirs. An existing group keeps the key it has (changing it would need AssociateKmsKey
 * and the key policy of whichever key it uses). Rollback never deletes these groups: they hold the logs that explain
 * why the instance failed, and their retention expires them.
 */
async function createLogGroups(
  logs: CloudWatchLogsClient,
  inputs: readonly CreateLogGroupCommandInput[],
  retentionInDays: number,
): Promise<string[]> {
  const existing: string[] = [];
  for (const input of inputs) {
    const logGroupName = input.logGroupName as string;
    try {
      await logs.send(new CreateLogGroupCommand(input));
    } catch (error) {
      if (awsErrorName(error) !== 'ResourceAlreadyExistsException') throw error;
      existing.push(logGroupName);
      continue;
    }
    await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays }));
  }
  return existing;
}

/** Sets the retention of log groups found existing, once the instance they serve is known to be ours. */
async function adoptLogGroups(logs: CloudWatchLogsClient, names: readonly string[], retentionInDays: number) {
  for (const logGroupName of names) {
    logger.info('log group exists; setting its retention and leaving its KMS key as it is', { logGroupName });
    await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays }));
  }
}

/**
 * A new instance, or — when the claim found the tenant offboarded with a final snapshot — a restore of that snapshot,
 * checked to exist and be available before anything is created.
 */
async function instanceRequestOf(deps: CreateInstanceDeps, state: WorkflowState): Promise<InstanceRequest> {
  const snapshot = state.claim?.restoreFrom;
  if (!snapshot)
    return { action: 'CreateDBInstance', input: buildCreateDbInstanceRequest(state.request, deps.platform) };
  const facts = await describeFinalSnapshot(deps.rds, snapshot);
  return {
    action: 'RestoreDBInstanceFromDBSnapshot',
    input: buildRestoreDbInstanceRequest(state.request, deps.platform, facts),
  };
}

/**
 * CreateInstance: creates the log groups of the instance's exported logs, then the tenant's DB instance (or finds
 * the one an earlier attempt of this execution created), records its id in the registry so operators see it while
 * it is still creating, and returns the waiting deadline.
 */
export async function createInstance(deps: CreateInstanceDeps, state: WorkflowState): Promise<InstanceResult> {
  const { request } = state;
  const instanceRequest = await instanceRequestOf(deps, state);
  const input = instanceRequest.input;
  const instanceId = input.DBInstanceIdentifier as string;
  // Before the instance: RDS creates any missing group itself, unencrypted by the platform key and kept forever.
  const existingGroups = await createLogGroups(
    deps.logs,
    buildLogGroupRequests(request, deps.platform.kmsKeyArn),
    deps.logRetentionDays,
  );
  logger.info('creating DB instance', {
    instanceId,
    instanceClass: input.DBInstanceClass,
    action: instanceRequest.action,
  });
  const { instanceArn, createdAtMs } = await createOrAdopt(deps.rds, instanceRequest, request);
  await adoptLogGroups(deps.logs, existingGroups, deps.logRetentionDays);
  const recorded = await transitionOwnedRecord(deps.registry, deps.table, request, {
    from: ['PROVISIONING'],
    set: { instanceId },
  });
  if (!recorded) {
    throw new TenantConflictError(
      `the registry record of tenant ${request.tenantId} now belongs to another execution; instance ${instanceId} of this execution is rolled back`,
    );
  }
  return { instanceId, instanceArn, deadline: deadlineFor(request.tierDefinition, createdAtMs) };
}
