/**
 * The Step Functions, CloudFormation and Lambda operations tenantctl calls, answered by the local platform with the
 * shapes and errors of the real APIs (Step Functions, CloudFormation and Lambda API references):
 *
 * - DescribeExecution / GetExecutionHistory / StopExecution of an unknown ARN: ExecutionDoesNotExist.
 * - ListExecutions: newest first, `maxResults` 0-1000 (0 or absent: 100), `nextToken` from the previous page.
 * - GetExecutionHistory: `reverseOrder`, `maxResults`, `nextToken`; `includeExecutionData: false` leaves inputs
 *   and outputs out.
 * - DescribeStacks of an unknown stack: ValidationError "Stack with id X does not exist".
 * - Invoke (RequestResponse): `Payload` bytes in and out; a handler error is `FunctionError: 'Unhandled'` with the
 *   `{errorType, errorMessage, trace}` payload and status 200; an unknown function ResourceNotFoundException.
 *
 * @module
 */

import { type ExecutionStore, generatedName, type StoredEvent, type StoredExecution } from './executions';
import { lambdaErrorPayload } from './lambda-error';
import type { CloudAssembly, TemplateFunction, TemplateMachine, WorkflowTemplate } from './template';

type Input = Record<string, unknown>;
type Operation = (input: Input) => Promise<unknown> | unknown;

export interface ApiParts {
  start(stateMachineArn: string, name: string, input: string): { executionArn: string; startDate: Date };
  store: ExecutionStore;
  active: ReadonlyMap<string, { abort(): void }>;
  template: WorkflowTemplate;
  assembly: CloudAssembly;
  machines: ReadonlyMap<string, TemplateMachine>;
  functions: readonly TemplateFunction[];
  invoke(fn: TemplateFunction, event: unknown): Promise<unknown>;
  close(execution: StoredExecution, status: 'ABORTED', end: { error?: string; cause?: string }): void;
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

function awsError(code: string, message: string): Error {
  const error = new Error(message);
  error.name = code;
  Object.assign(error, { $fault: 'client' });
  return error;
}

/** One page of `items` from the offset `nextToken` encodes. */
function page<T>(items: readonly T[], maxResults: unknown, nextToken: unknown): { items: T[]; nextToken?: string } {
  const size = maxResults === undefined || maxResults === 0 ? DEFAULT_PAGE : Number(maxResults);
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE) {
    throw awsError('ValidationException', `maxResults must be an integer from 0 to ${MAX_PAGE}`);
  }
  const offset = nextToken === undefined ? 0 : Number.parseInt(String(nextToken), 36);
  if (!Number.isInteger(offset) || offset < 0 || offset > items.length) throw awsError('InvalidToken', 'Invalid Token');
  const end = offset + size;
  return { items: items.slice(offset, end), ...(end < items.length ? { nextToken: end.toString(36) } : {}) };
}

/** A stored event as GetExecutionHistory returns it. */
/** What DescribeExecution and ListExecutions both say of an execution. */
function executionSummary(e: StoredExecution): Record<string, unknown> {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: new Date(e.startDate),
    ...(e.stopDate !== undefined ? { stopDate: new Date(e.stopDate) } : {}),
  };
}

function historyEvent(event: StoredEvent, includeData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'timestamp') out.timestamp = new Date(value as number);
    else if (key.endsWith('EventDetails') && !includeData) {
      const { input: _input, output: _output, ...rest } = value as Record<string, unknown>;
      out[key] = rest;
    } else out[key] = value;
  }
  return out;
}

