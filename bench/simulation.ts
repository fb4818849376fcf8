/**
 * What waiting for RDS costs: the platform's long-polling WaitForInstance against a naive baseline that loops
 * "Wait 30 s → describe once → Choice" in the state machine. Both run the synthesized workflow in the workflow test
 * harness (real handlers, the AWS double on a virtual clock, a real PostgreSQL for the migrations), so an hour-long
 * creation simulates in about a second. `npm run bench` (bench/provisioning.ts) prints the comparison.
 *
 * @module
 */
import { RDSClient } from '@aws-sdk/client-rds';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { ReadinessResult, WorkflowState } from '../lambdas/shared/contracts';
import { STEPS } from '../lambdas/shared/contracts';
import { InstanceFailedError } from '../lambdas/shared/errors';
import { describeInstance } from '../lambdas/wait-for-instance/describe';
import { classifyInstanceStatus } from '../lambdas/wait-for-instance/status';
import { STATE_NAMES } from '../lib/workflow/provisioning/definition';
import {
  createWorkflowDouble,
  type InvocationRecord,
  installWorkflowDouble,
  READINESS_LISTENER,
  runWorkflow,
  startWorkflowDatabase,
  synthesizedDefinition,
  type WorkflowDatabase,
} from '../test/support/workflow-harness';

const MINUTE = 60_000;

/** Public on-demand prices, us-east-1, free tiers left out. */
export const PRICES = {
  asOf: '2026-11',
  source: 'https://aws.amazon.com/step-functions/pricing/ and https://aws.amazon.com/lambda/pricing/ (us-east-1)',
  /** Step Functions Standard workflows, per state transition ($0.025 per 1,000; retries count as transitions). */
  stepFunctionsPerTransitionUsd: 0.025 / 1000,
  /** Lambda on arm64, per GB-second (first pricing tier). */
  lambdaArmPerGbSecondUsd: 0.0000133334,
  /** Lambda, per request ($0.20 per 1M). */
  lambdaPerRequestUsd: 0.2 / 1_000_000,
} as const;

/** Virtual time every AWS API call takes in the simulation: a typical in-Region control-plane round trip. */
export const API_LATENCY_MS = 20;

export interface SimulationScenario {
  /** Minutes from CreateDBInstance until the instance is available (creating, then 2 minutes backing up). */
  creationMinutes: number;
  /** Whether RDS's "DB instance created" event reaches the readiness listener (2 s after). */
  rdsEvent: boolean;
  /** `platform`: the synthesized definition; `naive`: its wait replaced by a Wait/describe/Choice loop. */
  definition: 'platform' | 'naive';
  /**
   * Seconds added to the creation time (default 0). Whole minutes line up with the baseline's 30-second loop, which
   * would flatter its notice delay; the benchmark averages over offsets across one loop period.
   */
  offsetSeconds?: number;
}

export interface SimulationResult {
  /** Billed state transitions: states entered plus retries. */
  transitions: number;
  /** Lambda invocations, the readiness listener's included. */
  lambdaInvocations: number;
  /** Σ memory (GB, from the template) × billed duration of each invocation (see {@link billedMs}). */
  lambdaGbSeconds: number;
  /** Seconds from the instance becoming available to the workflow knowing it. */
  noticeDelaySeconds: number;
  /** Virtual minutes from start to end of the execution. */
  virtualMinutes: number;
}

/** Names of the baseline's states. */
const NAIVE = { wait: 'WaitBeforeDescribe', describe: 'DescribeInstanceOnce' } as const;
const NAIVE_POLL_SECONDS = 30;
/** The baseline's describe function gets WaitForInstance's memory size. */
const NAIVE_MEMORY_MB = 128;

/**
 * The platform definition with WaitForInstance replaced by the loop a first implementation would write:
 * CreateInstance → Wait 30 s → describe once → Choice (available? go on : back to the Wait). Its Task keeps
 * WaitForInstance's Retry and Catch, so faults behave the same; only the waiting differs.
 */
export function naiveDefinition(platform: StateMachineDefinition): StateMachineDefinition {
  const definition = structuredClone(platform);
  const states = definition.States as unknown as Record<string, Record<string, unknown>>;
  const wait = states[STEPS.waitForInstance];
  const create = states[STEPS.createInstance];
  const choice = states[STATE_NAMES.isAvailable];
  if (!wait || !create || !choice) throw new Error('naive baseline: the platform definition changed shape');
  delete states[STEPS.waitForInstance];
  create.Next = NAIVE.wait;
  states[NAIVE.wait] = { Type: 'Wait', Seconds: NAIVE_POLL_SECONDS, Next: NAIVE.describe };
  states[NAIVE.describe] = {
    Type: 'Task',
    Resource: `\${${NAIVE.describe}FunctionArn}`,
    TimeoutSeconds: 60,
    Retry: wait.Retry,
    Catch: wait.Catch,
    ResultPath: '$.readiness',
    Next: STATE_NAMES.isAvailable,
  };
  choice.Default = NAIVE.wait;
  return definition;
}

