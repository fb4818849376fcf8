/**
 * A discrete-event scheduler of virtual time. `sleep(ms)` registers a wake-up at `now() + ms`; the clock moves to the
 * earliest pending wake-up only when nothing else can run: every task (see {@link VirtualClock.track}) is blocked on
 * the clock and no new work appeared for a couple of macrotask turns. Concurrent sleepers therefore overlap as they
 * would in real time: two handlers sleeping 10 s and 30 s side by side wake at +10 s and +30 s, not +10 s and +40 s.
 * An RDS instance that takes ten minutes to create, and a handler that polls it every thirty seconds, still run in
 * milliseconds of real time.
 *
 * Callbacks scheduled at a virtual time (instance lifecycle transitions, recovery windows) fire, in time order, as
 * the clock passes them; each callback and each woken sleeper sees `now()` equal to its own due time. Entries due
 * at the same instant fire in the order they were registered, one at a time, and the work each one starts runs
 * until it blocks on the clock again before the next one fires.
 *
 * Time moves only for sleepers: callbacks alone (a secret's deletion window, a backup's retention) wait until some
 * sleeper needs the clock past them, or until a test moves it by hand with `advance`/`advanceTo`/`runAll`.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const restore = clock.install();          // handlers' clock.now/sleep now use it
 * clock.schedule(60_000, () => console.log('a minute later'));
 * await clock.sleep(90_000);                // prints, then resolves at +90 s without waiting
 * restore();
 * ```
 *
 * @module
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { clock as sharedClock } from '../../../lambdas/shared/clock';

/** 2030-01-01T00:00:00Z: a fixed start keeps timestamps in logs and snapshots stable from run to run. */
export const DEFAULT_EPOCH_MS = Date.UTC(2030, 0, 1);

/** Wake-ups and callbacks the clock fires at one instant before it calls the run stuck (see {@link ClockOptions}). */
const DEFAULT_MAX_STEPS_PER_INSTANT = 100_000;

/**
 * Macrotask turns without new clock activity that count as "nothing else can run". Microtasks and `nextTick`s drain
 * before each turn, so two turns are plenty for promise chains; work waiting on real I/O must run as a task.
 */
const QUIET_TURNS = 2;

/** A scheduled callback; `cancel` is a no-op once it has fired. */
export interface TimerHandle {
  readonly at: number;
  /** False once it fired or was cancelled: what a saved state resumes is the pending transitions only. */
  readonly pending: boolean;
  cancel(): void;
}

export interface ClockOptions {
  /**
   * No-progress guard: how many wake-ups and callbacks may fire at one virtual instant before the clock rejects
   * every waiting sleeper with a {@link VirtualClockStallError} (a loop sleeping 0 ms never lets time move).
   */
  maxStepsPerInstant?: number;
}

/** The clock cannot make progress: a loop that never lets time move, or tasks waiting on each other. */
export class VirtualClockStallError extends Error {
  override readonly name = 'VirtualClockStallError';
}

/** A unit of work the scheduler waits for before it moves time: a workflow execution, a Lambda started by an event. */
interface Task {
  readonly name: string;
  /** Pending sleeps and waits of this task: while above 0 the task is blocked on the clock. */
  blocked: number;
  ended: boolean;
}

interface Entry {
  readonly at: number;
  readonly order: number;
  cancelled: boolean;
  /** A callback's body bound to the context it was scheduled from (it enters the given task), or undefined for a sleeper. */
  readonly run?: (task: Task) => unknown;
  /** A sleeper's resolution. */
  readonly wake?: Sleeper;
}

interface Sleeper {
  readonly task: Task | undefined;
  resolve(): void;
  reject(error: unknown): void;
}

interface Waiter {
  readonly task: Task | undefined;
  reject(error: unknown): void;
}

