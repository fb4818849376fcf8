/**
 * Registry writes of scheduled offboarding and of the retention purge, beside registry.ts (the registry's only
 * writers). Every write is conditional on what the decision read (invariant 9): a schedule is recorded only while
 * the tenant may still be offboarded and the pending entry is the one the decision saw; the purge takes an
 * OFFBOARDED tenant (status, no operation, retention passed) before it deletes anything, so an undelete that took
 * the tenant first wins and the purge touches nothing.
 *
 * @module
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { nowIso } from './clock';
import type { ScheduledOffboarding, TenantRecord } from './contracts';
import { OPERATION_KINDS } from './lifecycle/operations';
import { queryAll, statusQuery } from './registry';

/** Runs a conditional update; false when its condition failed. */
async function conditionalUpdate(doc: DynamoDBDocumentClient, input: UpdateCommandInput): Promise<boolean> {
  try {
    await doc.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** `#pending` as the decision saw it: absent, or the same entry (its request id and when it was recorded). */
function pendingCondition(previous: ScheduledOffboarding | undefined) {
  if (!previous) return { expression: 'attribute_not_exists(#pending)', values: {} };
  return {
    expression: `#pending.scheduledAt = :previousAt AND ${previous.requestId === undefined ? 'attribute_not_exists(#pending.requestId)' : '#pending.requestId = :previousId'}`,
    values: {
      ':previousAt': previous.scheduledAt,
      ...(previous.requestId === undefined ? {} : { ':previousId': previous.requestId }),
    },
  };
}

/**
 * Records `schedule` as the tenant's pending offboarding, only while the tenant is in a status offboarding may
 * start from, no operation holds it, and its pending entry is still `previous` (none when undefined). Returns false
 * when the record changed since it was read.
 */
export function recordScheduledOffboarding(
  doc: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  schedule: ScheduledOffboarding,
  previous: ScheduledOffboarding | undefined,
): Promise<boolean> {
  const from = OPERATION_KINDS.offboard.from;
  const fromValues = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
  const pending = pendingCondition(previous);
  return conditionalUpdate(doc, {
    TableName: table,
    Key: { tenantId },
    UpdateExpression: 'SET #pending = :schedule, updatedAt = :now',
    ConditionExpression: `#status IN (${Object.keys(fromValues).join(', ')}) AND attribute_not_exists(#operation) AND ${pending.expression}`,
    ExpressionAttributeNames: { '#pending': 'scheduledOffboarding', '#status': 'status', '#operation': 'operation' },
    ExpressionAttributeValues: { ':schedule': schedule, ':now': nowIso(), ...fromValues, ...pending.values },
  });
}

/** Removes the pending offboarding `pending`, only while it is still the one recorded. False when it changed. */
export function clearScheduledOffboarding(
  doc: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  pending: ScheduledOffboarding,
): Promise<boolean> {
  const same = pendingCondition(pending);
  return conditionalUpdate(doc, {
    TableName: table,
    Key: { tenantId },
    UpdateExpression: 'SET updatedAt = :now REMOVE #pending',
    ConditionExpression: same.expression,
    ExpressionAttributeNames: { '#pending': 'scheduledOffboarding' },
    ExpressionAttributeValues: { ...same.values, ':now': nowIso() },
  });
}

/** The fields offboarding kept for retention, removed once the purge deleted what they name. */
const RETENTION_FIELDS = ['finalSnapshots', 'purgeAfter', 'retainedBackupsArn'] as const;

/**
 * The records the purge looks at when it runs at `now`: OFFBOARDED past their purge date, PURGED ones still naming
 * kept snapshots or backups (a purge that stopped half-way), and ACTIVE ones restored from a final snapshot whose
 * purge date passed (the old snapshots are no longer the tenant's only copy). Read through the status index.
 */
export async function purgeCandidates(doc: DynamoDBDocumentClient, table: string, now: string) {
  const query = (status: 'OFFBOARDED' | 'PURGED' | 'ACTIVE', filter: string, values: Record<string, string>) => {
    const base = statusQuery(table, status);
    return queryAll(doc, {
      ...base,
      FilterExpression: filter,
      ExpressionAttributeValues: { ...base.ExpressionAttributeValues, ...values },
    });
  };
  const passed = 'purgeAfter <= :now';
  return [
    ...(await query('OFFBOARDED', passed, { ':now': now })),
    ...(await query('PURGED', RETENTION_FIELDS.map((f) => `attribute_exists(${f})`).join(' OR '), {})),
    ...(await query('ACTIVE', passed, { ':now': now })),
  ];
}

/**
 * Takes an OFFBOARDED tenant for the purge: status `PURGED` before anything is deleted, conditional on OFFBOARDED,
 * no operation, and the retention `purgeAfter` still passed at `now`. False when the tenant moved on (an undelete
 * took it first): the purge then deletes nothing.
 */
export function takeForPurge(
  doc: DynamoDBDocumentClient,
  table: string,
  record: Pick<TenantRecord, 'tenantId'>,
  now: string,
): Promise<boolean> {
  return conditionalUpdate(doc, {
    TableName: table,
    Key: { tenantId: record.tenantId },
    UpdateExpression: 'SET #status = :purged, updatedAt = :now',
    ConditionExpression: '#status = :offboarded AND attribute_not_exists(#operation) AND purgeAfter <= :now',
    ExpressionAttributeNames: { '#status': 'status', '#operation': 'operation' },
    ExpressionAttributeValues: { ':purged': 'PURGED', ':offboarded': 'OFFBOARDED', ':now': now },
  });
}

/**
 * Records that everything kept for a tenant is deleted: removes the retention fields and sets `purgedAt`, conditional
 * on `status` (PURGED for an offboarded tenant, ACTIVE for a restored one, status unchanged) and on the record still
 * naming the snapshots the purge deleted (their `purgeAfter`). False when the record changed.
 */
export function recordPurged(
  doc: DynamoDBDocumentClient,
  table: string,
  record: Pick<TenantRecord, 'tenantId' | 'purgeAfter'>,
  status: 'PURGED' | 'ACTIVE',
  now: string,
): Promise<boolean> {
  const kept = record.purgeAfter
    ? { expression: 'purgeAfter = :purgeAfter', values: { ':purgeAfter': record.purgeAfter } }
    : { expression: 'attribute_not_exists(purgeAfter)', values: {} };
  return conditionalUpdate(doc, {
    TableName: table,
    Key: { tenantId: record.tenantId },
    UpdateExpression: `SET ${status === 'PURGED' ? 'purgedAt = :now, ' : ''}updatedAt = :now REMOVE ${RETENTION_FIELDS.join(', ')}`,
    ConditionExpression: `#status = :status AND attribute_not_exists(#operation) AND ${kept.expression}`,
    ExpressionAttributeNames: { '#status': 'status', '#operation': 'operation' },
    ExpressionAttributeValues: { ':status': status, ':now': now, ...kept.values },
  });
}
