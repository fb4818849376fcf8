import type { RDSClient } from '@aws-sdk/client-rds';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clock } from '../shared/clock';
import type { ReadinessResult, WorkflowState } from '../shared/contracts';
import { getTenant } from '../shared/registry';
import { describeInstance } from './describe';
import { pollOptionsFor } from './options';
import { waitForAvailability } from './poll';

export interface WaitDeps {
  rds: RDSClient;
  registry: DynamoDBDocumentClient;
  table: string;
  budgetMs: number;
}

/**
 * WaitForInstance: one long poll per invocation (see {@link waitForAvailability}). The workflow loops on PENDING, so
 * an hour-long creation costs a handful of state transitions instead of one per describe. `polls` adds up across
 * the invocations of one wait.
 */
export async function waitForInstance(deps: WaitDeps, state: WorkflowState): Promise<ReadinessResult> {
  const opts = pollOptionsFor(state, deps.budgetMs);
  const result = await waitForAvailability(
    {
      describe: () => describeInstance(deps.rds, opts.instanceId),
      readSignal: async () => (await getTenant(deps.registry, deps.table, state.request.tenantId))?.readySignalAt,
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
    },
    opts,
  );
  return { ...result, polls: (state.readiness?.polls ?? 0) + result.polls };
}