/** A binary min-heap of entries by (at, order): the run of a few hundred concurrent executions holds thousands. */
class EntryHeap {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(entry: Entry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as Entry, items[parent] as Entry)) break;
      [items[i], items[parent]] = [items[parent] as Entry, items[i] as Entry];
      i = parent;
    }
  }

  /** The earliest entry that is not cancelled (cancelled ones on top are dropped). */
  peek(): Entry | undefined {
    while (this.items.length > 0 && this.items[0]?.cancelled) this.pop();
    return this.items[0];
  }

  pop(): Entry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && before(items[left] as Entry, items[smallest] as Entry)) smallest = left;
        if (right < items.length && before(items[right] as Entry, items[smallest] as Entry)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest] as Entry, items[i] as Entry];
        i = smallest;
      }
    }
    return top;
  }

  values(): readonly Entry[] {
    return this.items;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}

export class VirtualClock {
  private time: number;
  private order = 0;
  private readonly entries = new EntryHeap();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly failures: unknown[] = [];
  private readonly tasks = new AsyncLocalStorage<Task>();
  private readonly waiters = new Set<Waiter>();
  private readonly maxStepsPerInstant: number;
  /** Sleepers not woken yet. */
  private sleepers = 0;
  /** Live tasks that are not blocked on the clock. */
  private runnable = 0;
  /** Bumped on every change the scheduler cares about: quiescence means it stood still for QUIET_TURNS turns. */
  private activity = 0;
  private driving = false;
  private changed: (() => void) | undefined;
  private stepsAt = { at: Number.NaN, steps: 0 };

