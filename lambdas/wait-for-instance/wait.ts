import type { RDSClient } from '@aws-sdk/client-rds';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clock } from '../shared/clock';
import type { ReadinessResult, TenantRecord, WorkflowState } from '../shared/contracts';
import { getTenant } from '../shared/registry';
import { describeInstance } from './describe';
import { pollOptionsFor } from './options';
import { type SharedView, waitForAvailability } from './poll';
import { classifyInstanceStatus } from './status';

export interface WaitDeps {
  rds: RDSClient;
  registry: DynamoDBDocumentClient;
  table: string;
  budgetMs: number;
}

/**
 * What makes the waiter describe at once: RDS's "DB instance created" event, or the shared poller seeing the
 * instance in a status that ends the wait (available, or one an operator must fix). Other shared statuses only tell
 * the waiter it may describe less often. Pure.
 */
export function signalOf(record: Pick<TenantRecord, 'readySignalAt' | 'observedStatus' | 'observedAt'> | undefined) {
  if (!record) return undefined;
  if (record.readySignalAt) return record.readySignalAt;
  const observed = record.observedStatus;
  if (observed && classifyInstanceStatus(observed) !== 'pending') return `observed ${observed} at ${record.observedAt}`;
  return undefined;
}

/** The shared status poller's view recorded in `record`, with the endpoint and secret once it saw them. Pure. */
export function sharedViewOf(record: TenantRecord | undefined): SharedView | undefined {
  if (!record?.observedStatus || !record.observedAt) return undefined;
  const { observedEndpointAddress: address, observedEndpointPort: port, observedMasterSecretArn } = record;
  return {
    status: record.observedStatus,
    atMs: Date.parse(record.observedAt),
    ...(address && port ? { endpoint: { address, port } } : {}),
    ...(observedMasterSecretArn ? { masterSecretArn: observedMasterSecretArn } : {}),
    ...(record.observedInstance ? { snapshot: record.observedInstance } : {}),
  };
}

/**
 * WaitForInstance: one long poll per invocation (see {@link waitForAvailability}). The workflow loops on PENDING, so
 * an hour-long creation costs a handful of state transitions instead of one per describe. `polls` adds up across
 * the invocations of one wait.
 */
export async function waitForInstance(deps: WaitDeps, state: WorkflowState): Promise<ReadinessResult> {
  const opts = pollOptionsFor(state, deps.budgetMs);
  let shared: SharedView | undefined;
  const result = await waitForAvailability(
    {
      describe: () => describeInstance(deps.rds, opts.instanceId),
      readSignal: async () => {
        const record = await getTenant(deps.registry, deps.table, state.request.tenantId);
        shared = sharedViewOf(record);
        return signalOf(record);
      },
      sharedStatus: () => shared,
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
    },
    opts,
  );
  return { ...result, polls: (state.readiness?.polls ?? 0) + result.polls };
}
