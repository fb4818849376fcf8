/**
 * Retries of throttled AWS calls inside a handler, on top of the SDK's own attempts. Under a burst (a billing
 * backfill, hundreds of onboardings at once) the SDK's attempts can all be throttled; failing the whole step for one
 * such call makes a step of eight calls fail most attempts and spends the workflow's retry budget in minutes. Backing
 * off here keeps the step's progress and its other calls, at the cost of one call's delay.
 *
 * @module
 */
import { clock } from './clock';
import { type EnvVar, readEnv } from './config';
import { isTransientAwsError } from './errors';

const DEFAULT_THROTTLE_RETRY_ATTEMPTS = 4;

/**
 * Attempts per call, counting the first (1 turns the retries off): a whole number ≥ 1, else the default. Lenient on
 * purpose: a bad value must not stop the calls it only tunes.
 */
export const THROTTLE_RETRY_ATTEMPTS: EnvVar<number> = {
  name: 'THROTTLE_RETRY_ATTEMPTS',
  parse: (raw) => {
    const value = Number(raw);
    return raw !== undefined && Number.isInteger(value) && value >= 1 ? value : DEFAULT_THROTTLE_RETRY_ATTEMPTS;
  },
};
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;

/**
 * The wait before retry `retry` (1-based): full jitter over an exponential ceiling, 0.5 s doubling up to 5 s, so
 * waiters that were throttled together do not come back together. Pure.
 */
export function throttleRetryDelayMs(retry: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (retry - 1)));
}

interface Sender {
  send(...args: never[]): Promise<unknown>;
}

/**
 * `client` with a `send` that retries throttling and transient faults with jittered backoff (see
 * {@link THROTTLE_RETRY_ATTEMPTS}); every other error passes through at once. The client's own `send` is looked up at
 * each call, so stubs installed on its prototype later (tests) are honoured.
 *
 * @example
 * ```ts
 * const rds = retryingThrottles(new RDSClient(CLIENT_CONFIG));
 * ```
 */
export function retryingThrottles<T extends Sender>(client: T): T {
  const prototype = Object.getPrototypeOf(client) as Sender;
  const send = async (...args: never[]): Promise<unknown> => {
    const attempts = readEnv(THROTTLE_RETRY_ATTEMPTS);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await prototype.send.apply(client, args);
      } catch (error) {
        if (attempt >= attempts || !isTransientAwsError(error)) throw error;
        await clock.sleep(throttleRetryDelayMs(attempt));
      }
    }
  };
  Object.defineProperty(client, 'send', { value: send, configurable: true, writable: true });
  return client;
}
