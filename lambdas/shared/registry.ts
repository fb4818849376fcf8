/**
 * The tenant registry: one item per tenant, keyed by `tenantId`, and the only module that writes it. Every write
 * after the claim is a transition: conditional on the item still belonging to the writing execution *and* on the
 * status it leaves, so neither a duplicate execution nor a late writer (the reaper racing MarkActive) can overwrite
 * a tenant that has moved on.
 *
 * @module
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  paginateQuery,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { nowIso } from './clock';
import {
  type ClaimResult,
  type FinalSnapshot,
  type InstanceSnapshot,
  REGISTRY_STATUS_INDEX,
  type RolloutFailure,
  type TenantRecord,
  type TenantStatus,
  type ValidatedRequest,
} from './contracts';
import { OutcomePendingError, RetryableError, TenantConflictError } from './errors';
import { restorableSnapshotOf } from './final-snapshots';
import { appendHistory, type HistoryEntry } from './lifecycle/history';
import {
  decideTake,
  type HeldOperation,
  OPERATION_KINDS,
  type OperationName,
  type OperationOutcome,
  releaseStatus,
} from './lifecycle/operations';
import { LIFECYCLE_OUTCOME_STATUSES } from './lifecycle/outcomes';
import { activeTenantReason } from './lifecycle/tier-change';

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
  | { action: 'reject'; reason: string }
  /** An offboarded tenant (or one whose restore failed): restore `snapshot` instead of creating an empty database. */
  | { action: 'restore'; attempt: number; snapshot: FinalSnapshot; previous: PreviousRecord }
  /** A purged tenant: nothing of it is left, so it is onboarded afresh with an empty database. */
  | { action: 'renew'; attempt: number; previous: PreviousRecord };

/**
 * The record a claim replaces, as read: the claim's write is conditional on it being unchanged (same status, same
 * `updatedAt`, no operation holding it), so a purge or another onboarding that wrote in between wins cleanly.
 */
interface PreviousRecord {
  status: TenantStatus;
  updatedAt: string;
}

/** The claim of an OFFBOARDED tenant: restore its final snapshot, unless a purge holds it or nothing is kept. */
function decideUndelete(record: TenantRecord): ClaimDecision {
  if (record.operation) {
    return {
      action: 'reject',
      reason: `tenant ${record.tenantId} is OFFBOARDED and busy with ${record.operation.name} execution ${record.operation.executionArn}; onboard it once that operation has ended`,
    };
  }
  const snapshot = restorableSnapshotOf(record);
  if (!snapshot) {
    return {
      action: 'reject',
      reason: `tenant ${record.tenantId} is OFFBOARDED but its record lists no final snapshot in Region ${record.region ?? '(unknown)'}; nothing to restore`,
    };
  }
  return {
    action: 'restore',
    attempt: record.attempt + 1,
    snapshot,
    previous: { status: record.status, updatedAt: record.updatedAt },
  };
}

