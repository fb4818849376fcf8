/**
 * The rollout table: one item per platform (`lockId` = {@link ROLLOUT_LOCK_ID}) that is both the lock that lets
 * one rollout run at a time and the state of the last rollout (its waves, and why it halted). Every write is
 * conditional on the rollout that holds it.
 *
 * @module
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { nowIso } from './clock';
import { RolloutConflictError } from './errors';
import type { RolloutRecord, RolloutStatus, WaveSummary } from './rollout/contracts';

/** The key of the platform's rollout item: schema rollouts are serialized platform-wide. */
export const ROLLOUT_LOCK_ID = 'schema';

/** What a new rollout asks for. */
export interface RolloutClaim {
  rolloutId: string;
  executionArn: string;
  target: string;
  requestedBy: string;
  /** Now (ISO) and when the lock becomes stale (ISO): the execution timeout of the state machine. */
  at: string;
  leaseExpiresAt: string;
}

/** What to do with the lock, given the current item. Pure, so every branch is unit-tested. */
type RolloutClaimDecision = { action: 'claim' } | { action: 'resume' } | { action: 'reject'; reason: string };

export function decideRolloutClaim(record: RolloutRecord | undefined, claim: RolloutClaim): RolloutClaimDecision {
  if (record?.status !== 'RUNNING') return { action: 'claim' };
  if (record.executionArn === claim.executionArn) return { action: 'resume' };
  if (record.leaseExpiresAt < claim.at) return { action: 'claim' };
  return {
    action: 'reject',
    reason: `schema rollout ${record.rolloutId} (execution ${record.executionArn}) is still running since ${record.startedAt}; wait for it to end, or stop it and start again after ${record.leaseExpiresAt}`,
  };
}

/** Reads the platform's rollout item (strongly consistent). */
export async function getRollout(doc: DynamoDBDocumentClient, table: string): Promise<RolloutRecord | undefined> {
  const { Item } = await doc.send(
    new GetCommand({ TableName: table, Key: { lockId: ROLLOUT_LOCK_ID }, ConsistentRead: true }),
  );
  return Item as RolloutRecord | undefined;
}

/**
 * Takes the lock for `claim` (or finds that this execution holds it: a retried or redriven step). The write is
 * conditional on the item as it was read, so of two rollouts starting together exactly one wins.
 *
 * @throws {RolloutConflictError} while another rollout runs
 */
export async function claimRollout(doc: DynamoDBDocumentClient, table: string, claim: RolloutClaim): Promise<void> {
  const current = await getRollout(doc, table);
  const decision = decideRolloutClaim(current, claim);
  if (decision.action === 'reject') throw new RolloutConflictError(decision.reason);
  if (decision.action === 'resume') return;
  const record: RolloutRecord = {
    lockId: ROLLOUT_LOCK_ID,
    rolloutId: claim.rolloutId,
    executionArn: claim.executionArn,
    status: 'RUNNING',
    target: claim.target,
    requestedBy: claim.requestedBy,
    startedAt: claim.at,
    updatedAt: claim.at,
    leaseExpiresAt: claim.leaseExpiresAt,
    waves: {},
  };
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: record,
        ...(current
          ? {
              ConditionExpression: 'executionArn = :seen AND updatedAt = :seenAt',
              ExpressionAttributeValues: { ':seen': current.executionArn, ':seenAt': current.updatedAt },
            }
          : { ConditionExpression: 'attribute_not_exists(lockId)' }),
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    throw new RolloutConflictError('another schema rollout took the lock at the same moment; wait for it to end');
  }
}

/**
 * Records a wave's summary, only while `rolloutId` holds the item and runs. Returns false when it no longer does (a
 * late or retried step after the rollout ended).
 */
export async function recordWaveSummary(
  doc: DynamoDBDocumentClient,
  table: string,
  rolloutId: string,
  summary: WaveSummary,
): Promise<boolean> {
  return conditionalUpdate(doc, table, rolloutId, {
    UpdateExpression: 'SET waves.#wave = :summary, updatedAt = :now',
    ExpressionAttributeNames: { '#wave': String(summary.index) },
    ExpressionAttributeValues: { ':summary': summary, ':now': nowIso() },
  });
}

/**
 * Ends the rollout (releases the lock): COMPLETED, or HALTED with the reason. Only a RUNNING rollout ends, so a
 * retried step finds it ended and returns false.
 */
export async function endRollout(
  doc: DynamoDBDocumentClient,
  table: string,
  rolloutId: string,
  end: { status: Exclude<RolloutStatus, 'RUNNING'>; reason?: string },
): Promise<boolean> {
  const now = nowIso();
  return conditionalUpdate(doc, table, rolloutId, {
    UpdateExpression: `SET #status = :status, updatedAt = :now${end.status === 'HALTED' ? ', haltedAt = :now, haltReason = :reason' : ''}`,
    ExpressionAttributeValues: {
      ':status': end.status,
      ':now': now,
      ...(end.status === 'HALTED' ? { ':reason': end.reason ?? 'halted' } : {}),
    },
  });
}

async function conditionalUpdate(
  doc: DynamoDBDocumentClient,
  table: string,
  rolloutId: string,
  update: {
    UpdateExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  },
): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { lockId: ROLLOUT_LOCK_ID },
        // Every write leaves a RUNNING rollout that this rollout holds.
        ConditionExpression: 'rolloutId = :rolloutId AND #status = :running',
        UpdateExpression: update.UpdateExpression,
        ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status' },
        ExpressionAttributeValues: {
          ...update.ExpressionAttributeValues,
          ':rolloutId': rolloutId,
          ':running': 'RUNNING',
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
