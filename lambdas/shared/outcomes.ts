/**
 * The transactional outbox of outcome events. A step that ends a tenant's operation writes the new status and
 * `outcomePending` in one conditional write, publishes, then clears the flag. Whatever stops it in between (a
 * failed publish, a crash), the record still says an event is owed, and the sweeper publishes it: at least once,
 * always with the same `outcomeId`, and never by undoing the transition.
 *
 * @module
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RUNTIME_ENV, readEnv } from './config';
import type { FailedEventDetail, ProvisionedEventDetail, RestoredEventDetail, TenantRecord } from './contracts';
import { type OutcomeDetail, outcomeEntry, outcomeIdOf, publishEvent } from './events';
import { lifecycleOutcomeOf } from './lifecycle/outcomes';
import { getTenant, transitionOwnedRecord } from './registry';

/** The `provisioned` detail of an ACTIVE record, or undefined when the record lacks where the database is. */
export function provisionedDetailOf(record: TenantRecord): ProvisionedEventDetail | undefined {
  const { instanceId, endpointAddress, endpointPort, secretArn } = record;
  if (!instanceId || !endpointAddress || endpointPort === undefined || !secretArn) return undefined;
  return {
    outcomeId: outcomeIdOf('provisioned', record.executionArn),
    tenantId: record.tenantId,
    tier: record.tier,
    instanceId,
    endpointAddress,
    endpointPort,
    secretArn,
    executionArn: record.executionArn,
    requestId: record.requestId,
  };
}

/** The `restored` detail of an undeleted ACTIVE record: the provisioned detail plus the snapshot it came from. */
export function restoredDetailOf(record: TenantRecord): RestoredEventDetail | undefined {
  const provisioned = provisionedDetailOf(record);
  if (!provisioned || !record.restoredFrom) return undefined;
  return {
    ...provisioned,
    outcomeId: outcomeIdOf('restored', record.executionArn),
    restoredFrom: { snapshotArn: record.restoredFrom.snapshotArn, takenAt: record.restoredFrom.takenAt },
  };
}

/** The `failed` detail of a FAILED or ROLLBACK_FAILED record. */
export function failedDetailOf(record: TenantRecord): FailedEventDetail | undefined {
  if (record.status !== 'FAILED' && record.status !== 'ROLLBACK_FAILED') return undefined;
  return {
    outcomeId: outcomeIdOf('failed', record.executionArn),
    tenantId: record.tenantId,
    tier: record.tier,
    executionArn: record.executionArn,
    requestId: record.requestId,
    failedStep: record.failedStep ?? 'unknown',
    reason: record.failureReason ?? 'no reason recorded',
    status: record.status,
    leftovers: record.leftovers ?? [],
  };
}

/** The outcome `record` owes, rebuilt from the record alone; undefined when none is pending or it cannot be built. */
export function pendingOutcomeOf(record: TenantRecord): OutcomeDetail | undefined {
  switch (record.outcomePending) {
    case 'provisioned': {
      const value = record.status === 'ACTIVE' ? provisionedDetailOf(record) : undefined;
      return value && { kind: 'provisioned', value };
    }
    case 'restored': {
      const value = record.status === 'ACTIVE' ? restoredDetailOf(record) : undefined;
      return value && { kind: 'restored', value };
    }
    case 'failed': {
      const value = failedDetailOf(record);
      return value && { kind: 'failed', value };
    }
    default:
      return lifecycleOutcomeOf(record);
  }
}

export interface OutboxDeps {
  registry: DynamoDBDocumentClient;
  table: string;
  events: EventBridgeClient;
  busName: string;
}

/** The outbox of the deployed handlers: the registry table and the event bus the stack wires into their environment. */
export function outboxFromEnvironment(clients: { doc: DynamoDBDocumentClient; events: EventBridgeClient }): OutboxDeps {
  return {
    registry: clients.doc,
    table: readEnv(RUNTIME_ENV.registryTable),
    events: clients.events,
    busName: readEnv(RUNTIME_ENV.eventBusName),
  };
}

/**
 * Publishes the outcome `record` owes and clears its flag (only while the record is still in the same status and
 * owned by the same execution). Returns false when there was nothing to publish. A failed publish throws and leaves
 * the flag for the next try.
 */
export async function deliverPendingOutcome(deps: OutboxDeps, record: TenantRecord): Promise<boolean> {
  const outcome = pendingOutcomeOf(record);
  if (!outcome) return false;
  await publishEvent(deps.events, outcomeEntry(deps.busName, outcome));
  await transitionOwnedRecord(deps.registry, deps.table, record, {
    from: [record.status],
    set: {},
    remove: ['outcomePending'],
  });
  return true;
}

/**
 * Publishes the outcome event the tenant's record still owes, if any, before a new operation or onboarding writes its
 * own into the record's one-event outbox (which would otherwise overwrite it).
 */
export async function settleOutbox(deps: OutboxDeps, tenantId: string): Promise<void> {
  const record = await getTenant(deps.registry, deps.table, tenantId);
  if (record?.outcomePending !== undefined) await deliverPendingOutcome(deps, record);
}
