/**
 * Virtual time of the states that wait. The local executor runs Wait states and Retry intervals instantly (the
 * harness overrides them to 0 ms); the harness moves the virtual clock by what Step Functions would have waited
 * instead, so timeouts, deadlines and the RDS lifecycle see realistic time.
 *
 * @module
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';

/** A `Retry` entry, as ASL defines it. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'NONE' | 'FULL';
}

/** ASL defaults (Amazon States Language, "Retrying after an error"). */
const DEFAULT_INTERVAL_SECONDS = 1;
const DEFAULT_BACKOFF_RATE = 2;

/**
 * Milliseconds Step Functions waits before retry number `attempt` (1 for the first retry): IntervalSeconds ×
 * BackoffRate^(attempt − 1), capped at MaxDelaySeconds, and with FULL jitter a random point below that.
 *
 * @param random - a number in [0, 1); the harness passes a seeded generator so runs are reproducible.
 *
 * @example
 * ```ts
 * retryDelayMs({ ErrorEquals: ['RetryableError'], IntervalSeconds: 2, BackoffRate: 2 }, 3, Math.random); // 8000
 * ```
 */
export function retryDelayMs(retrier: Retrier, attempt: number, random: () => number): number {
  const interval = retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  const rate = retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE;
  const uncapped = interval * rate ** Math.max(0, attempt - 1);
  const seconds = retrier.MaxDelaySeconds === undefined ? uncapped : Math.min(uncapped, retrier.MaxDelaySeconds);
  return Math.round((retrier.JitterStrategy === 'FULL' ? random() * seconds : seconds) * 1000);
}

/**
 * Milliseconds a Wait state waits: its `Seconds`, or the number its `SecondsPath` (a plain `$.a.b` path) selects
 * from the state's `input`. Timestamps are not supported: no definition uses them.
 */
export function waitStateMs(definition: StateMachineDefinition, stateName: string, input?: unknown): number {
  const state = definition.States[stateName];
  if (state?.Type !== 'Wait') throw new Error(`workflow harness: ${stateName} is not a Wait state`);
  if (state.Seconds !== undefined) return state.Seconds * 1000;
  const path = (state as { SecondsPath?: string }).SecondsPath;
  if (path === undefined || !/^\$(\.[A-Za-z0-9_]+)+$/.test(path)) {
    throw new Error(`workflow harness: Wait state ${stateName} has neither Seconds nor a plain SecondsPath`);
  }
  const seconds = path
    .split('.')
    .slice(1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], input);
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
    throw new Error(
      `workflow harness: ${path} of Wait state ${stateName} is not a whole number of seconds (${String(seconds)})`,
    );
  }
  return seconds * 1000;
}

/** A deterministic generator of numbers in [0, 1) (mulberry32), so jittered retries repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
