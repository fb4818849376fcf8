/**
 * TakeTenant of the tier change workflow: checks the request against the deployed catalog and the tenant's tier,
 * then takes the tenant (ACTIVE or MODIFY_FAILED → MODIFYING). The change it records in the state is fixed for the
 * whole execution: the tier the registry had, the new tier, when it applies, and when storage last changed (RDS
 * refuses another storage change for 6 hours).
 *
 * @module
 */
import type { TenantRecord } from '../shared/contracts';
import { ValidationError } from '../shared/errors';
import { decideTake } from '../shared/lifecycle/operations';
import { lockOf, type TakeEvent, takeAfterOutbox } from '../shared/lifecycle/take';
import {
  STORAGE_PARAMETERS,
  sameTierProblem,
  type TierChangeLock,
  tierChangeRequestOf,
} from '../shared/lifecycle/tier-change';
import type { OutboxDeps } from '../shared/outcomes';
import { getTenant } from '../shared/registry';
import type { TierCatalog } from '../shared/tiers';

/** When the newest tier change that sent a storage parameter ended (ISO), if any is in the history. */
function lastStorageChangeOf(record: Pick<TenantRecord, 'lifecycleHistory'>): string | undefined {
  return record.lifecycleHistory
    ?.filter((e) => e.operation === 'change-tier' && e.tierChange?.applied.some((p) => STORAGE_PARAMETERS.includes(p)))
    .at(-1)?.finishedAt;
}

/** Validates the request and takes the tenant for the change. */
export async function takeForTierChange(
  deps: OutboxDeps,
  catalog: TierCatalog,
  event: TakeEvent,
): Promise<TierChangeLock> {
  const request = tierChangeRequestOf(event.input, catalog);
  const before = await getTenant(deps.registry, deps.table, request.tenantId);
  const decision = decideTake(before, request.operation, event.executionArn, request.requestId);
  // A redelivered request is a duplicate even though the tenant is on the new tier by now.
  if (before && decision.action === 'take') {
    const problem = sameTierProblem(request.tenantId, before.tier, request.to);
    if (problem) throw new ValidationError('to', problem);
  }
  const taken = await takeAfterOutbox(deps, { ...request, executionArn: event.executionArn });
  const lock = lockOf(request, event.executionArn, taken);
  if (taken.outcome === 'DUPLICATE') return lock;
  const record = before ?? taken.record;
  const storageChangedAt = lastStorageChangeOf(record);
  return {
    ...lock,
    change: {
      from: record.tier,
      to: request.to,
      when: request.when ?? catalog[request.to]?.tierChangeTiming ?? 'now',
      resumed: record.status === 'MODIFY_FAILED',
      ...(storageChangedAt === undefined ? {} : { storageChangedAt }),
      ...(record.secretArn === undefined ? {} : { secretArn: record.secretArn }),
      ownerExecutionArn: record.executionArn,
    },
  };
}
