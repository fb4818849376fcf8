import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { nowIso } from './clock';
import {
  type ClaimResult,
  REGISTRY_STATUS_INDEX,
  type TenantRecord,
  type TenantStatus,
  type ValidatedRequest,
} from './contracts';
import { RetryableError, TenantConflictError } from './errors';

/**
 * The tenant registry: one item per tenant, keyed by `tenantId`. Every write after the claim is conditional on the
 * item still belonging to the writing execution, so a duplicate execution can never overwrite a live tenant.
 */

/** Why a ROLLBACK_FAILED tenant cannot be onboarded again yet, with its leftovers: the claim and tenantctl say it. */
export function rollbackFailedReason(record: Pick<TenantRecord, 'tenantId' | 'leftovers'>): string {
  const leftovers = (record.leftovers ?? []).join(', ') || 'see the registry';
  return `tenant ${record.tenantId} has leftovers of a failed rollback (${leftovers}); remove them and set the registry record to FAILED before onboarding again`;
}

/** What the claim step should do, given the current record. Pure, so every branch is unit-tested. */
export type ClaimDecision =
  | { action: 'create'; attempt: 1 }
  | { action: 'replace'; attempt: number; previousExecutionArn: string }
  | { action: 'resume'; attempt: number }
  | { action: 'duplicate'; attempt: number }
  | { action: 'reject'; reason: string };

export function decideClaim(record: TenantRecord | undefined, request: ValidatedRequest): ClaimDecision {
  if (!record) return { action: 'create', attempt: 1 };
  if (record.executionArn === request.executionArn) return { action: 'resume', attempt: record.attempt };
  if (record.requestId === request.requestId) return { action: 'duplicate', attempt: record.attempt };
  switch (record.status) {
    case 'FAILED':
      return { action: 'replace', attempt: record.attempt + 1, previousExecutionArn: record.executionArn };
    case 'ACTIVE':
      return { action: 'reject', reason: `tenant ${record.tenantId} is already ACTIVE on tier ${record.tier}` };
    case 'PROVISIONING':
      return {
        action: 'reject',
        reason: `tenant ${record.tenantId} is already being provisioned by execution ${record.executionArn}`,
      };
    case 'ROLLBACK_FAILED':
      return {
        action: 'reject',
        reason: rollbackFailedReason(record),
      };
  }
}

/** Reads one tenant record with a strongly consistent read. */
export async function getTenant(doc: DynamoDBDocumentClient, table: string, tenantId: string) {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { tenantId }, ConsistentRead: true }));
  return Item as TenantRecord | undefined;
}

function newRecord(request: ValidatedRequest, attempt: number, now: string): TenantRecord {
  return {
    tenantId: request.tenantId,
    tier: request.tier,
    status: 'PROVISIONING',
    requestId: request.requestId,
    requestedBy: request.requestedBy,
    executionArn: request.executionArn,
    attempt,
    metadata: request.metadata,
    createdAt: now,
    updatedAt: now,
  };
}

const MAX_CLAIM_RACES = 3;

/**
 * Claims the tenant for this execution. Returns CLAIMED (also when this execution already holds the claim), or
 * DUPLICATE when the same request id already owns the record; throws {@link TenantConflictError} when the tenant is
 * live or held by another request. Lost races re-read and decide again.
 */
export async function claimTenant(
  doc: DynamoDBDocumentClient,
  table: string,
  request: ValidatedRequest,
): Promise<ClaimResult> {
  for (let race = 0; race < MAX_CLAIM_RACES; race += 1) {
    const decision = decideClaim(await getTenant(doc, table, request.tenantId), request);
    switch (decision.action) {
      case 'reject':
        throw new TenantConflictError(decision.reason);
      case 'duplicate':
        return { outcome: 'DUPLICATE', attempt: decision.attempt };
      case 'resume':
        return { outcome: 'CLAIMED', attempt: decision.attempt };
    }
    const now = nowIso();
    const condition =
      decision.action === 'create'
        ? { ConditionExpression: 'attribute_not_exists(tenantId)' }
        : {
            ConditionExpression: '#status = :failed AND executionArn = :previous',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':failed': 'FAILED', ':previous': decision.previousExecutionArn },
          };
    try {
      await doc.send(
        new PutCommand({ TableName: table, Item: newRecord(request, decision.attempt, now), ...condition }),
      );
      return { outcome: 'CLAIMED', attempt: decision.attempt };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  throw new RetryableError(`ClaimTenant: the registry record of ${request.tenantId} kept changing; retrying`);
}

/**
 * Updates the record only while this execution owns it. Returns false when another execution owns it (the write is
 * skipped: a rejected duplicate must never touch a live tenant's record).
 */
export async function updateOwnedRecord(
  doc: DynamoDBDocumentClient,
  table: string,
  owner: Pick<ValidatedRequest, 'tenantId' | 'executionArn'>,
  fields: Partial<Omit<TenantRecord, 'tenantId' | 'executionArn'>>,
): Promise<boolean> {
  const entries = Object.entries({ ...fields, updatedAt: nowIso() }).filter(([, v]) => v !== undefined);
  const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
  const values = Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v]));
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { tenantId: owner.tenantId },
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'executionArn = :owner',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':owner': owner.executionArn },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Statuses after which the registry record no longer changes without a new request. */
export const TERMINAL_STATUSES: readonly TenantStatus[] = ['ACTIVE', 'FAILED', 'ROLLBACK_FAILED'];

/**
 * Records RDS's "DB instance created" event as a readiness hint, only while the tenant is provisioning that
 * instance. Returns false when there is nothing to signal (unknown tenant, other status).
 */
export async function recordReadySignal(
  doc: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  at: string,
): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { tenantId },
        UpdateExpression: 'SET readySignalAt = :at',
        ConditionExpression: '#status = :provisioning',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':at': at, ':provisioning': 'PROVISIONING' },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The index query for one status, most recently updated first (`status` is a DynamoDB reserved word). */
function statusQuery(table: string, status: TenantStatus): QueryCommandInput {
  return {
    TableName: table,
    IndexName: REGISTRY_STATUS_INDEX,
    KeyConditionExpression: '#status = :status',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': status },
    ScanIndexForward: false,
  };
}

/** Every record in `status`, most recently updated first (paginated through the status index). */
export async function tenantsInStatus(
  doc: DynamoDBDocumentClient,
  table: string,
  status: TenantStatus,
): Promise<TenantRecord[]> {
  const records: TenantRecord[] = [];
  for await (const page of paginateQuery({ client: doc }, statusQuery(table, status))) {
    records.push(...((page.Items ?? []) as TenantRecord[]));
  }
  return records;
}

/** How many tenants are in `status` (COUNT queries read only the index keys). */
export async function countTenantsInStatus(doc: DynamoDBDocumentClient, table: string, status: TenantStatus) {
  let count = 0;
  for await (const page of paginateQuery({ client: doc }, { ...statusQuery(table, status), Select: 'COUNT' })) {
    count += page.Count ?? 0;
  }
  return count;
}
