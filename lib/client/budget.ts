import { ConnectionBudgetError } from './errors';

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The global connection budget: at most `limit` database connections open at once across every tenant pool. A
 * connection takes a permit before it opens its socket and gives it back when the socket is closed, so the servers
 * never see more than the budget from this process. Waiters are served first come, first served.
 */
export class ConnectionBudget {
  private inUse = 0;
  private readonly waiters: Waiter[] = [];

  /**
   * @param limit - permits in total
   * @param onPressure - called when a permit is asked for and none is free (the client then closes idle pools)
   */
  constructor(
    readonly limit: number,
    private readonly onPressure: () => void,
  ) {}

  /** Open connections (permits held). */
  get used(): number {
    return this.inUse;
  }

  /** Connections waiting for a permit. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Takes a permit, waiting up to `timeoutMillis`.
   *
   * @returns the function that gives the permit back (idempotent)
   * @throws {ConnectionBudgetError} when no permit was free in time
   */
  async acquire(timeoutMillis: number): Promise<() => void> {
    if (this.inUse < this.limit && this.waiters.length === 0) {
      this.inUse += 1;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(
            new ConnectionBudgetError(
              `no database connection was free within ${timeoutMillis} ms (global budget of ${this.limit} connections in use)`,
            ),
          );
        }, timeoutMillis),
      };
      this.waiters.push(waiter);
      this.onPressure();
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The permit passes straight to the next waiter, so a newcomer cannot overtake it.
      if (next) next.grant();
      else this.inUse -= 1;
    };
  }
}
