/**
 * Step Functions executions as the local platform keeps them: their status, input, output and history, the API's
 * rules for starting one (StartExecution reference: a name is 1-80 characters without whitespace, brackets,
 * wildcards, the special characters `" # % \ ^ | ~ \` $ & , ; : /` or control characters; the same name with the same
 * input while the execution is open returns that execution, with another input or once it is closed
 * ExecutionAlreadyExists), and the file `<stateDir>/executions.json` they survive in (written atomically, the last
 * {@link EXECUTION_LIMIT} executions kept).
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One history event, as GetExecutionHistory returns it (`timestamp` as epoch ms here). */
export interface StoredEvent {
  id: number;
  previousEventId: number;
  type: string;
  timestamp: number;
  [details: `${string}EventDetails`]: Record<string, unknown>;
}

export interface StoredExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  events: StoredEvent[];
}

/** Executions kept in the state file; older ones are dropped (Step Functions keeps closed ones for 90 days). */
const EXECUTION_LIMIT = 500;

const NAME_MAX = 80;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the rule forbids
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/** Why `name` is no valid execution name, or undefined when it is one. */
export function invalidNameReason(name: string): string | undefined {
  if (name.length < 1 || name.length > NAME_MAX) return `the name must be 1-${NAME_MAX} characters long`;
  if (NAME_FORBIDDEN.test(name)) {
    return 'the name must not contain whitespace, brackets, wildcards, special characters or control characters';
  }
  return undefined;
}

/** What StartExecution does with a name already used: return that execution, or refuse. */
export function startDecision(
  existing: Pick<StoredExecution, 'status' | 'input'> | undefined,
  input: string,
): 'start' | 'same' | 'exists' {
  if (!existing) return 'start';
  return existing.status === 'RUNNING' && existing.input === input ? 'same' : 'exists';
}

/** A generated execution name (StartExecution without `name` gets a UUID). */
export function generatedName(): string {
  return randomUUID();
}

/** The executions of the local platform, in start order, persisted to one JSON file. */
export class ExecutionStore {
  private readonly executions = new Map<string, StoredExecution>();

  constructor(private readonly file: string) {
    if (!existsSync(file)) return;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { executions?: StoredExecution[] };
    for (const execution of saved.executions ?? []) this.executions.set(execution.executionArn, execution);
  }

  get(executionArn: string): StoredExecution | undefined {
    return this.executions.get(executionArn);
  }

  all(): StoredExecution[] {
    return [...this.executions.values()];
  }

  add(execution: StoredExecution): void {
    this.executions.set(execution.executionArn, execution);
    const overflow = this.executions.size - EXECUTION_LIMIT;
    if (overflow > 0) {
      const closed = this.all().filter((e) => e.status !== 'RUNNING');
      for (const old of closed.slice(0, overflow)) this.executions.delete(old.executionArn);
    }
  }

  /** Appends an event to the execution's history. */
  record(execution: StoredExecution, type: string, details?: { key: string; value: Record<string, unknown> }): void {
    const id = execution.events.length + 1;
    const event: StoredEvent = { id, previousEventId: id - 1, type, timestamp: Date.now() };
    if (details) event[details.key as `${string}EventDetails`] = details.value;
    execution.events.push(event);
  }

  /** Writes the file: a temporary file renamed over it, so a crash never leaves half a file. */
  save(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ executions: this.all() }), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