  constructor(start: number | string | Date = DEFAULT_EPOCH_MS, options: ClockOptions = {}) {
    this.time = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.time)) throw new TypeError(`VirtualClock: invalid start time ${String(start)}`);
    this.maxStepsPerInstant = options.maxStepsPerInstant ?? DEFAULT_MAX_STEPS_PER_INSTANT;
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
   * Resolves when the clock reaches `now() + ms` (negative durations count as zero, as with `setTimeout`). The clock
   * gets there on its own once nothing else can run; no real timer is involved.
   *
   * @param signal - aborting it cancels the sleep: the promise rejects with the signal's reason.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (Number.isNaN(ms)) return Promise.reject(new TypeError('VirtualClock: cannot sleep for NaN'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const task = this.tasks.getStore();
    return new Promise<void>((resolve, reject) => {
      let entry: Entry | undefined;
      const onAbort = () => {
        if (!entry || entry.cancelled) return;
        entry.cancelled = true;
        this.sleeperDone(task);
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        task,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      entry = { at: this.time + Math.max(0, ms), order: this.order++, cancelled: false, wake: sleeper };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.entries.push(entry);
      this.sleepers += 1;
      this.block(task);
      this.drive();
    });
  }

  /** Moves the clock forward by `ms`, firing every callback and waking every sleeper due on the way. */
  advance(ms: number): void {
    if (Number.isNaN(ms)) throw new TypeError('VirtualClock: cannot advance by NaN');
    this.advanceTo(this.time + Math.max(0, ms));
  }

  /** Moves the clock forward to `at` (never backwards), firing every callback and waking every sleeper due on the way. */
  advanceTo(at: number): void {
    for (let next = this.nextDue(at); next; next = this.nextDue(at)) this.fire(next, true);
    this.time = Math.max(this.time, at);
  }

  /**
   * Advances until nothing is scheduled any more (lifecycles finished), at most `limitMs` ahead.
   * Returns the virtual milliseconds that passed.
   */
  runAll(limitMs = 7 * 24 * 3600_000): number {
    const start = this.time;
    const limit = start + limitMs;
    for (let next = this.nextDue(limit); next; next = this.nextDue(limit)) this.fire(next, true);
    return this.time - start;
  }

  /**
   * Runs `run` once the clock reaches `now() + delayMs`, in the asynchronous context it was scheduled from (the
   * execution whose CreateDBInstance started an instance's lifecycle, say). A promise it returns runs as a task.
   */
  schedule(delayMs: number, run: () => unknown): TimerHandle {
    return this.scheduleAt(this.time + Math.max(0, delayMs), run);
  }

  /** Runs `run` once the clock reaches `at` (immediately on the next advance when `at` is in the past). */
  scheduleAt(at: number, run: () => unknown): TimerHandle {
    const bound = AsyncResource.bind((task: Task) => this.tasks.run(task, run));
    const entry: Entry = { at, order: this.order++, cancelled: false, run: bound };
    this.entries.push(entry);
    this.touch();
    return {
      at,
      get pending() {
        return !entry.cancelled;
      },
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** How many callbacks are still waiting (sleepers not counted: see {@link pendingSleepers}). */
  pendingTimers(): number {
    return this.entries.values().filter((e) => !e.cancelled && e.run).length;
  }

  /** How many sleepers are still waiting for their wake-up. */
  pendingSleepers(): number {
    return this.sleepers;
  }

  /**
   * Runs `work` as a task: while it runs and is not sleeping, the clock stands still, so work that waits on real
   * I/O (a PostgreSQL query) finishes at the virtual instant it started. Every workflow execution is one task;
   * a promise a scheduled callback returns is another. Inside a task, the calling task waits for the new one
   * (see {@link waitFor}).
   */
  track<T>(name: string, work: () => Promise<T>): Promise<T> {
    const parent = this.tasks.getStore();
    const task: Task = { name, blocked: 0, ended: false };
    this.runnable += 1;
    this.touch();
    const running = this.tasks.run(task, async () => {
      try {
        return await work();
      } finally {
        this.end(task);
      }
    });
    return parent ? this.waitFor(running) : running;
  }

  /**
   * Runs `work` and keeps the clock still until it settles, whoever waits for it: for real I/O that must end at the
   * virtual instant it started (a request to an in-process database) even when the caller is no task, or is a task
   * that also sleeps meanwhile. Lighter than {@link track}: `work` is no task of its own and blocks no one.
   */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    this.runnable += 1;
    this.touch();
    try {
      return await work();
    } finally {
      this.runnable -= 1;
      this.touch();
    }
  }

  /**
   * Waits for `promise`, counting the calling task as blocked meanwhile: for waits on other tasks, whose progress
   * may need the clock to move. When every task is blocked and no wake-up is pending, nothing can ever settle such
   * a wait: it rejects with a {@link VirtualClockStallError} instead of hanging.
   */
  async waitFor<T>(promise: Promise<T>): Promise<T> {
    const task = this.tasks.getStore();
    let rejectWait!: (error: unknown) => void;
    const stalled = new Promise<never>((_, reject) => {
      rejectWait = reject;
    });
    const waiter: Waiter = { task, reject: rejectWait };
    this.waiters.add(waiter);
    this.block(task);
    this.drive();
    try {
      return await Promise.race([promise, stalled]);
    } finally {
      if (this.waiters.delete(waiter)) this.unblock(task);
    }
  }

  /**
   * Waits for the promises that fired callbacks returned (an `onAvailable` hook invoking a Lambda, say) and
   * rethrows the first failure of any callback. Callbacks never throw into whoever advanced the clock: a failing
   * lifecycle hook must not surface as an error of an unrelated handler's `sleep`.
   */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await this.waitFor(Promise.allSettled([...this.inFlight]));
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

  private nextDue(limit: number): Entry | undefined {
    const next = this.entries.peek();
    return next && next.at <= limit ? next : undefined;
  }

  /**
   * Fires the earliest entry (`entry` is the heap's top): moves the clock to its time, then wakes the sleeper or runs
   * the callback. `manual` when a test moves the clock by hand: a stall then throws at the caller.
   */
  private fire(entry: Entry, manual: boolean): void {
    this.entries.pop();
    entry.cancelled = true;
    this.time = Math.max(this.time, entry.at);
    this.touch();
    const stall = this.countStep();
    if (stall) {
      if (manual) throw stall;
      // The entry at hand is refused too: a sleeper rejects, a callback is dropped.
      if (entry.wake) {
        this.sleeperDone(entry.wake.task);
        entry.wake.reject(stall);
      }
      this.failAll(stall);
      return;
    }
    if (entry.wake) {
      this.sleeperDone(entry.wake.task);
      entry.wake.resolve();
      return;
    }
    const task: Task = { name: 'scheduled callback', blocked: 0, ended: false };
    this.runnable += 1;
    try {
      const result = (entry.run as (task: Task) => unknown)(task);
      if (result instanceof Promise) {
        const tracked = result
          .catch((error: unknown) => {
            this.failures.push(error);
          })
          .finally(() => {
            this.end(task);
            this.inFlight.delete(tracked);
          });
        this.inFlight.add(tracked);
        return;
      }
    } catch (error) {
      this.failures.push(error);
    }
    this.end(task);
  }

  /** Counts a step at the current instant; the no-progress error once there were too many. */
  private countStep(): VirtualClockStallError | undefined {
    if (this.stepsAt.at !== this.time) this.stepsAt = { at: this.time, steps: 0 };
    this.stepsAt.steps += 1;
    if (this.stepsAt.steps <= this.maxStepsPerInstant) return undefined;
    this.stepsAt.steps = 0;
    return new VirtualClockStallError(
      `VirtualClock: no progress, ${this.maxStepsPerInstant} wake-ups and callbacks at ${this.nowIso()} without ` +
        'time moving (a loop that sleeps 0 ms or reschedules itself at the same instant?)',
    );
  }

  /** Rejects every waiting sleeper and waiter with `error` (the run is stuck). */
  private failAll(error: Error): void {
    for (const entry of this.entries.values()) {
      if (entry.cancelled || !entry.wake) continue;
      entry.cancelled = true;
      this.sleeperDone(entry.wake.task);
      entry.wake.reject(error);
    }
    for (const waiter of [...this.waiters]) waiter.reject(error);
  }

  private sleeperDone(task: Task | undefined): void {
    this.sleepers -= 1;
    this.unblock(task);
  }

  private block(task: Task | undefined): void {
    if (task && !task.ended && task.blocked++ === 0) this.runnable -= 1;
    this.touch();
  }

  private unblock(task: Task | undefined): void {
    if (task && !task.ended && --task.blocked === 0) this.runnable += 1;
    this.touch();
  }

  private end(task: Task): void {
    if (task.ended) return;
    task.ended = true;
    if (task.blocked === 0) this.runnable -= 1;
    this.touch();
  }

  private touch(): void {
    this.activity += 1;
    const changed = this.changed;
    this.changed = undefined;
    changed?.();
  }

  /** Starts the loop that moves time, unless it runs already. */
  private drive(): void {
    if (this.driving) return;
    this.driving = true;
    // Outside every task: the loop belongs to no execution.
    void this.tasks.exit(() =>
      this.loop().finally(() => {
        this.driving = false;
        if (this.sleepers > 0 || this.waiters.size > 0) this.drive();
      }),
    );
  }

  private async loop(): Promise<void> {
    while (this.sleepers > 0 || this.waiters.size > 0) {
      await this.quiesce();
      const next = this.entries.peek();
      if (this.sleepers > 0 && next) {
        this.fire(next, false);
      } else if (this.waiters.size > 0) {
        const names = [...this.waiters].map((w) => w.task?.name ?? 'untracked code');
        this.failAll(
          new VirtualClockStallError(
            `VirtualClock: deadlock at ${this.nowIso()}: ${names.join(', ')} wait(s) for work that cannot progress ` +
              '(every task is blocked and no wake-up is pending)',
          ),
        );
      }
    }
  }

  /** Resolves once no task can run and no clock activity happened for {@link QUIET_TURNS} macrotask turns. */
  private async quiesce(): Promise<void> {
    for (;;) {
      while (this.runnable > 0) {
        await new Promise<void>((resolve) => {
          this.changed = resolve;
        });
      }
      const seen = this.activity;
      for (let turn = 0; turn < QUIET_TURNS; turn++) await nextTurn();
      if (this.runnable === 0 && seen === this.activity) return;
    }
  }
}
