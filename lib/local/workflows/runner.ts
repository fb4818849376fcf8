/**
 * The local platform's workflows: the state machines of `cdk.out/` run in real time by aws-local-stepfunctions, each
 * Task invoking the bundled code of its function (`cdk.out/<asset>/index.js`), and the Step Functions,
 * CloudFormation and Lambda calls tenantctl makes answered from them.
 *
 * What Lambda and Step Functions add is emulated as in the workflow test harness (same code): the JSON boundary,
 * a Lambda context whose deadline is the function's timeout in real time, a thrown error reported under its name
 * (Retry and Catch match it) with Lambda's `{"errorType","errorMessage","trace"}` cause, and Distributed Maps
 * (rollout) with their S3 reads and writes on the AWS double.
 *
 * Simulated timings: Wait states longer than `maxWaitSeconds` (default 5) wait that long instead, and a Wait whose
 * seconds come from the input (`SecondsPath`) waits `maxWaitSeconds`; likewise a timer a handler sets for longer
 * (its polls of an instance or a snapshot, 30 s apart in AWS) fires after `maxWaitSeconds`, while its budgets and
 * deadlines still count real time. Retry intervals take their real time.
 *
 * Events delivered locally: Secrets Manager's rotation calls to the function whose policy admits it, the RDS "DB instance created" event to the functions the stack's rule targets, execution
 * status changes (FAILED, TIMED_OUT, ABORTED) to the reapers the stack's rules target, and the double's EventBridge
 * Scheduler one-time schedules, each starting its target state machine with the schedule's input when due (checked
 * every second). Not delivered: events put on the buses (billing requests, outcome events: tenantctl starts the
 * workflows itself), RDS start/stop events, the scheduled rules (instance status, sweeper, registry statistics, the
 * daily retention purge) and secret rotation schedules.
 *
 * One environment for every bundle: each bundle reads `process.env` when it loads and when it runs, and all run in
 * this process, so the runner sets the union of the template environments (refused when two functions disagree on a
 * variable, see unionEnvironment), `RDS_CA_BUNDLE_PATH` = the local CA, and the double's Region.
 *
 * @module
 */
import './promise-polyfill';
import { AsyncLocalStorage } from 'node:async_hooks';
import * as path from 'node:path';
import { ExecutionAbortedError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AwsDouble } from '../aws';
import { instanceCreatedEvent } from '../aws/rds';
import { apiOf } from './api';
import { emulateDistributedMaps } from './distributed-map';
import { ExecutionStore, generatedName, invalidNameReason, type StoredExecution, startDecision } from './executions';
import { lambdaContext } from './lambda-context';
import { lambdaError } from './lambda-error';
import { captureScopedLogs } from './log-capture';
import {
  readCloudAssembly,
  type TemplateFunction,
  type TemplateMachine,
  unionEnvironment,
  WorkflowTemplate,
} from './template';

/** The services the runner answers (the others are the AWS double's). */
type WorkflowService = 'sfn' | 'cloudformation' | 'lambda';

/** A forwarded AWS call (see lib/local/remote/protocol.ts). */
interface WorkflowRequest {
  service: string;
  command: string;
  region: string;
  input: unknown;
}

export interface LocalWorkflows {
  /** Whether `service` is one the runner answers: 'sfn', 'cloudformation', 'lambda'. */
  handles(service: string): boolean;
  /** Answers one call; rejects with an Error whose `name` is the AWS error code. */
  dispatch(request: WorkflowRequest): Promise<unknown>;
  /** Executions running now. */
  running(): number;
  /** Stops the timers and the running executions (they stay RUNNING in the state file: the next start aborts them). */
  stop(): Promise<void>;
}

