import { clock as sharedClock } from '../../lambdas/shared/clock';

/**
 * A clock that only moves when told to. `sleep` advances it at once, so an RDS instance that takes ten minutes to
 * create, and a handler that polls it every thirty seconds, run in milliseconds of real time. Callbacks scheduled
 * at a virtual time (instance lifecycle transitions, recovery windows) fire, in time order, as the clock passes
 * them; each callback sees `now()` equal to its own due time.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const restore = clock.install();          // handlers' clock.now/sleep now use it
 * clock.schedule(60_000, () => console.log('a minute later'));
 * await clock.sleep(90_000);                // prints, returns immediately
 * restore();
 * ```
 */

/** 2030-01-01T00:00:00Z: a fixed start keeps timestamps in logs and snapshots stable from run to run. */
export const DEFAULT_EPOCH_MS = Date.UTC(2030, 0, 1);

/** A scheduled callback; `cancel` is a no-op once it has fired. */
export interface TimerHandle {
  readonly at: number;
  cancel(): void;
}

interface Timer {
  at: number;
  order: number;
  run: () => unknown;
  cancelled: boolean;
}

export class VirtualClock {
  private time: number;
  private order = 0;
  private timers: Timer[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly failures: unknown[] = [];

  constructor(start: number | string | Date = DEFAULT_EPOCH_MS) {
    this.time = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.time)) throw new TypeError(`VirtualClock: invalid start time ${String(start)}`);
  }

  /** Current virtual time, in epoch milliseconds. */
  now(): number {
    return this.time;
  }

  /** Current virtual time as an ISO-8601 string. */
  nowIso(): string {
    return new Date(this.time).toISOString();
  }

  /**
   * Advances the clock by `ms` and resolves after one microtask, so a polling loop still yields to other work.
   * Negative durations count as zero, as with `setTimeout`.
   */
  async sleep(ms: number): Promise<void> {
    this.advance(ms);
    await Promise.resolve();
  }

  /** Moves the clock forward by `ms`, firing every callback due on the way. */
  advance(ms: number): void {
    if (Number.isNaN(ms)) throw new TypeError('VirtualClock: cannot advance by NaN');
    this.advanceTo(this.time + Math.max(0, ms));
  }

  /** Moves the clock forward to `at` (never backwards), firing every callback due on the way. */
  advanceTo(at: number): void {
    for (let next = this.nextDue(at); next; next = this.nextDue(at)) {
      this.time = Math.max(this.time, next.at);
      this.fire(next);
    }
    this.time = Math.max(this.time, at);
  }

  /**
   * Advances until no callback is scheduled any more (lifecycles finished), at most `limitMs` ahead.
   * Returns the virtual milliseconds that passed.
   */
  runAll(limitMs = 7 * 24 * 3600_000): number {
    const start = this.time;
    const limit = start + limitMs;
    for (let next = this.nextDue(limit); next; next = this.nextDue(limit)) {
      this.time = Math.max(this.time, next.at);
      this.fire(next);
    }
    return this.time - start;
  }

  /** Runs `run` once the clock reaches `now() + delayMs`. */
  schedule(delayMs: number, run: () => unknown): TimerHandle {
    return this.scheduleAt(this.time + Math.max(0, delayMs), run);
  }

  /** Runs `run` once the clock reaches `at` (immediately on the next advance when `at` is in the past). */
  scheduleAt(at: number, run: () => unknown): TimerHandle {
    const timer: Timer = { at, order: this.order++, run, cancelled: false };
    this.timers.push(timer);
    return {
      at,
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** How many callbacks are still waiting. */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /**
   * Waits for the promises that fired callbacks returned (an `onAvailable` hook invoking a Lambda, say) and
   * rethrows the first failure of any callback. Callbacks never throw into whoever advanced the clock: a failing
   * lifecycle hook must not surface as an error of an unrelated handler's `sleep`.
   */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    const [first, ...rest] = this.failures.splice(0);
    if (first !== undefined) {
      throw rest.length === 0 ? first : new AggregateError([first, ...rest], 'VirtualClock: callbacks failed');
    }
  }

  /**
   * Makes the handlers' clock (`lambdas/shared/clock.ts`) read this one. Returns the function that puts the
   * real clock back; call it in `afterEach`.
   */
  install(): () => void {
    const original = { now: sharedClock.now, sleep: sharedClock.sleep };
    sharedClock.now = () => this.now();
    sharedClock.sleep = (ms: number) => this.sleep(ms);
    return () => {
      sharedClock.now = original.now;
      sharedClock.sleep = original.sleep;
    };
  }

  private nextDue(limit: number): Timer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let next: Timer | undefined;
    for (const t of this.timers) {
      if (t.at <= limit && (!next || t.at < next.at || (t.at === next.at && t.order < next.order))) next = t;
    }
    return next;
  }

  private fire(timer: Timer): void {
    timer.cancelled = true;
    try {
      const result = timer.run();
      if (result instanceof Promise) {
        const tracked = result.catch((error: unknown) => {
          this.failures.push(error);
        });
        this.inFlight.add(tracked);
        void tracked.finally(() => this.inFlight.delete(tracked));
      }
    } catch (error) {
      this.failures.push(error);
    }
  }
}
