/**
 * Many onboardings at once, with a share of the AWS calls throttled: what a billing backfill or a migration wave does
 * to the platform. Every onboarding runs in the workflow harness (the synthesized state machine, the real handlers,
 * the AWS double), all of them side by side on the double's discrete-event clock, so they overlap in virtual time
 * as they would in AWS. `npm run bench` prints the figures next to the targets.
 *
 * @module
 */
import { OUTCOME_DETAIL_TYPES, STEPS, type TenantRecord } from '../lambdas/shared/contracts';
import type { AwsDouble, ServiceName } from '../lib/local/aws';
import type { VirtualClock } from '../lib/local/aws/virtual-clock';
import { lambdaContext } from '../lib/local/workflows/lambda-context';
import {
  createWorkflowDouble,
  installWorkflowDouble,
  registryRecords,
  runWorkflow,
  startWorkflowDatabase,
  synthesizedWorkflow,
  type WorkflowDatabase,
  type WorkflowRun,
} from '../test/support/workflow-harness';
import { type LambdaHandler, stepHandlerFor } from '../test/support/workflow-harness/handlers';
import { seededRandom } from '../test/support/workflow-harness/timing';
import { API_LATENCY_MS } from './simulation';
import { mean } from './stats';

/** One load run: how many onboardings start together, and the share of AWS calls refused with a throttling error. */
export interface LoadScenario {
  readonly tenants: number;
  /** 0 to 1; each call is throttled with this probability (seeded), before it reaches the service. */
  readonly throttleRate: number;
}

/** Tiers of the onboardings, in turn. */
const TIERS = ['starter', 'pro', 'enterprise'] as const;
/** Seed of the throttling draws and of the retry jitter: the same scenario throttles the same calls. */
const SEED = 18;
const DESCRIBE = { service: 'rds', command: 'DescribeDBInstances' } as const;

/** What became of one tenant. */
interface TenantOutcome {
  readonly tenantId: string;
  readonly execution: WorkflowRun['status'];
  /** The registry's status, or `none`. */
  readonly registry: string;
  /** A FAILED execution whose registry record and failed outcome event both say so. */
  readonly outcomeRecorded: boolean;
  /** The tenant's instances, secrets and alarms still there after a failed onboarding. */
  readonly leftovers: number;
  /** Instances or secrets of the tenant beyond one. */
  readonly duplicates: number;
  readonly awsCalls: number;
  /** States entered plus retries (billed transitions). */
  readonly transitions: number;
  /** The error a failed execution ended with. */
  readonly error?: string;
}

interface DescribeRate {
  readonly calls: number;
  /** Calls in the busiest second. */
  readonly busiestSecond: number;
  /** Calls per second in the busiest 60-second window. */
  readonly busiestMinutePerSecond: number;
  /** Calls per second between the first and the last describe. */
  readonly averagePerSecond: number;
  /** Where the busiest minute starts, in seconds after the first describe. */
  readonly busiestMinuteStartsAtSecond: number;
}

export interface LoadResult extends LoadScenario {
  readonly outcomes: readonly TenantOutcome[];
  readonly describe: DescribeRate;
  /** Virtual minutes from the start to the last execution's end. */
  readonly virtualMinutes: number;
  readonly realSeconds: number;
}

/** Throttles each call with probability `rate`: one throttle fault per operation, drawing from a seeded generator. */
function throttle(double: AwsDouble, rate: number): void {
  if (rate <= 0) return;
  const random = seededRandom(SEED);
  const services: Record<ServiceName, { routes: readonly { name: string }[] }> = {
    rds: double.rds,
    secretsmanager: double.secretsManager,
    cloudwatch: double.cloudWatch,
    dynamodb: double.dynamodb,
    eventbridge: double.eventBridge,
    sns: double.sns,
    kms: double.kms,
    logs: double.logs,
    s3: double.s3,
    scheduler: double.scheduler,
  };
  for (const [service, { routes }] of Object.entries(services) as [ServiceName, { routes: { name: string }[] }][]) {
    for (const { name } of new Set(routes)) {
      double.faults.add({
        service,
        command: name,
        kind: 'throttle',
        times: Number.MAX_SAFE_INTEGER,
        match: () => random() < rate,
      });
    }
  }
}

/**
 * RunMigrations one at a time: all tenants share the one test PostgreSQL (50 connections), and the same master
 * login, whose concurrent ALTER ROLE would collide there where each tenant has its own instance in AWS. A waiting
 * execution waits through the clock (`waitFor`): the one in turn may sleep on it (its AWS calls take virtual time).
 */
function oneAtATime(clock: VirtualClock, handler: LambdaHandler): LambdaHandler {
  let queue: Promise<unknown> = Promise.resolve();
  return async (event, context) => {
    const turn = queue;
    const result = (async () => {
      await clock.waitFor(turn);
      return handler(event, context);
    })();
    queue = result.catch(() => undefined);
    return result;
  };
}

