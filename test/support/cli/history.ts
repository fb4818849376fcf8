/**
 * Step Functions execution histories for tests, built event by event with times in seconds from the start.
 * Shapes follow GetExecutionHistory (Lambda invoke integration: Task* events).
 *
 * @module
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

const START = Date.parse('2026-11-20T10:00:00Z');

export class HistoryBuilder {
  private readonly events: HistoryEvent[] = [];

  private add(seconds: number, type: string, details: Partial<HistoryEvent> = {}): this {
    this.events.push({
      id: this.events.length + 1,
      previousEventId: this.events.length,
      timestamp: new Date(START + seconds * 1000),
      type: type as HistoryEvent['type'],
      ...details,
    });
    return this;
  }

  started(): this {
    return this.add(0, 'ExecutionStarted');
  }

  /** A task state that runs once and succeeds: entered, scheduled, succeeded, exited. */
  step(name: string, from: number, to: number): this {
    return this.entered(name, from).scheduled(from).add(to, 'TaskSucceeded').exited(name, to);
  }

  entered(name: string, seconds: number): this {
    return this.add(seconds, 'TaskStateEntered', { stateEnteredEventDetails: { name } });
  }

  exited(name: string, seconds: number): this {
    return this.add(seconds, 'TaskStateExited', { stateExitedEventDetails: { name } });
  }

  scheduled(seconds: number): this {
    return this.add(seconds, 'TaskScheduled');
  }

  /** A failed task; without `error` and `cause` as a history without execution data may show it. */
  taskFailed(seconds: number, error?: string, cause?: string): this {
    return this.add(seconds, 'TaskFailed', {
      taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error, cause },
    });
  }

  lambdaFailed(seconds: number, error: string, cause?: string): this {
    return this.add(seconds, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause } });
  }

  /** A state that is not a task (Choice, Wait, Pass), which progress ignores. */
  other(name: string, seconds: number): this {
    return this.add(seconds, 'ChoiceStateEntered', { stateEnteredEventDetails: { name } });
  }

  succeeded(seconds: number): this {
    return this.add(seconds, 'ExecutionSucceeded');
  }

  failed(seconds: number, error?: string, cause?: string): this {
    return this.add(seconds, 'ExecutionFailed', { executionFailedEventDetails: { error, cause } });
  }

  build(): HistoryEvent[] {
    return [...this.events];
  }
}

/** A successful onboarding that polls for the instance three times. */
export function succeededHistory(): HistoryEvent[] {
  return new HistoryBuilder()
    .started()
    .step('ValidateInput', 0, 1)
    .step('ClaimTenant', 1, 2)
    .step('CreateInstance', 2, 42)
    .step('WaitForInstance', 42, 100)
    .other('IsInstanceAvailable', 100)
    .step('WaitForInstance', 130, 400)
    .other('IsInstanceAvailable', 400)
    .step('WaitForInstance', 430, 610)
    .step('StoreCredentials', 610, 612)
    .step('RunMigrations', 612, 640)
    .step('ConfigureBackups', 640, 700)
    .step('ConfigureAlarms', 700, 702)
    .step('MarkActive', 702, 703)
    .succeeded(703)
    .build();
}

export const MIGRATION_FAILURE = 'relation "tenant_settings" already exists';

/** An onboarding whose migrations fail after one retry, then roll back and record the failure. */
export function failedHistory(): HistoryEvent[] {
  return new HistoryBuilder()
    .started()
    .step('ValidateInput', 0, 1)
    .step('ClaimTenant', 1, 2)
    .step('CreateInstance', 2, 42)
    .step('WaitForInstance', 42, 300)
    .step('StoreCredentials', 300, 302)
    .entered('RunMigrations', 302)
    .scheduled(302)
    .taskFailed(310, 'RetryableError', 'RunMigrations failed: ECONNRESET')
    .scheduled(320)
    .taskFailed(
      363,
      'MigrationError',
      JSON.stringify({
        errorType: 'MigrationError',
        errorMessage: MIGRATION_FAILURE,
        trace: ['at migrate (index.js:1:1)'],
      }),
    )
    .step('Rollback', 363, 600)
    .step('RecordFailure', 600, 601)
    .failed(601, 'MigrationError', `RunMigrations: ${MIGRATION_FAILURE}`)
    .build();
}

/** An onboarding still waiting for its instance, 5 minutes after it started. */
export function runningHistory(): HistoryEvent[] {
  return new HistoryBuilder()
    .started()
    .step('ValidateInput', 0, 1)
    .step('ClaimTenant', 1, 2)
    .step('CreateInstance', 2, 42)
    .entered('WaitForInstance', 42)
    .scheduled(42)
    .build();
}

/** When the histories above started. */
export const HISTORY_START = new Date('2026-11-20T10:00:00Z');