const rds = new RDSClient({});

/** The baseline's describe-once function: one DescribeDBInstances, then AVAILABLE, PENDING or a failed instance. */
async function describeOnce(event: unknown): Promise<ReadinessResult> {
  const state = event as WorkflowState;
  const instanceId = state.instance?.instanceId ?? '';
  const polls = (state.readiness?.polls ?? 0) + 1;
  const view = await describeInstance(rds, instanceId);
  const statusClass = classifyInstanceStatus(view.status);
  if (statusClass === 'failed') throw new InstanceFailedError(`DB instance ${instanceId} is ${view.status}`);
  if (statusClass === 'available' && view.endpoint && view.masterSecretArn) {
    return {
      status: 'AVAILABLE',
      endpointAddress: view.endpoint.address,
      endpointPort: view.endpoint.port,
      masterSecretArn: view.masterSecretArn,
      polls,
    };
  }
  return { status: 'PENDING', polls };
}

/**
 * Billed duration of one invocation, rounded up to Lambda's 1 ms granularity: its virtual time (WaitForInstance
 * sleeps inside, and every AWS call takes {@link API_LATENCY_MS}), or for a Task its real time in this process
 * when longer (the migrations talk to a real PostgreSQL). The RDS event listener runs beside the workflow in this
 * process, so its wall time would include the workflow's: only its virtual time counts.
 */
function billedMs(invocation: InvocationRecord): number {
  const virtualMs = invocation.endedAt - invocation.startedAt;
  const realMs = invocation.name === READINESS_LISTENER ? 0 : invocation.realMs;
  return Math.max(1, Math.ceil(Math.max(virtualMs, realMs)));
}

/**
 * Simulates one onboarding of an enterprise tenant (whose 90-minute budget allows long creations).
 *
 * @param database - the PostgreSQL behind the instance; started (and stopped) for this call when not given.
 *
 * @example
 * ```ts
 * const result = await simulateProvisioning({ creationMinutes: 60, rdsEvent: false, definition: 'platform' });
 * result.transitions; // ≈ 21
 * ```
 */
export async function simulateProvisioning(
  scenario: SimulationScenario,
  database?: WorkflowDatabase,
): Promise<SimulationResult> {
  const db = database ?? (await startWorkflowDatabase());
  const double = createWorkflowDouble({
    database: db,
    callLatencyMs: API_LATENCY_MS,
    timings: {
      creationMs: (scenario.creationMinutes - 2) * MINUTE + (scenario.offsetSeconds ?? 0) * 1000,
      backingUpMs: 2 * MINUTE,
    },
  });
  const restore = installWorkflowDouble(double);
  try {
    const platform = synthesizedDefinition();
    const naive = scenario.definition === 'naive';
    const run = await runWorkflow(
      { tenantId: `sim-${scenario.creationMinutes}m`, tier: 'enterprise', requestedBy: 'benchmark' },
      {
        double,
        database: db,
        definition: naive ? naiveDefinition(platform) : platform,
        extraTasks: naive ? { [NAIVE.describe]: { handler: describeOnce, memoryMb: NAIVE_MEMORY_MB } } : {},
        rdsEvent: scenario.rdsEvent ? { deliveryDelaySeconds: 2 } : undefined,
      },
    );
    if (run.status !== 'SUCCEEDED' || run.noticeDelayMs === undefined) {
      throw new Error(`simulation ${JSON.stringify(scenario)} ended ${run.status}: ${run.error?.Cause ?? ''}`);
    }
    return {
      transitions: run.transitions + run.retries,
      lambdaInvocations: run.lambdaInvocations,
      lambdaGbSeconds: run.invocations.reduce((sum, i) => sum + (i.memoryMb / 1024) * (billedMs(i) / 1000), 0),
      noticeDelaySeconds: run.noticeDelayMs / 1000,
      virtualMinutes: run.virtualMs / MINUTE,
    };
  } finally {
    restore();
    if (!database) await db.stop();
  }
}

export interface CostEstimate {
  stepFunctionsUsd: number;
  lambdaUsd: number;
  totalUsd: number;
}

/**
 * The on-demand cost of one execution from {@link PRICES}: Step Functions Standard transitions, Lambda arm64
 * compute and requests. Free tiers are left out.
 *
 * @example
 * ```ts
 * estimateCostUsd({ transitions: 1000, lambdaGbSeconds: 0, lambdaInvocations: 0 }).totalUsd; // 0.025
 * ```
 */
export function estimateCostUsd(
  usage: Pick<SimulationResult, 'transitions' | 'lambdaGbSeconds' | 'lambdaInvocations'>,
): CostEstimate {
  const stepFunctionsUsd = usage.transitions * PRICES.stepFunctionsPerTransitionUsd;
  const lambdaUsd =
    usage.lambdaGbSeconds * PRICES.lambdaArmPerGbSecondUsd + usage.lambdaInvocations * PRICES.lambdaPerRequestUsd;
  return { stepFunctionsUsd, lambdaUsd, totalUsd: stepFunctionsUsd + lambdaUsd };
}