export interface LocalWorkflowsOptions {
  double: AwsDouble;
  /** The synthesized app (`npx cdk synth`); inside the project, so the bundles find its node_modules. */
  cdkOut: string;
  /** The CA of the local servers' certificates: RunMigrations verifies TLS with it as with RDS. */
  caFile: string;
  /** Where executions.json is kept. */
  stateDir: string;
  /** Where handler log lines go (the daemon's log file). */
  log: (line: string) => void;
  /** Wait states, and timers handlers set, longer than this last this long. @default 5 */
  maxWaitSeconds?: number;
  /** How often due schedules are looked for, in ms. @default 1000 */
  schedulePollMs?: number;
}

const SERVICES = new Set<string>(['sfn', 'cloudformation', 'lambda'] satisfies WorkflowService[]);
const STATUS_CHANGE = 'Step Functions Execution Status Change';
const DEFAULT_MAX_WAIT_SECONDS = 5;

/** An AWS error: `name` is the error code, as the SDK reports it. */
function awsError(code: string, message: string, fault: 'client' | 'server' = 'client'): Error {
  const error = new Error(message);
  error.name = code;
  Object.assign(error, { $fault: fault });
  return error;
}

/** Lets queued work (the event log consumer) run first, so history events stay in order. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Marks the code of a handler invocation (and everything it starts). */
const inHandler = new AsyncLocalStorage<true>();

/**
 * Makes the timers handler code sets fire after at most `maxMs`; returns the function that puts setTimeout back.
 * The bundles call the global setTimeout when they sleep, so this is where their polls can be shortened.
 */
function capHandlerTimers(maxMs: number): () => void {
  const original = globalThis.setTimeout;
  const capped = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    original(callback, inHandler.getStore() && (ms ?? 0) > maxMs ? maxMs : ms, ...args)) as typeof setTimeout;
  globalThis.setTimeout = Object.assign(capped, original);
  return () => {
    globalThis.setTimeout = original;
  };
}

/** The Wait overrides of `definition`: long waits capped, input-driven ones set to the cap. */
function waitOverrides(definition: StateMachineDefinition, maxWaitSeconds: number): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Wait') continue;
    const seconds = (state as { Seconds?: number }).Seconds;
    if (seconds === undefined || seconds > maxWaitSeconds) overrides[name] = maxWaitSeconds * 1000;
  }
  return overrides;
}

interface Rule {
  pattern: { source?: string[]; 'detail-type'?: string[]; detail?: Record<string, unknown> };
  targets: TemplateFunction[];
}

/** The rules of the stack whose targets are functions, with their patterns' intrinsics resolved. */
function functionRules(template: WorkflowTemplate): Rule[] {
  return template.resourcesOfType('AWS::Events::Rule').flatMap(([, rule]) => {
    if (!rule.EventPattern) return [];
    const resources = template.workflow.template.Resources;
    const targets = ((rule.Targets ?? []) as { Arn: unknown }[])
      .map((t) => (t.Arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0])
      .filter((id): id is string => id !== undefined && resources[id]?.Type === 'AWS::Lambda::Function')
      .map((id) => template.lambdaFunction(id));
    const resolve = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map((v) =>
            typeof v === 'object' && v !== null && ('Ref' in v || 'Fn::GetAtt' in v) ? template.resolve(v) : resolve(v),
          )
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]))
          : value;
    return targets.length > 0 ? [{ pattern: resolve(rule.EventPattern) as Rule['pattern'], targets }] : [];
  });
}

/** Whether `event` matches `pattern` (literal value lists only: what the stack's own-event rules use). */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((value) => value === event);
  if (typeof pattern !== 'object' || pattern === null) return false;
  return Object.entries(pattern).every(([key, sub]) =>
    matches(sub, (event as Record<string, unknown> | undefined)?.[key]),
  );
}

/**
 * Starts the runner: reads `cdk.out/`, aborts the executions the previous daemon left RUNNING (their status change
 * reaches the reapers, as in AWS), and starts delivering events.
 *
 * @throws Error when `cdkOut` holds no synthesized app or two functions' environments disagree
 */
