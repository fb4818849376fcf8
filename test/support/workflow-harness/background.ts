import type { AwsDouble } from '../aws-double';

/**
 * Lambda invocations that run beside the workflow (the RDS event listener), per double. They take milliseconds in
 * AWS, far less than the seconds a handler sleeps between checks, so a sleeping handler waits for them to finish
 * before it looks again: otherwise a registry read could overtake the listener's write at the same virtual instant.
 */
const inFlight = new WeakMap<AwsDouble, Set<Promise<unknown>>>();

/** Tracks `work` until it settles; returns it. */
export function trackBackground<T>(double: AwsDouble, work: Promise<T>): Promise<T> {
  let running = inFlight.get(double);
  if (!running) {
    running = new Set();
    inFlight.set(double, running);
  }
  const tracked = running;
  tracked.add(work);
  void work.then(
    () => tracked.delete(work),
    () => tracked.delete(work),
  );
  return work;
}

/** Resolves once the background work running now has settled (failures are reported by the virtual clock). */
export async function backgroundSettled(double: AwsDouble): Promise<void> {
  const running = inFlight.get(double);
  while (running && running.size > 0) await Promise.allSettled([...running]);
}