/** The operations by `<service>:<command>`. */
export function apiOf(parts: ApiParts): Record<string, Operation> {
  const execution = (input: Input): StoredExecution => {
    const found = parts.store.get(String(input.executionArn ?? ''));
    if (!found) throw awsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(input.executionArn)}'`);
    return found;
  };
  const stacks = (name?: unknown) => {
    const selected = parts.assembly.stacks.filter((s) => name === undefined || s.stackName === name);
    if (name !== undefined && selected.length === 0) {
      throw awsError('ValidationError', `Stack with id ${String(name)} does not exist`);
    }
    return selected;
  };
  const lambdaFunction = (name: unknown): TemplateFunction => {
    const wanted = String(name ?? '');
    const fn = parts.functions.find(
      (f) => f.functionName === wanted || f.arn === wanted || wanted.startsWith(`${f.arn}:`),
    );
    if (!fn) throw awsError('ResourceNotFoundException', `Function not found: ${wanted}`);
    return fn;
  };
  return {
    'sfn:StartExecution': (input) => {
      const name = input.name === undefined ? generatedName() : String(input.name);
      return parts.start(
        String(input.stateMachineArn ?? ''),
        name,
        input.input === undefined ? '{}' : String(input.input),
      );
    },
    'sfn:DescribeExecution': (input) => {
      const e = execution(input);
      return {
        ...executionSummary(e),
        input: e.input,
        inputDetails: { included: true },
        ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
        ...(e.error !== undefined ? { error: e.error } : {}),
        ...(e.cause !== undefined ? { cause: e.cause } : {}),
      };
    },
    'sfn:ListExecutions': (input) => {
      const arn = input.stateMachineArn;
      if (arn !== undefined && !parts.machines.has(String(arn))) {
        throw awsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
      }
      const listed = parts.store
        .all()
        .filter((e) => arn === undefined || e.stateMachineArn === arn)
        .filter((e) => input.statusFilter === undefined || e.status === input.statusFilter)
        .sort((a, b) => b.startDate - a.startDate);
      const { items, nextToken } = page(listed, input.maxResults, input.nextToken);
      return {
        executions: items.map(executionSummary),
        ...(nextToken ? { nextToken } : {}),
      };
    },
    'sfn:GetExecutionHistory': (input) => {
      const e = execution(input);
      const ordered = input.reverseOrder === true ? [...e.events].reverse() : e.events;
      const { items, nextToken } = page(ordered, input.maxResults, input.nextToken);
      const includeData = input.includeExecutionData !== false;
      return { events: items.map((event) => historyEvent(event, includeData)), ...(nextToken ? { nextToken } : {}) };
    },
    'sfn:StopExecution': (input) => {
      const e = execution(input);
      if (e.status === 'RUNNING') {
        const end = {
          ...(input.error !== undefined ? { error: String(input.error) } : {}),
          ...(input.cause !== undefined ? { cause: String(input.cause) } : {}),
        };
        Object.assign(e, end);
        const running = parts.active.get(e.executionArn);
        if (running) running.abort();
        else parts.close(e, 'ABORTED', end);
      }
      return { stopDate: new Date(e.stopDate ?? Date.now()) };
    },
    'cloudformation:DescribeStacks': (input) => ({
      Stacks: stacks(input.StackName).map((stack) => ({
        StackName: stack.stackName,
        StackId: `arn:aws:cloudformation:${parts.template.target.region}:${parts.template.target.account}:stack/${stack.stackName}/local`,
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: parts.template.outputs(stack),
      })),
    }),
    'lambda:Invoke': async (input) => {
      const fn = lambdaFunction(input.FunctionName);
      const type = input.InvocationType ?? 'RequestResponse';
      const payload = input.Payload === undefined ? '{}' : Buffer.from(input.Payload as Uint8Array).toString('utf8');
      let event: unknown;
      try {
        event = JSON.parse(payload);
      } catch {
        throw awsError('InvalidRequestContentException', 'Could not parse request body into json');
      }
      if (type === 'DryRun') return { StatusCode: 204 };
      if (type === 'Event') {
        void parts.invoke(fn, event).catch(() => undefined);
        return { StatusCode: 202 };
      }
      try {
        const result = await parts.invoke(fn, event);
        return {
          StatusCode: 200,
          ExecutedVersion: '$LATEST',
          Payload: new Uint8Array(Buffer.from(JSON.stringify(result))),
        };
      } catch (thrown) {
        const error = thrown instanceof Error ? thrown : new Error(String(thrown));
        return {
          StatusCode: 200,
          ExecutedVersion: '$LATEST',
          FunctionError: 'Unhandled',
          Payload: new Uint8Array(Buffer.from(JSON.stringify(lambdaErrorPayload(error)))),
        };
      }
    },
  };
}
