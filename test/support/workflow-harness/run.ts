/**
 * Runs the synthesized provisioning workflow with aws-local-stepfunctions: every Task state invokes the real
 * handler of its step, AWS is the in-memory double, time is the double's virtual clock. What Step Functions and
 * Lambda would add is emulated where the workflow depends on it:
 *
 * - Lambda's JSON boundary: the handler gets a copy of the Task input and its result goes through JSON.
 * - Lambda's context: each invocation gets its own request id, the function's name and memory, and the time left
 *   counted on the virtual clock from the function's timeout.
 * - Lambda's error report: a thrown error reaches Retry/Catch under its `name` (the `errorType` Lambda reports),
 *   with `Cause` the `{"errorType","errorMessage","trace"}` JSON Step Functions puts there.
 * - Crashes: when the double fired a `crashAfter` fault during the invocation (the process died after the side
 *   effect), the Task fails with `Lambda.Unknown` whatever the handler did, and the Retry invokes the handler again.
 * - Time: each execution is a task of the double's discrete-event scheduler (see VirtualClock). Wait states and
 *   Retry intervals run instantly in the executor; the harness sleeps the state's Seconds and the retrier's backoff
 *   (seeded FULL jitter) on the virtual clock before the next Task, so executions run side by side overlap in
 *   virtual time as they would in Step Functions.
 * - Isolation: log capture, the pending-crash flag, the extra environment and the call log are per execution, so
 *   executions may overlap (see execution-scope.ts).
 * - The RDS "DB instance created" event, when asked for, reaches the real readiness-signal handler after a delay.
 *
 * Not emulated: Task `TimeoutSeconds` and the execution timeout (the executor times them in real time, which a
 * virtual-time run never reaches), Lambda cold starts and concurrency limits.
 *
 * @module
 */