export function decideClaim(record: TenantRecord | undefined, request: ValidatedRequest): ClaimDecision {
  if (!record) return { action: 'create', attempt: 1 };
  if (record.executionArn === request.executionArn) {
    // A retried or redriven claim of this very execution: it may go on only while the tenant is still being
    // provisioned by it. Once its outcome is recorded, a redrive must not take the tenant back.
    if (record.status === 'PROVISIONING') return { action: 'resume', attempt: record.attempt };
    return {
      action: 'reject',
      reason: `this execution already ended the onboarding of tenant ${record.tenantId} as ${record.status}; start a new onboarding instead of redriving it`,
    };
  }
  if (record.requestId === request.requestId) return { action: 'duplicate', attempt: record.attempt };
  switch (record.status) {
    case 'FAILED': {
      // A failed restore keeps the final snapshots: the next onboarding restores again.
      const snapshot = restorableSnapshotOf(record);
      if (snapshot) {
        return {
          action: 'restore',
          attempt: record.attempt + 1,
          snapshot,
          previous: { status: record.status, updatedAt: record.updatedAt },
        };
      }
      return { action: 'replace', attempt: record.attempt + 1, previousExecutionArn: record.executionArn };
    }
    case 'OFFBOARDED':
      return decideUndelete(record);
    case 'PURGED':
      if (record.operation) return decideUndelete(record);
      return {
        action: 'renew',
        attempt: record.attempt + 1,
        previous: { status: record.status, updatedAt: record.updatedAt },
      };
    case 'ACTIVE':
      return { action: 'reject', reason: activeTenantReason(record.tenantId, record.tier, request.tier) };
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
    default:
      // A provisioned tenant in its later life (suspended, offboarded, busy with an operation) is not onboarded anew.
      return {
        action: 'reject',
        reason: `tenant ${record.tenantId} is ${record.status} on tier ${record.tier}; onboarding needs a new or FAILED tenant`,
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
    ...(request.secretName ? { secretName: request.secretName } : {}),
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * What a claim keeps of the record it replaces: a restore keeps the final snapshots (a failed restore stays
 * restorable, and the purge job deletes them after `purgeAfter` once the tenant is ACTIVE again); every claim keeps
 * the lifecycle history.
 */
function carriedOver(record: TenantRecord | undefined, decision: ClaimDecision): Partial<TenantRecord> {
  if (!record) return {};
  const history = record.lifecycleHistory ? { lifecycleHistory: record.lifecycleHistory } : {};
  if (decision.action !== 'restore') return history;
  const { finalSnapshots, offboardedAt, purgeAfter, retainedBackupsArn, region } = record;
  return Object.fromEntries(
    Object.entries({ ...history, finalSnapshots, offboardedAt, purgeAfter, retainedBackupsArn, region }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}

/** The condition of a claim's write: the record is absent, or still exactly as the decision read it. */
function claimCondition(
  decision: ClaimDecision & { action: 'create' | 'replace' | 'restore' | 'renew' },
): Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  switch (decision.action) {
    case 'create':
      return { ConditionExpression: 'attribute_not_exists(tenantId)' };
    case 'replace':
      return {
        ConditionExpression: '#status = :failed AND executionArn = :previous AND attribute_not_exists(outcomePending)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'FAILED', ':previous': decision.previousExecutionArn },
      };
    default:
      return {
        ConditionExpression:
          '#status = :status AND updatedAt = :updatedAt AND attribute_not_exists(#operation) AND attribute_not_exists(outcomePending)',
        ExpressionAttributeNames: { '#status': 'status', '#operation': 'operation' },
        ExpressionAttributeValues: { ':status': decision.previous.status, ':updatedAt': decision.previous.updatedAt },
      };
  }
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
    const record = await getTenant(doc, table, request.tenantId);
    const decision = decideClaim(record, request);
    switch (decision.action) {
      case 'reject':
        throw new TenantConflictError(decision.reason);
      case 'duplicate':
        return { outcome: 'DUPLICATE', attempt: decision.attempt };
      case 'resume':
        return resumedClaim(record, decision.attempt);
    }
    if (record?.outcomePending !== undefined) {
      // The new record would drop the event the old one still owes (see `settleOutbox`).
      throw new OutcomePendingError(
        `tenant ${request.tenantId} still owes its ${record.outcomePending} event; it is published before the tenant is claimed`,
      );
    }
    const now = nowIso();
    const item = { ...newRecord(request, decision.attempt, now), ...carriedOver(record, decision) };
    try {
      await doc.send(new PutCommand({ TableName: table, Item: item, ...claimCondition(decision) }));
      return {
        outcome: 'CLAIMED',
        attempt: decision.attempt,
        ...(decision.action === 'restore' ? { restoreFrom: decision.snapshot } : {}),
      };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  throw new RetryableError(`ClaimTenant: the registry record of ${request.tenantId} kept changing; retrying`);
}

/**
 * A retried claim of the execution that holds the tenant: it restores again when the record it wrote kept the final
 * snapshots, so a crash after the claim's write does not turn an undelete into an empty database.
 */
function resumedClaim(record: TenantRecord | undefined, attempt: number): ClaimResult {
  const snapshot = record && restorableSnapshotOf(record);
  return { outcome: 'CLAIMED', attempt, ...(snapshot ? { restoreFrom: snapshot } : {}) };
}

/**
 * `SET #f0 = :v0, ...` for the defined values of `fields`, with its name and value placeholders (attribute names are
 * always placeholders: several, like `status`, are DynamoDB reserved words).
 */
function setClause(fields: Record<string, unknown>) {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  return {
    expression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
    names: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
    values: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
  };
}

/** A status transition: the statuses the record may be in, what to set, and what to remove. */
export interface Transition {
  /** The write happens only while the record is in one of these statuses (the status it leaves). */
  from: readonly TenantStatus[];
  set: Partial<Omit<TenantRecord, 'tenantId' | 'executionArn'>>;
  remove?: readonly (keyof TenantRecord)[];
}

/**
 * Applies `transition` only while `owner` owns the record and the record is in one of `transition.from`. Returns
 * false when either condition fails (the write is skipped: a rejected duplicate never touches a live tenant's
 * record, and a late writer never moves a tenant that has moved on).
 *
 * @example
 * ```ts
 * await transitionOwnedRecord(doc, table, request, { from: ['PROVISIONING'], set: { status: 'ACTIVE' } });
 * ```
 */
export async function transitionOwnedRecord(
  doc: DynamoDBDocumentClient,
  table: string,
  owner: Pick<ValidatedRequest, 'tenantId' | 'executionArn'>,
  transition: Transition,
): Promise<boolean> {
  if (transition.from.length === 0) throw new Error('a registry transition needs the statuses it leaves');
  const set = setClause({ ...transition.set, updatedAt: nowIso() });
  const removed = transition.remove ?? [];
  const fromValues = Object.fromEntries(transition.from.map((status, i) => [`:from${i}`, status]));
  const update = `${set.expression}${removed.length > 0 ? ` REMOVE ${removed.map((_, i) => `#r${i}`).join(', ')}` : ''}`;
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { tenantId: owner.tenantId },
        UpdateExpression: update,
        ConditionExpression: `executionArn = :owner AND #status IN (${Object.keys(fromValues).join(', ')})`,
        ExpressionAttributeNames: {
          ...set.names,
          ...Object.fromEntries(removed.map((k, i) => [`#r${i}`, k])),
          '#status': 'status',
        },
        ExpressionAttributeValues: { ...set.values, ...fromValues, ':owner': owner.executionArn },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Statuses whose record carries an outcome the sweeper may still owe consumers. */
const OUTCOME_STATUSES: readonly TenantStatus[] = [
  ...new Set<TenantStatus>(['ACTIVE', 'FAILED', 'ROLLBACK_FAILED', ...LIFECYCLE_OUTCOME_STATUSES]),
];

/**
 * Records whose outcome event is still pending and that were last written at or after `since` (ISO), found through
 * the status index (its sort key is `updatedAt`, so only recent records are read).
 */
export async function recordsWithPendingOutcome(
  doc: DynamoDBDocumentClient,
  table: string,
  since: string,
): Promise<TenantRecord[]> {
  const records: TenantRecord[] = [];
  for (const status of OUTCOME_STATUSES) {
    const query = statusQuery(table, status);
    records.push(
      ...(await queryAll(doc, {
        ...query,
        KeyConditionExpression: '#status = :status AND updatedAt >= :since',
        FilterExpression: 'attribute_exists(outcomePending)',
        ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ':since': since },
      })),
    );
  }
  return records;
}

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

/**
 * Records the instance status the shared poller saw, only while the tenant is provisioning that very instance (a
 * hint, like the readiness signal: no owner check, nothing else changes). Returns false when there is nothing to
 * record.
 */
export async function recordObservedStatus(
  doc: DynamoDBDocumentClient,
  table: string,
  observation: {
    tenantId: string;
    instanceId: string;
    status: string;
    at: string;
    endpoint?: { address: string; port: number };
    masterSecretArn?: string;
    snapshot?: InstanceSnapshot;
  },
): Promise<boolean> {
  const seen: Record<string, unknown> = {
    observedStatus: observation.status,
    observedAt: observation.at,
    ...(observation.endpoint
      ? { observedEndpointAddress: observation.endpoint.address, observedEndpointPort: observation.endpoint.port }
      : {}),
    ...(observation.masterSecretArn ? { observedMasterSecretArn: observation.masterSecretArn } : {}),
    // Through JSON: the snapshot's absent fields are undefined, which the DocumentClient refuses to marshal.
    ...(observation.snapshot ? { observedInstance: JSON.parse(JSON.stringify(observation.snapshot)) } : {}),
  };
  const set = setClause(seen);
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { tenantId: observation.tenantId },
        UpdateExpression: set.expression,
        ConditionExpression: '#status = :provisioning AND instanceId = :instanceId',
        ExpressionAttributeNames: { ...set.names, '#status': 'status' },
        ExpressionAttributeValues: {
          ...set.values,
          ':provisioning': 'PROVISIONING',
          ':instanceId': observation.instanceId,
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The index query for one status, most recently updated first (`status` is a DynamoDB reserved word). */
export function statusQuery(table: string, status: TenantStatus): QueryCommandInput {
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
  return queryAll(doc, statusQuery(table, status));
}

/** Every record a query returns, page by page. */
export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<TenantRecord[]> {
  const records: TenantRecord[] = [];
  for await (const page of paginateQuery({ client: doc }, input)) {
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

// ---------------------------------------------------------------------------------------------------------------
// Schema version: written by the migration runner's callers (onboarding's RunMigrations, the rollout's
// MigrateTenant). A version only moves forward: migration names start with a fixed-width timestamp, so they compare
// as strings in the order they are applied.
// ---------------------------------------------------------------------------------------------------------------

/** A schema version to record on a tenant. */
export interface SchemaVersionWrite {
  tenantId: string;
  /** The last migration the database records. */
  version: string;
  /** When it was read (ISO). */
  at: string;
  /** The write happens only while the tenant is in one of these statuses. */
  from: readonly TenantStatus[];
  /** Also only while this execution owns the record (onboarding). @default - any owner (a rollout) */
  executionArn?: string;
  /** Recorded when the record has none yet. @default - left as it is */
  masterSecretArn?: string;
  /** Clears the tenant's last rollout failure (a rollout that brought it to the target). @default false */
  clearRolloutFailure?: boolean;
}

/**
 * Records `write.version` as the tenant's schema version, unless the record already holds that version or a later
 * one (a late or replayed writer never moves it backwards). Returns false when the write was skipped: same or later
 * version, other status, other owner, or no record.
 */
export async function recordSchemaVersion(
  doc: DynamoDBDocumentClient,
  table: string,
  write: SchemaVersionWrite,
): Promise<boolean> {
  if (write.from.length === 0) throw new Error('a schema version write needs the statuses it applies in');
  const set = setClause({ schemaVersion: write.version, schemaVersionAt: write.at, updatedAt: nowIso() });
  const fromValues = Object.fromEntries(write.from.map((status, i) => [`:from${i}`, status]));
  const conditions = [
    `#status IN (${Object.keys(fromValues).join(', ')})`,
    '(attribute_not_exists(schemaVersion) OR schemaVersion < :version)',
    ...(write.executionArn ? ['executionArn = :owner'] : []),
  ];
  const masterSecret = write.masterSecretArn
    ? { expression: ', masterSecretArn = if_not_exists(masterSecretArn, :masterSecretArn)' }
    : { expression: '' };
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { tenantId: write.tenantId },
        UpdateExpression: `${set.expression}${masterSecret.expression}${write.clearRolloutFailure ? ' REMOVE rolloutFailure' : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: { ...set.names, '#status': 'status' },
        ExpressionAttributeValues: {
          ...set.values,
          ...fromValues,
          ':version': write.version,
          ...(write.executionArn ? { ':owner': write.executionArn } : {}),
          ...(write.masterSecretArn ? { ':masterSecretArn': write.masterSecretArn } : {}),
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Records why a schema rollout could not migrate an ACTIVE tenant (its schema stays as it was: each tenant migrates
 * in one transaction). Returns false when the tenant is no longer ACTIVE.
 */
export async function recordRolloutFailure(
  doc: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  failure: RolloutFailure,
): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { tenantId },
        UpdateExpression: 'SET rolloutFailure = :failure, updatedAt = :now',
        ConditionExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failure': failure, ':now': nowIso(), ':active': 'ACTIVE' },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * The ACTIVE tenants whose last rollout failure belongs to wave `wave` of `rolloutId` (read through the status index
 * with a filter: a wave's report, read once per wave).
 */
export async function rolloutFailuresOf(
  doc: DynamoDBDocumentClient,
  table: string,
  rolloutId: string,
  wave: number,
): Promise<TenantRecord[]> {
  const query = statusQuery(table, 'ACTIVE');
  return queryAll(doc, {
    ...query,
    FilterExpression: 'rolloutFailure.rolloutId = :rolloutId AND rolloutFailure.wave = :wave',
    ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ':rolloutId': rolloutId, ':wave': wave },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle operations (suspend, resume, offboard, and any later kind in lifecycle/operations.ts): one at a time
// per tenant. Taking the tenant is a conditional write on the status it leaves and on no operation holding it;
// releasing it is conditional on the busy status and on the execution that took it.

/** Who takes a tenant for which operation. */
export interface OperationRequest {
  readonly tenantId: string;
  readonly operation: OperationName;
  readonly executionArn: string;
  readonly requestedBy: string;
  /** The caller's idempotency key (billing's event id). @default none: every execution is a new request */
  readonly requestId?: string;
}

/** What taking a tenant did: took it (or found it held by this execution), or found the request already handled. */
export interface TakeResult {
  readonly outcome: 'TAKEN' | 'DUPLICATE';
  /** The record as taken, or as found for a duplicate. */
  readonly record: TenantRecord;
  /** Why the request is a duplicate. */
  readonly reason?: string;
}

/**
 * Takes the tenant for `request.operation`: moves it from the status it is in to the operation's busy status and
 * records the operation, both in one write conditional on the status read and on no operation holding it. Returns
 * the record as taken (day-2 steps read where the database lives from it). A retried take by the execution that
 * already holds the tenant returns the record unchanged; a request whose idempotency key already ran (or runs) is a
 * DUPLICATE and changes nothing.
 *
 * @throws TenantConflictError when the tenant is unknown, in a status the operation cannot start from, or busy
 *   (the message names the operation in progress).
 * @throws OutcomePendingError while the record still owes the outcome event of its last transition (the outbox
 *   holds one event): publish it first (see `deliverPendingOutcome`), then take.
 */
export async function takeTenant(
  doc: DynamoDBDocumentClient,
  table: string,
  request: OperationRequest,
): Promise<TakeResult> {
  for (let race = 0; race < MAX_CLAIM_RACES; race += 1) {
    const record = await getTenant(doc, table, request.tenantId);
    const decision = decideTake(record, request.operation, request.executionArn, request.requestId);
    if (decision.action === 'refuse') throw new TenantConflictError(decision.reason);
    if (!record) continue;
    if (decision.action === 'held') return { outcome: 'TAKEN', record };
    if (decision.action === 'duplicate') return { outcome: 'DUPLICATE', record, reason: decision.reason };
    if (record.outcomePending !== undefined) {
      // The operation's release writes its own outcome into the outbox: an earlier event still in it would be lost.
      throw new OutcomePendingError(
        `tenant ${request.tenantId} still owes its ${record.outcomePending} event; it is published before the tenant is taken`,
      );
    }
    const now = nowIso();
    const operation: HeldOperation = {
      name: request.operation,
      executionArn: request.executionArn,
      requestedBy: request.requestedBy,
      startedAt: now,
      ...(request.requestId === undefined ? {} : { requestId: request.requestId }),
    };
    try {
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { tenantId: request.tenantId },
          UpdateExpression: 'SET #status = :to, #operation = :operation, updatedAt = :now',
          ConditionExpression:
            '#status = :from AND attribute_not_exists(#operation) AND attribute_not_exists(outcomePending)',
          ExpressionAttributeNames: { '#status': 'status', '#operation': 'operation' },
          ExpressionAttributeValues: {
            ':to': decision.to,
            ':from': decision.from,
            ':operation': operation,
            ':now': now,
          },
        }),
      );
      return { outcome: 'TAKEN', record: { ...record, status: decision.to, operation, updatedAt: now } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  throw new RetryableError(`the registry record of ${request.tenantId} kept changing while taking it; retrying`);
}

/** How the operation holding a tenant ended, and what its last step records with the release. */
export interface OperationRelease extends Omit<OperationRequest, 'requestedBy'> {
  readonly outcome: OperationOutcome;
  /** Why it failed (with `outcome: 'failed'`). */
  readonly reason?: string;
  /** The step that failed (with `outcome: 'failed'`). */
  readonly failedStep?: string;
  /** What a tier change did, kept on its history entry. @default none */
  readonly tierChange?: HistoryEntry['tierChange'];
  /** Further fields written with the release (an outbox entry, the offboarding's snapshot). @default none */
  readonly set?: Partial<Omit<TenantRecord, 'tenantId' | 'status' | 'operation' | 'lifecycleHistory'>>;
  /** Fields removed with the release (a pending schedule the offboarding made moot). @default none */
  readonly remove?: readonly ReleasableField[];
}

/** Fields a release may remove: never the ones the release itself writes. */
type ReleasableField = Exclude<keyof TenantRecord, 'tenantId' | 'status' | 'operation' | 'lifecycleHistory'>;

/**
 * Releases the tenant held by `release.executionArn`: the operation's done or failed status, the history entry, and
 * `release.set`, in one write conditional on the busy status and on this execution holding the tenant. Returns the
 * record as released, or the current record unchanged when this execution already released it (a retried step).
 *
 * @throws TenantConflictError when the tenant is not held by this execution and its history has no entry of it.
 */
export async function releaseTenant(
  doc: DynamoDBDocumentClient,
  table: string,
  release: OperationRelease,
): Promise<TenantRecord> {
  const record = await getTenant(doc, table, release.tenantId);
  const held = record?.operation;
  if (!record || !held || held.executionArn !== release.executionArn || held.name !== release.operation) {
    const done = record?.lifecycleHistory?.some(
      (e) => e.executionArn === release.executionArn && e.operation === release.operation,
    );
    if (record && done) return record;
    throw new TenantConflictError(
      `tenant ${release.tenantId} is not held by ${release.operation} execution ${release.executionArn}; nothing released`,
    );
  }
  const now = nowIso();
  const status = releaseStatus(release.operation, release.outcome);
  const lifecycleHistory = appendHistory(record.lifecycleHistory, {
    operation: release.operation,
    executionArn: release.executionArn,
    requestedBy: held.requestedBy,
    ...(held.requestId === undefined ? {} : { requestId: held.requestId }),
    startedAt: held.startedAt,
    finishedAt: now,
    outcome: release.outcome,
    ...(release.reason === undefined ? {} : { reason: release.reason }),
    ...(release.failedStep === undefined ? {} : { failedStep: release.failedStep }),
    ...(release.tierChange === undefined ? {} : { tierChange: release.tierChange }),
  });
  const set = setClause({ ...release.set, status, lifecycleHistory, updatedAt: now });
  const removed = release.remove ?? [];
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { tenantId: release.tenantId },
        UpdateExpression: `${set.expression} REMOVE #operation${removed.map((_, i) => `, #rm${i}`).join('')}`,
        ConditionExpression: '#status = :busy AND #operation.executionArn = :holder',
        ExpressionAttributeNames: {
          ...set.names,
          ...Object.fromEntries(removed.map((field, i) => [`#rm${i}`, field])),
          '#status': 'status',
          '#operation': 'operation',
        },
        ExpressionAttributeValues: { ...set.values, ':busy': record.status, ':holder': release.executionArn },
      }),
    );
  } catch (error) {
    // Only the holder writes a held record: a failed condition is a concurrent release of this very execution.
    if (error instanceof ConditionalCheckFailedException) {
      throw new RetryableError(`the registry record of ${release.tenantId} changed while releasing it; retrying`);
    }
    throw error;
  }
  const { operation: _released, ...rest } = record;
  const kept = Object.fromEntries(
    Object.entries(rest).filter(([field]) => !(removed as readonly string[]).includes(field)),
  ) as typeof rest;
  return { ...kept, ...release.set, status, lifecycleHistory, updatedAt: now };
}

/**
 * Records the final snapshots an offboarding confirmed `available` on the tenant it holds, before anything of the
 * tenant is deleted: a later run (after a failure) reads them back from the record instead of taking new ones, even
 * once the instance is gone. Conditional on the execution still holding the tenant in `OFFBOARDING`.
 *
 * @throws TenantConflictError when `executionArn` does not hold the tenant.
 */
export async function recordFinalSnapshots(
  doc: DynamoDBDocumentClient,
  table: string,
  holder: { tenantId: string; executionArn: string },
  finalSnapshots: readonly FinalSnapshot[],
): Promise<void> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { tenantId: holder.tenantId },
        UpdateExpression: 'SET finalSnapshots = :snapshots, updatedAt = :now',
        ConditionExpression: '#status = :busy AND #operation.executionArn = :holder',
        ExpressionAttributeNames: { '#status': 'status', '#operation': 'operation' },
        ExpressionAttributeValues: {
          ':snapshots': finalSnapshots,
          ':now': nowIso(),
          ':busy': OPERATION_KINDS.offboard.busy,
          ':holder': holder.executionArn,
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      throw new TenantConflictError(
        `tenant ${holder.tenantId} is not held by offboarding execution ${holder.executionArn}; its final snapshots are not recorded`,
      );
    }
    throw error;
  }
}

/**
 * The tenants `executionArn` holds: a busy-status query of the status index per operation kind, filtered on the
 * holder (busy tenants are few). For the reaper of lifecycle executions that ended without releasing their tenant.
 */
export async function tenantsHeldBy(
  doc: DynamoDBDocumentClient,
  table: string,
  executionArn: string,
): Promise<TenantRecord[]> {
  const records: TenantRecord[] = [];
  for (const status of new Set(Object.values(OPERATION_KINDS).map((kind) => kind.busy))) {
    const query = statusQuery(table, status);
    records.push(
      ...(await queryAll(doc, {
        ...query,
        FilterExpression: '#operation.executionArn = :holder',
        ExpressionAttributeNames: { ...query.ExpressionAttributeNames, '#operation': 'operation' },
        ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ':holder': executionArn },
      })),
    );
  }
  return records;
}
