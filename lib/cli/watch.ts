/**
 * Following an execution: poll its history every few seconds, report each step as it completes, and stop at the
 * end of the execution. Throttling and transient faults slow the polling down instead of ending the command.
 *
 * @module
 */
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { isTransientAwsError } from '../../lambdas/shared/errors';
import { type ExecutionEnd, type ExecutionProgress, progressOf, type StepOutcome } from './progress';

/** Longest wait between two polls while AWS keeps throttling. */
export const MAX_POLL_INTERVAL_MS = 60_000;

/** The wait before the next poll: back to `base` after a good poll, doubled (up to the maximum) after throttling. */
export function nextPollDelay(baseMs: number, previousMs: number, throttled: boolean): number {
  return throttled ? Math.min(MAX_POLL_INTERVAL_MS, Math.max(baseMs, previousMs) * 2) : baseMs;
}

/** Every event of an execution, oldest first, across pages. Without execution data: inputs and outputs stay out. */
async function executionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: 1000,
        reverseOrder: false,
        includeExecutionData: false,
        nextToken,
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export interface FollowOptions {
  readonly sfn: SFNClient;
  readonly executionArn: string;
  readonly pollIntervalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Called with each step as it completes, in order. */
  readonly onStep: (outcome: StepOutcome) => void;
  /** Called after every poll AWS answered, with the progress so far (before the wait for the next poll). */
  readonly onProgress?: (progress: ExecutionProgress) => void | Promise<void>;
}

export interface FollowResult {
  readonly end: ExecutionEnd;
  readonly steps: readonly StepOutcome[];
}

/** Polls until the execution ends; returns how it ended and every completed step. */
export async function followExecution(options: FollowOptions): Promise<FollowResult> {
  let reported = 0;
  let delay = options.pollIntervalMs;
  for (;;) {
    let progress: ExecutionProgress | undefined;
    try {
      progress = progressOf(await executionHistory(options.sfn, options.executionArn));
    } catch (error) {
      if (!isTransientAwsError(error)) throw error;
    }
    if (progress) {
      for (const outcome of progress.completed.slice(reported)) options.onStep(outcome);
      reported = progress.completed.length;
      if (progress.end) return { end: progress.end, steps: progress.completed };
      await options.onProgress?.(progress);
    }
    delay = nextPollDelay(options.pollIntervalMs, delay, progress === undefined);
    await options.sleep(delay);
  }
}