import '../../../lib/local/workflows/promise-polyfill';
import {
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { instanceIdentifier } from '../../../lambdas/shared/naming';
import {
  type AwsDouble,
  type CallRecord,
  instanceCreatedEvent,
  type PublishedEvent,
  type PublishedMessage,
} from '../../../lib/local/aws';
import { emulateDistributedMaps, type MapRunRecord } from '../../../lib/local/workflows/distributed-map';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';
import { lambdaError } from '../../../lib/local/workflows/lambda-error';
import { captureScopedLogs } from '../../../lib/local/workflows/log-capture';
import type { WorkflowDatabase } from './database';
import { workflowClockOf } from './double';
import { applyEnvironment, handlerEnvironment } from './environment';
import { type ExecutionScope, runInExecution, useScopedEnvironment } from './execution-scope';
import { type LambdaHandler, readinessSignalHandler, stepHandlerFor } from './handlers';
import { synthesizedWorkflow } from './synthesized';
import { type Retrier, retryDelayMs, seededRandom, waitStateMs } from './timing';

/** One entry of the executor's event log (StateEntered, StateRetried, ExecutionFailed...). */
type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** The RDS event delivery: off unless given. */
interface RdsEventDelivery {
  /** Seconds between the instance becoming available and the listener's invocation (EventBridge latency). */
  deliveryDelaySeconds: number;
}

/** A Task handler the definition needs but the platform does not have (a benchmark's baseline step). */
interface ExtraTask {
  handler: LambdaHandler;
  memoryMb: number;
}

export interface RunWorkflowOptions {
  /** The double the SDK clients and the clock are routed to (see `installWorkflowDouble`). */
  double: AwsDouble;
  /** Its test database: RunMigrations verifies TLS with this server's CA. */
  database?: WorkflowDatabase;
  /** Default: `<tenantId>-<tier>-<n>`, unique in the process. */
  executionName?: string;
  rdsEvent?: RdsEventDelivery;
  /**
   * Extra environment for this run only (ROLLBACK_MAX_PASSES, say): the run's code sees it in `process.env`,
   * overlapping runs do not.
   */
  environment?: Record<string, string>;
  /** Make the function of `state` die after its handler succeeded, `times` times (its work is done, the result lost). */
  crashAfterSuccess?: { state: string; times?: number };
  /** Another definition with the same Task Resources (default: the synthesized one). */
  definition?: StateMachineDefinition;
  /** The state machine `definition` belongs to: executions are named under it (default: the provisioning one). */
  stateMachineArn?: string;
  /** Which synthesized state machine to run. @default 'provisioning' */
  machine?: 'provisioning' | 'suspension' | 'tier-change' | 'offboarding';
  /** Handlers for Task states that are no platform step. */
  extraTasks?: Record<string, ExtraTask>;
  /** Seed of the retry jitter. */
  seed?: number;
  /** Let the handlers' log lines through to the console as well (debugging). */
  echoLogs?: boolean;
}

type InvocationOutcome = 'succeeded' | 'failed' | 'crashed';

/** One Lambda invocation, with its virtual and real duration. */
export interface InvocationRecord {
  /** The Task state, or `ReadinessSignal` for the RDS event listener. */
  name: string;
  functionLogicalId: string;
  memoryMb: number;
  /** Virtual start and end (epoch ms): WaitForInstance sleeps inside, so its duration is virtual time. */
  startedAt: number;
  endedAt: number;
  realMs: number;
  outcome: InvocationOutcome;
  errorName?: string;
}

type RunStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

/** Everything a run left behind, for assertions and the benchmark. */
export interface WorkflowRun {
  executionArn: string;
  executionName: string;
  status: RunStatus;
  /** The last state entered: `Provisioned`, `AlreadyRequested`, `ProvisioningFailed`... */
  endState: string;
  output?: unknown;
  /** The execution's error and cause (from the Fail state). */
  error?: { Error: string; Cause: string };
  events: EventLog[];
  /** StateEntered events: the transitions the execution made. */
  transitions: number;
  /** StateRetried events (Step Functions bills a retry as one more transition). */
  retries: number;
  invocations: InvocationRecord[];
  lambdaInvocations: number;
  /** Every state input and output, in order. */
  stateData: unknown[];
  /** The Distributed Map runs of the execution, in order (see distributed-map.ts). */
  mapRuns: MapRunRecord[];
  /**
   * EventBridge events and SNS messages published while the run executed (by any execution: runs that overlap
   * see each other's).
   */
  publishedEvents: PublishedEvent[];
  snsMessages: PublishedMessage[];
  /** Every line this execution's code wrote (its handlers, and the callbacks its AWS calls scheduled). */
  logLines: string[];
  /** The AWS calls this execution made, in order, as the double logged them (throttled and failed ones included). */
  awsCalls: CallRecord[];
  startedAt: number;
  endedAt: number;
  virtualMs: number;
  /** When the tenant instance became available, and when a Task first reported it AVAILABLE (virtual epoch ms). */
  instanceAvailableAt?: number;
  readinessNoticedAt?: number;
  noticeDelayMs?: number;
}

/** The Task states of the RDS event listener's invocations. */
export const READINESS_LISTENER = 'ReadinessSignal';

/** Runs interested in an instance's availability, per double. */
interface ActiveRun {
  instanceId: string;
  rdsEvent?: RdsEventDelivery;
  listen(event: unknown): Promise<void>;
}

interface InstanceWatch {
  availableAt: Map<string, number>;
  runs: Set<ActiveRun>;
}

const watches = new WeakMap<AwsDouble, InstanceWatch>();

/** Hooks the double's "instance available" moment once per double, keeping any hook a test set before. */
function watchInstances(double: AwsDouble): InstanceWatch {
  const existing = watches.get(double);
  if (existing) return existing;
  const watch: InstanceWatch = { availableAt: new Map(), runs: new Set() };
  const previous = double.rds.onAvailable;
  double.rds.onAvailable = (instance) => {
    const id = instance.DBInstanceIdentifier ?? '';
    const at = double.clock.now();
    watch.availableAt.set(id, at);
    const run = [...watch.runs].find((r) => r.instanceId === id);
    if (run?.rdsEvent) {
      const event = instanceCreatedEvent(instance, new Date(at));
      const clock = workflowClockOf(double);
      clock.schedule(run.rdsEvent.deliveryDelaySeconds * 1000, () => clock.background(run.listen(event)));
    }
    return previous?.(instance);
  };
  watches.set(double, watch);
  return watch;
}

/** Lets queued work (the event log consumer, which notes the waits) run before a Task's handler starts. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function crashError(stateName: string): Error {
  const error = new Error(
    `The Lambda function of ${stateName} ended without a response: its process exited after the side effect.`,
  );
  error.name = 'Lambda.Unknown';
  return error;
}

const machines = new WeakMap<StateMachineDefinition, StateMachine>();
const emulated = new WeakMap<StateMachineDefinition, StateMachineDefinition>();

/** The runnable form of `definition` (its Distributed Maps emulated), one per definition so the machine is cached. */
function emulatedDefinition(definition: StateMachineDefinition, fresh: StateMachineDefinition): StateMachineDefinition {
  const known = emulated.get(definition);
  if (known) return known;
  emulated.set(definition, fresh);
  return fresh;
}

/** The Task states of `definition`, those inside its Map states' ItemProcessors included. */
function taskStateNames(definition: { States: Record<string, unknown> }): string[] {
  return Object.entries(definition.States).flatMap(([name, raw]) => {
    const state = raw as { Type: string; ItemProcessor?: { States: Record<string, unknown> } };
    if (state.Type === 'Task') return [name];
    return state.Type === 'Map' && state.ItemProcessor ? taskStateNames(state.ItemProcessor) : [];
  });
}

function machineFor(definition: StateMachineDefinition): StateMachine {
  let machine = machines.get(definition);
  if (!machine) {
    // checkArn stays on: asl-validator accepts a `${...}` placeholder Resource through a oneOf whose ARN branch,
    // with the ARN check off, matches any string too, and "matches two branches" fails the definition. The
    // validator also writes QueryLanguage into the states it checks, hence the copy.
    machine = new StateMachine(structuredClone(definition), {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    machines.set(definition, machine);
  }
  return machine;
}

let runCount = 0;

function defaultExecutionName(input: unknown): string {
  runCount += 1;
  const { tenantId, tier } = (input ?? {}) as { tenantId?: unknown; tier?: unknown };
  return typeof tenantId === 'string' && typeof tier === 'string'
    ? `${tenantId}-${tier}-${runCount}`
    : `execution-${runCount}`;
}

/**
 * Executes the workflow once and resolves when the execution has ended (it never rejects for a failed
 * execution: that is `status: 'FAILED'`). Sets the handlers' environment (see environment.ts) in `process.env`,
 * where it stays for the process: the handler modules keep what they read when they load. Runs started together
 * (`Promise.all`) share the double and its virtual clock and overlap in virtual time; each keeps its own logs,
 * crash faults, extra environment and call log.
 *
 * @example
 * ```ts
 * const run = await runWorkflow({ tenantId: 'acme', tier: 'starter' }, { double, database });
 * expect(run.status).toBe('SUCCEEDED');
 * expect(run.transitions).toBeLessThanOrEqual(25);
 * ```
 */
export async function runWorkflow(input: unknown, options: RunWorkflowOptions): Promise<WorkflowRun> {
  const { double } = options;
  const clock = workflowClockOf(double);
  const workflow = synthesizedWorkflow();
  applyEnvironment(handlerEnvironment(workflow, options.database?.caFile));
  const executionName = options.executionName ?? defaultExecutionName(input);
  const scope: ExecutionScope = {
    executionName,
    crashPending: false,
    environment: { ...options.environment },
    calls: [],
  };
  const releaseEnvironment = options.environment ? useScopedEnvironment() : () => undefined;
  const capture = captureScopedLogs(options.echoLogs);
  try {
    return await clock.track(executionName, () =>
      runInExecution(scope, () => capture.run(() => execute(input, options, scope, capture.lines))),
    );
  } finally {
    capture.stop();
    releaseEnvironment();
  }
}

/** One execution, inside its scope and as a task of the scheduler. */
async function execute(
  input: unknown,
  options: RunWorkflowOptions,
  scope: ExecutionScope,
  logLines: string[],
): Promise<WorkflowRun> {
  const { double } = options;
  const clock = workflowClockOf(double);
  const synthesized = synthesizedWorkflow();
  const machines = {
    provisioning: synthesized,
    suspension: synthesized.suspension,
    'tier-change': synthesized.tierChange,
    offboarding: synthesized.offboarding,
  };
  const workflow = machines[options.machine ?? 'provisioning'];
  const definition = options.definition ?? workflow.definition;
  const { executionName } = scope;
  const machineArn = options.stateMachineArn ?? workflow.stateMachineArn;
  const executionArn = `${machineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
  const random = seededRandom(options.seed ?? 1);
  const startedAt = clock.now();
  const eventsBefore = double.eventBridge.published().length;
  const messagesBefore = double.sns.published().length;

  const invocations: InvocationRecord[] = [];
  let readinessNoticedAt: number | undefined;
  let crashesLeft = options.crashAfterSuccess?.times ?? (options.crashAfterSuccess ? 1 : 0);

  /** Invokes `handler` the way Lambda would, and records the invocation. */
  const invoke = async (
    name: string,
    fn: { logicalId: string; memoryMb: number; timeoutSeconds?: number },
    handler: LambdaHandler,
    event: unknown,
  ): Promise<unknown> => {
    const record: InvocationRecord = {
      name,
      functionLogicalId: fn.logicalId,
      memoryMb: fn.memoryMb,
      startedAt: clock.now(),
      endedAt: clock.now(),
      realMs: 0,
      outcome: 'succeeded',
    };
    invocations.push(record);
    const realStart = performance.now();
    const fail = (outcome: InvocationOutcome, error: Error): never => {
      record.outcome = outcome;
      record.errorName = error.name;
      throw error;
    };
    try {
      let result: unknown;
      try {
        const context = lambdaContext({
          functionName: fn.logicalId,
          memoryMb: fn.memoryMb,
          timeoutSeconds: fn.timeoutSeconds,
          now: () => clock.now(),
        });
        result = await handler(structuredClone(event), context);
      } catch (error) {
        const crashed = double.takeCrash();
        return fail(crashed ? 'crashed' : 'failed', crashed ? crashError(name) : (error as Error));
      }
      if (double.takeCrash()) return fail('crashed', crashError(name));
      if (options.crashAfterSuccess?.state === name && crashesLeft > 0) {
        crashesLeft -= 1;
        return fail('crashed', crashError(name));
      }
      return JSON.parse(JSON.stringify(result ?? null)) as unknown;
    } finally {
      record.endedAt = clock.now();
      record.realMs = performance.now() - realStart;
    }
  };

  /** Virtual time Step Functions waits before the next Task: Wait states and retry intervals noted by the log consumer. */
  let waitMs = 0;
  const waitAsStepFunctions = async () => {
    // The event log consumer notes the Wait state or retry interval that led here: let it catch up.
    await flush();
    const ms = waitMs;
    waitMs = 0;
    if (ms > 0) await clock.sleep(ms);
  };
  const taskHandlers: Record<string, (event: unknown) => Promise<unknown>> = {};
  for (const name of taskStateNames(definition)) {
    const extra = options.extraTasks?.[name];
    const fn = extra
      ? { logicalId: name, memoryMb: extra.memoryMb }
      : (workflow.taskFunctions[name] ?? synthesized.rollout.taskFunctions[name]);
    const handler = extra?.handler ?? stepHandlerFor(name, options.machine);
    if (!fn || !handler) throw new Error(`workflow harness: no handler for Task state ${name}`);
    taskHandlers[name] = async (event) => {
      await waitAsStepFunctions();
      try {
        const result = await invoke(name, fn, handler, event);
        // A ReadinessResult (WaitForInstance's, or a baseline definition's describe step) saying AVAILABLE.
        if (readinessNoticedAt === undefined && (result as { status?: string } | null)?.status === 'AVAILABLE') {
          readinessNoticedAt = clock.now();
        }
        return result;
      } catch (error) {
        // Lambda's report of the error, as Step Functions matches it (crashes are already in that form).
        throw (error as Error).name === 'Lambda.Unknown' ? error : lambdaError(error);
      }
    };
  }

  // Distributed Map states run in the harness's emulation (see distributed-map.ts), their children with the
  // Task handlers above.
  const mapRuns: MapRunRecord[] = [];
  const emulation = emulateDistributedMaps(definition, {
    s3: double.s3,
    executionArn,
    taskHandler: (name) => taskHandlers[name] as (event: unknown) => Promise<unknown>,
    onMapRun: (record) => mapRuns.push(record),
  });
  Object.assign(taskHandlers, emulation.handlers);
  const runnable = emulatedDefinition(definition, emulation.definition);

  const watch = watchInstances(double);
  const listener = readinessSignalHandler();
  const { readinessFunction } = synthesized;
  const tenantId = (input as { tenantId?: unknown } | null)?.tenantId;
  const activeRun: ActiveRun = {
    instanceId: typeof tenantId === 'string' ? instanceIdentifier(tenantId) : '',
    rdsEvent: options.rdsEvent,
    listen: async (event) => {
      await invoke(READINESS_LISTENER, readinessFunction, listener, event);
    },
  };
  watch.runs.add(activeRun);

  const events: EventLog[] = [];
  const stateData: unknown[] = [];
  let transitions = 0;
  let retries = 0;
  let endState = '';
  let status: RunStatus = 'SUCCEEDED';
  let output: unknown;
  let error: WorkflowRun['error'];
  try {
    const execution = machineFor(runnable).run(input as never, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers as never,
        waitTimeOverrides: Object.fromEntries(
          Object.entries(definition.States)
            .filter(([, state]) => state.Type === 'Wait')
            .map(([name]) => [name, 0]),
        ),
        retryIntervalOverrides: Object.fromEntries(Object.keys(taskHandlers).map((name) => [name, 0])),
      },
      context: { Execution: { Id: executionArn, Name: executionName, StartTime: clock.nowIso() } },
    });
    const consumed = (async () => {
      for await (const event of execution.eventLogs) {
        events.push(event);
        if (event.type === 'StateEntered') {
          transitions += 1;
          endState = event.state.name;
          stateData.push(event.state.input);
          if (event.state.type === 'Wait') waitMs += waitStateMs(definition, event.state.name, event.state.input);
        } else if (event.type === 'StateExited') {
          stateData.push(event.state.output);
        } else if (event.type === 'StateRetried') {
          retries += 1;
          waitMs += retryDelayMs(event.retry.retrier as Retrier, event.retry.attempt, random);
        }
      }
    })();
    try {
      output = await execution.result;
    } catch (thrown) {
      if (thrown instanceof ExecutionTimeoutError) {
        status = 'TIMED_OUT';
      } else {
        status = 'FAILED';
        const cause = thrown instanceof ExecutionError ? (thrown.cause as Error) : (thrown as Error);
        error = { Error: cause.name, Cause: cause.message };
      }
    }
    await consumed;
    // A wait no Task followed (the definition ends after it) still passes.
    await waitAsStepFunctions();
    await clock.settled();
  } finally {
    watch.runs.delete(activeRun);
  }

  const instanceAvailableAt = watch.availableAt.get(activeRun.instanceId);
  const endedAt = clock.now();
  return {
    executionArn,
    executionName,
    status,
    endState,
    output,
    error,
    events,
    transitions,
    retries,
    invocations,
    lambdaInvocations: invocations.length,
    stateData,
    mapRuns,
    publishedEvents: double.eventBridge.published().slice(eventsBefore),
    snsMessages: double.sns.published().slice(messagesBefore),
    logLines,
    awsCalls: scope.calls,
    startedAt,
    endedAt,
    virtualMs: endedAt - startedAt,
    instanceAvailableAt,
    readinessNoticedAt,
    noticeDelayMs:
      instanceAvailableAt !== undefined && readinessNoticedAt !== undefined
        ? readinessNoticedAt - instanceAvailableAt
        : undefined,
  };
}
