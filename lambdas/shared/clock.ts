/**
 * Time as the handlers see it. Production uses the real clock; the workflow tests and the benchmark replace `now`
 * and `sleep` with a virtual clock so an hour-long RDS creation runs in milliseconds.
 */
export const clock = {
  now: (): number => Date.now(),
  sleep: (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** ISO-8601 timestamp of the clock's current time. */
export function nowIso(): string {
  return new Date(clock.now()).toISOString();
}