export async function startLocalWorkflows(options: LocalWorkflowsOptions): Promise<LocalWorkflows> {
  const { double } = options;
  const maxWaitSeconds = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  const assembly = readCloudAssembly(options.cdkOut);
  const target = { region: double.region, account: double.account };
  const template = new WorkflowTemplate(assembly.stacks, assembly.workflow, target);
  const machines = new Map(template.stateMachines().map((m) => [m.stateMachineArn, m]));
  const functions = template.functions();
  const environment = {
    ...unionEnvironment(functions),
    AWS_REGION: double.region,
    RDS_CA_BUNDLE_PATH: options.caFile,
  };
  const previousEnvironment = Object.fromEntries(Object.keys(environment).map((n) => [n, process.env[n]]));
  Object.assign(process.env, environment);
  const rules = functionRules(template);
  const restoreTimers = capHandlerTimers(maxWaitSeconds * 1000);
  const store = new ExecutionStore(path.join(options.stateDir, 'executions.json'));
  const capture = captureScopedLogs(false, options.log);
  const handlers = new Map<string, (event: unknown, context: unknown) => Promise<unknown>>();
  const active = new Map<string, { abort(): void; done: Promise<void>; stopping: boolean }>();

  const handlerOf = (fn: TemplateFunction) => {
    const known = handlers.get(fn.logicalId);
    if (known) return known;
    if (!fn.assetPath)
      throw awsError('ResourceNotFoundException', `${fn.functionName} has no bundled code in ${options.cdkOut}`);
    const [file, exported] = fn.handler.split('.') as [string, string];
    // Loaded after the environment is set: the bundles read it at load.
    const module = require(path.resolve(options.cdkOut, fn.assetPath, `${file}.js`)) as Record<string, unknown>;
    const handler = module[exported] as (event: unknown, context: unknown) => Promise<unknown>;
    if (typeof handler !== 'function') throw new Error(`${fn.functionName}: ${fn.handler} exports no handler`);
    handlers.set(fn.logicalId, handler);
    return handler;
  };

  /** One invocation as Lambda makes it: a copy of the event in, the result through JSON, a real deadline. */
  const invoke = async (fn: TemplateFunction, event: unknown): Promise<unknown> => {
    const handler = handlerOf(fn);
    const context = lambdaContext({
      functionName: fn.functionName,
      memoryMb: fn.memoryMb,
      timeoutSeconds: fn.timeoutSeconds,
      invokedFunctionArn: fn.arn,
    });
    const result = await capture.run(() => inHandler.run(true, () => handler(structuredClone(event), context)));
    return JSON.parse(JSON.stringify(result ?? null)) as unknown;
  };

  /** Invokes the targets of the rules `event` matches, in the background; a failure is logged. */
  const deliver = (event: Record<string, unknown>): void => {
    for (const rule of rules) {
      if (!matches(rule.pattern, event)) continue;
      for (const fn of rule.targets) {
        invoke(fn, event).catch((error: unknown) =>
          options.log(`${fn.functionName} failed on ${String(event['detail-type'])}: ${(error as Error).message}`),
        );
      }
    }
  };

  const statusChanged = (execution: StoredExecution): void => {
    deliver({
      version: '0',
      id: generatedName(),
      'detail-type': STATUS_CHANGE,
      source: 'aws.states',
      account: double.account,
      time: new Date(execution.stopDate ?? Date.now()).toISOString(),
      region: double.region,
      resources: [execution.executionArn],
      detail: {
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate,
        stopDate: execution.stopDate ?? null,
        input: execution.input,
        output: execution.output ?? null,
        error: execution.error ?? null,
        cause: execution.cause ?? null,
      },
    });
  };

  const close = (
    execution: StoredExecution,
    status: StoredExecution['status'],
    end: { output?: string; error?: string; cause?: string },
  ): void => {
    execution.status = status;
    execution.stopDate = Date.now();
    Object.assign(execution, end);
    const details =
      status === 'SUCCEEDED'
        ? { key: 'executionSucceededEventDetails', value: { output: end.output } }
        : {
            key: `execution${status === 'TIMED_OUT' ? 'TimedOut' : status === 'ABORTED' ? 'Aborted' : 'Failed'}EventDetails`,
            value: { error: end.error, cause: end.cause },
          };
    const type = {
      SUCCEEDED: 'ExecutionSucceeded',
      FAILED: 'ExecutionFailed',
      TIMED_OUT: 'ExecutionTimedOut',
      ABORTED: 'ExecutionAborted',
      RUNNING: '',
    }[status];
    store.record(execution, type, details);
    store.save();
    statusChanged(execution);
  };

  const run = (machine: TemplateMachine, execution: StoredExecution): void => {
    const taskHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, fn] of Object.entries(machine.taskFunctions)) {
      taskHandlers[name] = async (input) => {
        await flush();
        store.record(execution, 'LambdaFunctionScheduled', {
          key: 'lambdaFunctionScheduledEventDetails',
          value: { resource: fn.arn, input: JSON.stringify(input), timeoutInSeconds: fn.timeoutSeconds },
        });
        store.record(execution, 'LambdaFunctionStarted');
        try {
          const output = await invoke(fn, input);
          store.record(execution, 'LambdaFunctionSucceeded', {
            key: 'lambdaFunctionSucceededEventDetails',
            value: { output: JSON.stringify(output) },
          });
          return output;
        } catch (thrown) {
          const error = lambdaError(thrown);
          store.record(execution, 'LambdaFunctionFailed', {
            key: 'lambdaFunctionFailedEventDetails',
            value: { error: error.name, cause: error.message },
          });
          throw error;
        }
      };
    }
    const emulation = emulateDistributedMaps(machine.definition, {
      s3: double.s3,
      executionArn: execution.executionArn,
      taskHandler: (name) => taskHandlers[name] as (event: unknown) => Promise<unknown>,
      onMapRun: (record) =>
        options.log(`map run ${record.mapRunArn}: ${record.succeeded} succeeded, ${record.failed} failed`),
      realRetryIntervals: true,
    });
    Object.assign(taskHandlers, emulation.handlers);
    // checkArn stays on: see the harness's note on asl-validator and `${...}` Resources.
    const stateMachine = new StateMachine(structuredClone(emulation.definition), {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    const started = stateMachine.run(JSON.parse(execution.input) as never, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers as never,
        waitTimeOverrides: waitOverrides(machine.definition, maxWaitSeconds),
      },
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: execution.name,
          StartTime: new Date(execution.startDate).toISOString(),
          Input: JSON.parse(execution.input),
        },
        StateMachine: { Id: machine.stateMachineArn, Name: machine.stateMachineArn.split(':').at(-1) ?? '' },
      } as never,
    });
    const entry = { abort: () => started.abort(), done: Promise.resolve(), stopping: false };
    const consumed = (async () => {
      for await (const event of started.eventLogs) {
        if (event.type !== 'StateEntered' && event.type !== 'StateExited') continue;
        if (event.index !== undefined) continue; // Map iterations' states stay out, as in a Distributed Map's parent.
        const entered = event.type === 'StateEntered';
        store.record(execution, `${event.state.type}State${entered ? 'Entered' : 'Exited'}`, {
          key: entered ? 'stateEnteredEventDetails' : 'stateExitedEventDetails',
          value: entered
            ? { name: event.state.name, input: JSON.stringify(event.state.input) }
            : { name: event.state.name, output: JSON.stringify(event.state.output) },
        });
      }
    })();
    entry.done = (async () => {
      let end: Parameters<typeof close>;
      try {
        const output = await started.result;
        end = [execution, 'SUCCEEDED', { output: JSON.stringify(output) }];
      } catch (thrown) {
        if (thrown instanceof ExecutionAbortedError) {
          end = [execution, 'ABORTED', { error: execution.error, cause: execution.cause }];
        } else {
          const cause = ((thrown as { cause?: unknown }).cause ?? thrown) as Error;
          const timedOut = (thrown as Error).name === 'ExecutionTimeoutError';
          end = [
            execution,
            timedOut ? 'TIMED_OUT' : 'FAILED',
            { error: timedOut ? 'States.Timeout' : cause.name, cause: cause.message },
          ];
        }
      }
      await consumed.catch(() => undefined);
      active.delete(execution.executionArn);
      if (!entry.stopping) close(...end);
    })();
    active.set(execution.executionArn, entry);
  };

  const start = (stateMachineArn: string, name: string, input: string): { executionArn: string; startDate: Date } => {
    const machine = machines.get(stateMachineArn);
    if (!machine) throw awsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const reason = invalidNameReason(name);
    if (reason) throw awsError('InvalidName', `Invalid Name: '${name}' (${reason})`);
    try {
      JSON.parse(input);
    } catch {
      throw awsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not JSON');
    }
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = store.get(executionArn);
    const decision = startDecision(existing, input);
    if (existing && decision === 'same') return { executionArn, startDate: new Date(existing.startDate) };
    if (decision === 'exists') throw awsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    const execution: StoredExecution = {
      executionArn,
      stateMachineArn,
      name,
      status: 'RUNNING',
      input,
      startDate: Date.now(),
      events: [],
    };
    store.add(execution);
    store.record(execution, 'ExecutionStarted', {
      key: 'executionStartedEventDetails',
      value: { input, roleArn: `arn:aws:iam::${double.account}:role/local-platform` },
    });
    store.save();
    run(machine, execution);
    return { executionArn, startDate: new Date(execution.startDate) };
  };

  // The previous daemon stopped while these ran: they end ABORTED, and the reapers hear of it.
  for (const execution of store.all().filter((e) => e.status === 'RUNNING')) {
    close(execution, 'ABORTED', {
      error: 'States.Runtime',
      cause: 'The local platform stopped while the execution was running.',
    });
  }

  // Secrets Manager invokes the functions whose policy admits it (the application secret rotation).
  for (const [, permission] of template.resourcesOfType('AWS::Lambda::Permission')) {
    if (permission.Principal !== 'secretsmanager.amazonaws.com') continue;
    const fn = template.functionAt(permission.FunctionName, 'the function Secrets Manager may invoke');
    double.secretsManager.registerRotationFunction(fn.arn, async (event) => {
      await invoke(fn, event);
    });
  }

  const previousOnAvailable = double.rds.onAvailable;
  double.rds.onAvailable = (instance) => {
    deliver(instanceCreatedEvent(instance, new Date()) as unknown as Record<string, unknown>);
    return previousOnAvailable?.(instance);
  };

  const schedules = setInterval(() => {
    void double.scheduler.fireDue((fired) => {
      try {
        start(fired.targetArn, generatedName(), fired.input);
      } catch (error) {
        options.log(`schedule ${fired.groupName}/${fired.name}: ${(error as Error).message}`);
      }
    });
  }, options.schedulePollMs ?? 1000);
  schedules.unref();

  const api = apiOf({ start, store, active, template, assembly, machines, functions, invoke, close });
  return {
    handles: (service) => SERVICES.has(service),
    dispatch: async (request) => {
      const operation = api[`${request.service}:${request.command}`];
      if (!operation)
        throw awsError(
          'UnknownOperationException',
          `the local platform does not answer ${request.service} ${request.command}`,
        );
      return operation((request.input ?? {}) as Record<string, unknown>);
    },
    running: () => active.size,
    stop: async () => {
      clearInterval(schedules);
      double.rds.onAvailable = previousOnAvailable;
      const entries = [...active.values()];
      for (const entry of entries) {
        entry.stopping = true;
        entry.abort();
      }
      await Promise.all(entries.map((e) => e.done));
      store.save();
      capture.stop();
      restoreTimers();
      for (const [name, value] of Object.entries(previousEnvironment)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}
