/**
 * A limit for loops driven by a fake clock. A broken loop (or a mutant of one, in `npm run mutation`) that stops
 * advancing time spins forever without yielding to Jest's timer: counting the calls of something every iteration
 * makes (`now()`, `sleep()`, an invocation) turns that hang into an immediate failure.
 *
 * @example
 * ```ts
 * const step = runawayGuard('now()', 100_000);
 * const deps = { now: () => (step(), clock), ... };
 * ```
 */
export function runawayGuard(what: string, limit: number): () => void {
  let calls = 0;
  return () => {
    calls += 1;
    if (calls > limit) throw new Error(`${what} was called more than ${limit} times: a runaway loop`);
  };
}

/** Throws unless a fake sleep moves the clock forward: on a fake clock, a loop that sleeps 0 ms (or NaN) never ends. */
export function assertSleepAdvances(ms: number): void {
  if (!(ms > 0)) throw new Error(`slept ${ms} ms: a loop that does not advance the clock never ends`);
}
