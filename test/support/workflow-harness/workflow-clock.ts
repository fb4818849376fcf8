import { type TimerHandle, VirtualClock } from '../virtual-clock';

/**
 * The virtual clock of workflow runs. A plain VirtualClock advances in one synchronous sweep, firing every callback
 * on the way; asynchronous work a callback starts (the RDS event listener, a Lambda of its own) would only resume
 * once the sweep has ended, seconds of virtual time later. In AWS that work takes milliseconds. So the harness
 * advances timer by timer and lets background work finish at each instant before going on: the listener's write
 * lands when it happens, and its invocation lasts its own virtual time.
 */
export class WorkflowClock extends VirtualClock {
  private readonly due = new Set<{ at: number }>();
  private readonly running = new Set<Promise<unknown>>();

  override scheduleAt(at: number, run: () => unknown): TimerHandle {
    const entry = { at };
    this.due.add(entry);
    const handle = super.scheduleAt(at, () => {
      this.due.delete(entry);
      return run();
    });
    return {
      at: handle.at,
      cancel: () => {
        this.due.delete(entry);
        handle.cancel();
      },
    };
  }

  /** Runs `work` beside whoever advances the clock; advancing waits for it at the instant it started. */
  background<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const done = () => this.running.delete(work);
    void work.then(done, done);
    return work;
  }

  /** Resolves once the background work running now has settled (failures surface through `settled()`). */
  async backgroundSettled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /**
   * Advances by `ms` from one due callback to the next, letting the background work each one starts finish
   * before time moves on. For the handlers' sleeps and the harness's Wait states and retry intervals; a sleep
   * inside background work itself (an AWS call's latency) uses the plain `sleep`, which would otherwise wait for
   * itself.
   */
  async advanceSettled(ms: number): Promise<void> {
    const target = this.now() + Math.max(0, ms);
    for (let next = this.nextDueAt(target); next !== undefined; next = this.nextDueAt(target)) {
      this.advanceTo(next);
      await this.backgroundSettled();
    }
    this.advanceTo(target);
    await this.backgroundSettled();
  }

  private nextDueAt(limit: number): number | undefined {
    let next: number | undefined;
    for (const { at } of this.due) if (at <= limit && (next === undefined || at < next)) next = at;
    return next;
  }
}
