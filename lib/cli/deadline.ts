/**
 * The deadline of a command: tenantctl gives up when AWS has not answered for `--timeout` seconds, whatever the
 * SDK's retries would still try. It starts with the first AWS call (loading the SDK on a busy machine does not count).
 * A command that follows an operation (`watch`, `onboard --wait`) restarts it after every poll, so the deadline bounds
 * each poll rather than the operation, which takes as long as RDS takes.
 *
 * @module
 */
import type { AwsCall } from './services';

/** The default of `--timeout`, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** The deadline passed with no answer from AWS. */
export class DeadlineExceededError extends Error {
  public override readonly name = 'DeadlineExceededError';
  constructor(
    public readonly seconds: number,
    /** A call still waiting for its answer when the deadline passed. */
    public readonly waitingFor?: AwsCall,
  ) {
    super(`no answer from AWS within ${seconds} s`);
  }
}

export interface Deadline {
  /** Rejects with {@link DeadlineExceededError} when the deadline passes. */
  readonly expired: Promise<never>;
  /** Starts the full period again (after an answer from AWS). */
  restart(): void;
  /** Stops the timer; `expired` never settles. */
  clear(): void;
}

/** A deadline `seconds` from now; `inFlight` names the call that was waiting when it passes. */
export function startDeadline(seconds: number, inFlight: ReadonlySet<AwsCall> = new Set()): Deadline {
  let timer: NodeJS.Timeout | undefined;
  let reject: (error: Error) => void = () => {};
  const expired = new Promise<never>((_, r) => {
    reject = r;
  });
  // Handled by whoever races it; never an unhandled rejection when nobody does.
  expired.catch(() => {});
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => reject(new DeadlineExceededError(seconds, [...inFlight].at(-1))), seconds * 1000);
  };
  arm();
  return { expired, restart: arm, clear: () => clearTimeout(timer) };
}

/** A deadline that never passes, for callers without one. */
export const NO_DEADLINE: Deadline = { expired: new Promise<never>(() => {}), restart: () => {}, clear: () => {} };