/** Calls per second at their busiest second and minute, and on average. */
function describeRate(times: readonly number[]): DescribeRate {
  const sorted = [...times].sort((a, b) => a - b);
  if (sorted.length === 0) {
    return {
      calls: 0,
      busiestSecond: 0,
      busiestMinutePerSecond: 0,
      averagePerSecond: 0,
      busiestMinuteStartsAtSecond: 0,
    };
  }
  const busiestWindow = (windowMs: number) => {
    let most = 0;
    let at = 0;
    for (let end = 0, start = 0; end < sorted.length; end++) {
      while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
      if (end - start + 1 > most) {
        most = end - start + 1;
        at = (sorted[start] as number) - (sorted[0] as number);
      }
    }
    return { most, at };
  };
  const busiest = (windowMs: number) => busiestWindow(windowMs).most;
  const spanSeconds = ((sorted.at(-1) as number) - (sorted[0] as number)) / 1000;
  return {
    calls: sorted.length,
    busiestSecond: busiest(1000),
    busiestMinutePerSecond: busiest(60_000) / 60,
    averagePerSecond: spanSeconds > 0 ? sorted.length / spanSeconds : sorted.length,
    busiestMinuteStartsAtSecond: Math.round(busiestWindow(60_000).at / 1000),
  };
}

function outcomeOf(
  double: AwsDouble,
  records: ReadonlyMap<string, TenantRecord>,
  run: WorkflowRun,
  tenantId: string,
): TenantOutcome {
  const registry = records.get(tenantId)?.status ?? 'none';
  const failedEvent = double.eventBridge
    .published()
    .some(
      (e) =>
        e.detailType === OUTCOME_DETAIL_TYPES.failed &&
        (e.detail as { executionArn?: string } | undefined)?.executionArn === run.executionArn,
    );
  const inventory = double.inventory();
  const mine = (name: string) => name.includes(tenantId);
  const instances = inventory.instances.filter((i) => mine(i.identifier)).length;
  const secrets = inventory.secrets.filter((s) => mine(s.name) && !s.scheduledDeletion).length;
  const leftovers = registry === 'ACTIVE' ? 0 : double.leftovers().filter(mine).length;
  return {
    tenantId,
    execution: run.status,
    registry,
    outcomeRecorded:
      run.status === 'SUCCEEDED' || ((registry === 'FAILED' || registry === 'ROLLBACK_FAILED') && failedEvent),
    leftovers,
    duplicates: Math.max(0, instances - 1) + Math.max(0, secrets - 1),
    awsCalls: run.awsCalls.length,
    transitions: run.transitions + run.retries,
    error: run.error?.Error,
  };
}

/**
 * Starts `scenario.tenants` onboardings at the same virtual instant on a fresh double and waits for all of them.
 *
 * @example
 * ```ts
 * const result = await simulateLoad({ tenants: 100, throttleRate: 0.2 }, database);
 * result.outcomes.filter((o) => o.registry === 'ACTIVE').length;
 * ```
 */
async function simulateLoad(scenario: LoadScenario, database: WorkflowDatabase): Promise<LoadResult> {
  const double = createWorkflowDouble({ database, callLatencyMs: API_LATENCY_MS, seed: SEED });
  // An account running hundreds of tenants has the RDS instance quota raised (the double enforces the default 40).
  double.rds.instanceQuota = Math.max(double.rds.instanceQuota, scenario.tenants);
  throttle(double, scenario.throttleRate);
  const restore = installWorkflowDouble(double);
  const migrations = stepHandlerFor(STEPS.runMigrations);
  const migrationsFunction = synthesizedWorkflow().taskFunctions[STEPS.runMigrations];
  if (!migrations || !migrationsFunction) throw new Error('load benchmark: no RunMigrations step');
  const extraTasks = {
    [STEPS.runMigrations]: { handler: oneAtATime(double.clock, migrations), memoryMb: migrationsFunction.memoryMb },
  };
  const realStart = performance.now();
  const poller = runInstanceStatusPoller(double);
  try {
    const startedAt = double.clock.now();
    const tenantIds = Array.from({ length: scenario.tenants }, (_, i) => `load-${String(i + 1).padStart(3, '0')}`);
    const runs = await Promise.all(
      tenantIds.map((tenantId, i) =>
        runWorkflow(
          { tenantId, tier: TIERS[i % TIERS.length], requestedBy: 'benchmark' },
          { double, database, extraTasks, seed: SEED + i },
        ),
      ),
    );
    const realSeconds = (performance.now() - realStart) / 1000;
    const records = await registryRecords(double);
    return {
      ...scenario,
      outcomes: runs.map((run, i) => outcomeOf(double, records, run, tenantIds[i] as string)),
      describe: describeRate(double.callsTo(DESCRIBE.service, DESCRIBE.command).map((c) => c.at)),
      virtualMinutes: (Math.max(...runs.map((r) => r.endedAt)) - startedAt) / 60_000,
      realSeconds,
    };
  } finally {
    poller.stop();
    restore();
  }
}

