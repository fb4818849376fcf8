import { VirtualClock } from '../../../lib/local/aws/virtual-clock';

/**
 * The virtual clock of workflow runs: the discrete-event scheduler of {@link VirtualClock}, plus a record of the
 * background work (the RDS event listener's invocation, say) that runs beside the executions. Each execution runs
 * as one of the scheduler's tasks and a callback's promise as another, so time moves only once all of them are
 * blocked on the clock: the listener's write lands at the instant it happens, and concurrent executions overlap in
 * virtual time as they would in AWS.
 */
export class WorkflowClock extends VirtualClock {
  private readonly running = new Set<Promise<unknown>>();

  /** Records `work` as background work (it runs as a task when a scheduled callback returned it). */
  background<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const done = () => this.running.delete(work);
    void work.then(done, done);
    return work;
  }

  /** Resolves once the background work running now has settled (failures surface through `settled()`). */
  async backgroundSettled(): Promise<void> {
    while (this.running.size > 0) await this.waitFor(Promise.allSettled([...this.running]));
  }

  /**
   * Same as {@link VirtualClock.sleep}, which now lets the background work each due callback starts finish before
   * time moves on.
   *
   * @deprecated use `sleep`.
   */
  advanceSettled(ms: number): Promise<void> {
    return this.sleep(ms);
  }
}
