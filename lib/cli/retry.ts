import { isTransientAwsError } from '../../lambdas/shared/errors';
import { throttleRetryDelayMs } from '../../lambdas/shared/throttle-retry';

/** Attempts of one call in a command that works through many tenants, counting the first. */
export const THROTTLED_CALL_ATTEMPTS = 5;

/**
 * Runs `call` again when AWS throttled it or answered with a transient fault, after a full-jitter backoff (0.5 s
 * doubling up to 5 s, as the handlers back off), at most `attempts` times in all; any other error is thrown at once.
 * On top of the SDK's own retries: a command working through every tenant would otherwise give up on a tenant at
 * the first busy minute.
 *
 * @example
 * ```ts
 * const outcome = await retryThrottled(() => enableSecretRotation(client, arn, schedule), ctx.sleep);
 * ```
 */
export async function retryThrottled<T>(
  call: () => Promise<T>,
  sleep: (ms: number) => Promise<void>,
  attempts = THROTTLED_CALL_ATTEMPTS,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isTransientAwsError(error)) throw error;
      await sleep(throttleRetryDelayMs(attempt));
    }
  }
}