/** The platform's shared instance status poller runs on its schedule during a load run, as it does when deployed. */
const POLLER_INTERVAL_MS = 60_000;

/**
 * Invokes the real instance status poller (lambdas/instance-status) every virtual minute until stopped: its
 * DescribeDBInstances calls count in the run's describe rate, and the waiters read what it records.
 */
function runInstanceStatusPoller(double: AwsDouble): { stop(): void } {
  const { handler } =
    require('../lambdas/instance-status/handler') as typeof import('../lambdas/instance-status/handler');
  let stopped = false;
  let next: { cancel(): void } | undefined;
  const tick = async () => {
    if (stopped) return;
    // As deployed, a failed run (throttled) is simply followed by the next one.
    await handler({}, lambdaContext()).catch(() => undefined);
    if (!stopped) next = double.clock.schedule(POLLER_INTERVAL_MS, tick);
  };
  next = double.clock.schedule(POLLER_INTERVAL_MS, tick);
  return {
    stop: () => {
      stopped = true;
      next?.cancel();
    },
  };
}

/** The figures of a load run the report shows. */
export interface LoadFigures {
  readonly succeeded: number;
  /** FAILED with nothing left and the outcome recorded. */
  readonly failedClean: number;
  /** Neither SUCCEEDED nor cleanly FAILED: leftovers, an unrecorded outcome, or a timed-out execution. */
  readonly notClean: number;
  readonly registry: Readonly<Record<string, number>>;
  readonly leftovers: number;
  readonly duplicates: number;
  readonly callsPerActiveTenant: number;
  readonly transitionsPerExecution: number;
}

export function loadFigures(result: LoadResult): LoadFigures {
  const { outcomes } = result;
  const clean = (o: TenantOutcome) => o.execution === 'FAILED' && o.leftovers === 0 && o.outcomeRecorded;
  const registry: Record<string, number> = {};
  for (const o of outcomes) registry[o.registry] = (registry[o.registry] ?? 0) + 1;
  const active = outcomes.filter((o) => o.registry === 'ACTIVE');
  return {
    succeeded: outcomes.filter((o) => o.execution === 'SUCCEEDED').length,
    failedClean: outcomes.filter(clean).length,
    notClean: outcomes.filter((o) => o.execution !== 'SUCCEEDED' && !clean(o)).length,
    registry,
    leftovers: outcomes.reduce((sum, o) => sum + o.leftovers, 0),
    duplicates: outcomes.reduce((sum, o) => sum + o.duplicates, 0),
    callsPerActiveTenant: active.length > 0 ? mean(active.map((o) => o.awsCalls)) : 0,
    transitionsPerExecution: mean(outcomes.map((o) => o.transitions)),
  };
}

/**
 * AWS calls of the tenants that ended ACTIVE, against the same tenants' calls in the unthrottled run: the ratio of the
 * sums, and the largest ratio of one tenant. Undefined when no tenant ended ACTIVE in both.
 */
export function callsAgainstUnthrottled(
  result: LoadResult,
  unthrottled: LoadResult,
): { ratio: number; worst: number } | undefined {
  const baseline = new Map(unthrottled.outcomes.map((o) => [o.tenantId, o]));
  const pairs = result.outcomes
    .filter((o) => o.registry === 'ACTIVE' && baseline.get(o.tenantId)?.registry === 'ACTIVE')
    .map((o) => [o.awsCalls, baseline.get(o.tenantId)?.awsCalls ?? 0] as const);
  const base = pairs.reduce((sum, [, b]) => sum + b, 0);
  if (pairs.length === 0 || base === 0) return undefined;
  return {
    ratio: pairs.reduce((sum, [calls]) => sum + calls, 0) / base,
    worst: Math.max(...pairs.map(([calls, b]) => calls / b)),
  };
}

/** The load scenarios of `npm run bench`, in the order they run (the unthrottled baselines first). */
const LOAD_SCENARIOS: readonly LoadScenario[] = [
  { tenants: 100, throttleRate: 0 },
  { tenants: 100, throttleRate: 0.05 },
  { tenants: 100, throttleRate: 0.2 },
  { tenants: 400, throttleRate: 0 },
];

/** Every load scenario on one PostgreSQL. */
export async function benchLoad(
  onProgress?: (label: string) => void,
  scenarios: readonly LoadScenario[] = LOAD_SCENARIOS,
): Promise<LoadResult[]> {
  const database = await startWorkflowDatabase();
  try {
    const results: LoadResult[] = [];
    for (const scenario of scenarios) {
      onProgress?.(`load: ${scenario.tenants} onboardings, ${Math.round(scenario.throttleRate * 100)}% throttled`);
      results.push(await simulateLoad(scenario, database));
    }
    return results;
  } finally {
    await database.stop();
  }
}
