import { nowIso } from '../shared/clock';
import type { ActivationResult, TenantRecord, WorkflowState } from '../shared/contracts';
import { OutcomePendingError, RetryableError, TenantConflictError, toPlatformError } from '../shared/errors';
import { deliverPendingOutcome, type OutboxDeps } from '../shared/outcomes';
import { getTenant, transitionOwnedRecord } from '../shared/registry';
import { logger, MetricUnit, metrics } from '../shared/runtime';
import { METRIC_NAMES } from '../shared/telemetry';
import { activationFacts, provisionedAtOf, provisioningSeconds, restoreOutcome } from './activation';
import { registryLocation } from './location';

/** The registry and the bus MarkActive writes its outcome through. */
export type MarkActiveDeps = OutboxDeps;

/**
 * MarkActive: the point of no return. One conditional write moves the record PROVISIONING → ACTIVE with the
 * endpoint and secret ARN *and* the pending `provisioned` event (the outbox); then the event goes out and the flag is
 * cleared.
 *
 * Once the write has landed nothing may roll the tenant back: a failed publish becomes {@link OutcomePendingError},
 * which the workflow retries and then routes to a successful end (the sweeper publishes what stays pending, and
 * alerts), never to Rollback. A retry after a crash finds the record ACTIVE, skips the write and publishes again
 * with the same `outcomeId`, which consumers dedupe on.
 */
export async function markActive(deps: MarkActiveDeps, state: WorkflowState): Promise<ActivationResult> {
  const { request } = state;
  const facts = activationFacts(state);
  const record = await getTenant(deps.registry, deps.table, request.tenantId);
  if (!record || record.executionArn !== request.executionArn) {
    throw new TenantConflictError(
      `the registry record of tenant ${request.tenantId} belongs to another execution; not marking it ACTIVE`,
    );
  }
  let active: TenantRecord = record;
  if (record.status === 'PROVISIONING') {
    const provisionedAt = provisionedAtOf(record, nowIso());
    const set = {
      status: 'ACTIVE' as const,
      provisionedAt,
      ...facts,
      ...registryLocation(state),
      ...restoreOutcome(state),
    };
    if (!(await transitionOwnedRecord(deps.registry, deps.table, request, { from: ['PROVISIONING'], set }))) {
      // Someone wrote the record between the read and the write: read again and decide again.
      throw new RetryableError(`MarkActive: the registry record of ${request.tenantId} changed; retrying`);
    }
    active = { ...record, ...set };
    // Counted once, by the attempt whose write made the tenant ACTIVE; stepHandler flushes.
    metrics.addDimension('tier', request.tier);
    metrics.addMetric(METRIC_NAMES.provisioned, MetricUnit.Count, 1);
    metrics.addMetric(METRIC_NAMES.duration, MetricUnit.Seconds, provisioningSeconds(record.createdAt, provisionedAt));
  } else if (record.status !== 'ACTIVE') {
    throw new TenantConflictError(
      `the registry record of tenant ${request.tenantId} is ${record.status}, not PROVISIONING; not marking it ACTIVE`,
    );
  }
  try {
    await deliverPendingOutcome(deps, active);
  } catch (error) {
    const cause = toPlatformError(error, 'PutEvents');
    logger.error('tenant is ACTIVE but its provisioned event is not published yet', { reason: cause.message });
    throw new OutcomePendingError(
      `tenant ${request.tenantId} is ACTIVE; its provisioned event is pending (${cause.message})`,
      { cause: error },
    );
  }
  return { status: 'ACTIVE', provisionedAt: active.provisionedAt ?? nowIso() };
}
