import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nowIso } from '../shared/clock';
import type { ActivationResult, WorkflowState } from '../shared/contracts';
import { TenantConflictError } from '../shared/errors';
import { outcomeEntry, publishEvent } from '../shared/events';
import { getTenant, updateOwnedRecord } from '../shared/registry';
import { METRIC_NAMES, MetricUnit, metrics } from '../shared/runtime';
import { activationFacts, provisionedAtOf, provisionedDetail, provisioningSeconds } from './activation';
import { registryLocation } from './location';

export interface MarkActiveDeps {
  registry: DynamoDBDocumentClient;
  table: string;
  events: EventBridgeClient;
  busName: string;
}

/**
 * MarkActive: the registry record becomes ACTIVE with the endpoint and secret ARN, then the `provisioned` outcome
 * event goes out and the provisioning is counted.
 *
 * Idempotent: a retry rewrites the same values and publishes the event again. EventBridge delivers at least once
 * anyway, so consumers must treat a second event with the same `executionArn` as a duplicate.
 *
 * Failure fields need no clearing: the claim writes a fresh record for every attempt, and a failed execution never
 * reaches this step.
 */
export async function markActive(deps: MarkActiveDeps, state: WorkflowState): Promise<ActivationResult> {
  const { request } = state;
  const facts = activationFacts(state);
  const record = await getTenant(deps.registry, deps.table, request.tenantId);
  const notOurs = () =>
    new TenantConflictError(
      `the registry record of tenant ${request.tenantId} belongs to another execution; not marking it ACTIVE`,
    );
  if (!record || record.executionArn !== request.executionArn) throw notOurs();
  const provisionedAt = provisionedAtOf(record, nowIso());
  const active = { status: 'ACTIVE' as const, provisionedAt, ...facts, ...registryLocation(state) };
  if (!(await updateOwnedRecord(deps.registry, deps.table, request, active))) {
    throw notOurs();
  }
  await publishEvent(
    deps.events,
    outcomeEntry(deps.busName, { kind: 'provisioned', value: provisionedDetail(state, facts) }),
  );
  // After the event, so a failed publish (retried) does not count the tenant twice; stepHandler flushes.
  metrics.addDimension('tier', request.tier);
  metrics.addMetric(METRIC_NAMES.provisioned, MetricUnit.Count, 1);
  metrics.addMetric(METRIC_NAMES.duration, MetricUnit.Seconds, provisioningSeconds(record.createdAt, provisionedAt));
  return { status: 'ACTIVE', provisionedAt };
}
