import { ModifyDBInstanceCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clock } from '../shared/clock';
import type { ReadinessResult, TenantRecord, WorkflowState } from '../shared/contracts';
import { awsErrorName } from '../shared/errors';
import {
  buildPostRestoreModification,
  needsPostRestoreModification,
  type PlatformSettings,
} from '../shared/instance-settings';
import type { InstanceView } from '../shared/instance-view';
import { getTenant } from '../shared/registry';
import { logger } from '../shared/runtime';
import { describeInstance } from './describe';
import { pollOptionsFor } from './options';
import { type SharedView, waitForAvailability } from './poll';
import { classifyInstanceStatus } from './status';

export interface WaitDeps {
  rds: RDSClient;
  registry: DynamoDBDocumentClient;
  table: string;
  budgetMs: number;
  /** What the post-restore ModifyDBInstance of an undeleted tenant needs; only read when restoring. */
  platform: () => Pick<PlatformSettings, 'kmsKeyArn' | 'monitoringRoleArn'>;
}

/**
 * An undeleted tenant's restored instance is `available` before it has what the restore could not set (the master
 * secret above all): this sends the post-restore ModifyDBInstance and reports the instance as modifying, so the wait
 * goes on until RDS reports the new master secret. A modification RDS refuses because the instance is busy is sent
 * again at the next describe.
 */
async function completeRestore(deps: WaitDeps, state: WorkflowState, view: InstanceView): Promise<InstanceView> {
  const input = buildPostRestoreModification(
    state.request.tenantId,
    state.request.tierDefinition,
    deps.platform(),
    view.snapshot?.AllocatedStorage,
  );
  try {
    await deps.rds.send(new ModifyDBInstanceCommand(input));
    logger.info('restored DB instance available; applying the tier settings a restore cannot set', {
      instanceId: input.DBInstanceIdentifier,
    });
  } catch (error) {
    if (awsErrorName(error) !== 'InvalidDBInstanceStateFault') throw error;
    logger.info('restored DB instance busy; applying its tier settings at the next look', {
      instanceId: input.DBInstanceIdentifier,
    });
  }
  return { ...view, status: 'modifying' };
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
  const restoring = state.claim?.restoreFrom !== undefined;
  let shared: SharedView | undefined;
  const result = await waitForAvailability(
    {
      describe: async () => {
        const view = await describeInstance(deps.rds, opts.instanceId);
        return restoring && needsPostRestoreModification(view) ? completeRestore(deps, state, view) : view;
      },
      readSignal: async () => {
        const record = await getTenant(deps.registry, deps.table, state.request.tenantId);
        shared = sharedViewOf(record);
        return signalOf(record);
      },
      // The shared poller's "available" of a restore still missing its settings must not stand in for a describe.
      sharedStatus: () => (restoring && shared && needsPostRestoreModification(shared) ? undefined : shared),
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
    },
    opts,
  );
  return { ...result, polls: (state.readiness?.polls ?? 0) + result.polls };
}
