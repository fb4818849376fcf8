import { setTimeout as realDelay } from 'node:timers/promises';
import { nowIso, clock as sharedClock } from '../../../../lambdas/shared/clock';
import { DEFAULT_EPOCH_MS, VirtualClock, VirtualClockStallError } from '../../../../lib/local/aws/virtual-clock';

describe('VirtualClock', () => {
  it('starts at a fixed epoch and sleeps without waiting', async () => {
    // Prepare
    const clock = new VirtualClock();
    const timers = jest.spyOn(global, 'setTimeout');

    // Act
    await clock.sleep(3600_000);

    // Assess: an hour passed on the virtual clock and no real timer was set
    expect(clock.now()).toBe(DEFAULT_EPOCH_MS + 3600_000);
    expect(timers).not.toHaveBeenCalled();
    timers.mockRestore();
  });

  it('fires callbacks in time order as it passes them, each at its own time', () => {
    // Prepare
    const clock = new VirtualClock(0);
    const fired: [string, number][] = [];
    clock.schedule(300, () => fired.push(['c', clock.now()]));
    clock.schedule(100, () => {
      fired.push(['a', clock.now()]);
      // Scheduled while advancing, and due before the advance ends: fires in the same advance.
      clock.schedule(50, () => fired.push(['b', clock.now()]));
    });
    clock.schedule(1000, () => fired.push(['late', clock.now()]));

    // Act
    clock.advance(500);

    // Assess
    expect(fired).toEqual([
      ['a', 100],
      ['b', 150],
      ['c', 300],
    ]);
    expect(clock.now()).toBe(500);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('fires callbacks due at the same time in the order they were scheduled', () => {
    // Prepare
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    for (const n of [1, 2, 3]) clock.schedule(10, () => fired.push(n));

    // Act
    clock.advance(10);

    // Assess
    expect(fired).toEqual([1, 2, 3]);
  });

  it('does not fire a cancelled callback', () => {
    // Prepare
    const clock = new VirtualClock(0);
    const run = jest.fn();
    clock.schedule(10, run).cancel();

    // Act
    clock.advance(20);

    // Assess
    expect(run).not.toHaveBeenCalled();
  });

  it('runs every pending callback with runAll and reports the time that passed', () => {
    // Prepare
    const clock = new VirtualClock(0);
    clock.schedule(10 * 60_000, () => clock.schedule(2 * 60_000, () => undefined));

    // Act
    const elapsed = clock.runAll();

    // Assess
    expect(elapsed).toBe(12 * 60_000);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('never throws a failing callback into whoever advanced it, and rethrows it from settled()', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    clock.schedule(1, () => {
      throw new Error('hook failed');
    });
    clock.schedule(2, async () => {
      throw new Error('async hook failed');
    });

    // Act
    const advance = () => clock.advance(5);

    // Assess
    expect(advance).not.toThrow();
    await expect(clock.settled()).rejects.toThrow(AggregateError);
    await expect(clock.settled()).resolves.toBeUndefined();
  });

  it('waits in settled() for the promises callbacks returned', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    let done = false;
    clock.schedule(1, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      done = true;
    });
    clock.advance(1);

    // Act
    await clock.settled();

    // Assess
    expect(done).toBe(true);
  });

  it('drives the handlers clock once installed, and gives the real one back', async () => {
    // Prepare
    const clock = new VirtualClock('2031-05-01T12:00:00Z');

    // Act
    const restore = clock.install();
    await sharedClock.sleep(90_000);
    const virtual = nowIso();
    restore();

    // Assess
    expect(virtual).toBe('2031-05-01T12:01:30.000Z');
    const realNow = jest.spyOn(Date, 'now').mockReturnValue(1_234_567_890_000);
    expect(sharedClock.now()).toBe(1_234_567_890_000);
    realNow.mockRestore();
  });

  it.each([
    ['NaN', () => new VirtualClock(0).advance(Number.NaN)],
    ['an invalid start', () => new VirtualClock('not a date')],
  ])('refuses %s', (_case, act) => {
    // Assess
    expect(act).toThrow(TypeError);
  });
});

describe('VirtualClock as a discrete-event scheduler', () => {
  const SECOND = 1_000;

  /** Runs `work` as a tracked task or as plain code, so each case holds for both. */
  const asTask = (clock: VirtualClock, tracked: boolean, name: string, work: () => Promise<void>) =>
    tracked ? clock.track(name, work) : work();

  it.each([
    ['plain code', false],
    ['tasks', true],
  ])('overlaps concurrent sleepers of %s: 10 s and 30 s end at +10 s and +30 s', async (_case, tracked) => {
    // Prepare
    const clock = new VirtualClock(0);
    const endedAt: Record<string, number> = {};
    const sleeper = (name: string, ms: number) =>
      asTask(clock, tracked, name, async () => {
        await clock.sleep(ms);
        endedAt[name] = clock.now();
      });

    // Act
    await Promise.all([sleeper('long', 30 * SECOND), sleeper('short', 10 * SECOND)]);

    // Assess
    expect(endedAt).toEqual({ short: 10 * SECOND, long: 30 * SECOND });
    expect(clock.now()).toBe(30 * SECOND);
  });

  it('wakes sleepers and fires callbacks due at the same instant in the order they were registered', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    const order: string[] = [];
    const sleeper = async (name: string) => {
      await clock.sleep(5 * SECOND);
      order.push(`${name}@${clock.now()}`);
    };

    // Act
    const first = sleeper('first');
    clock.schedule(5 * SECOND, () => order.push(`callback@${clock.now()}`));
    const second = sleeper('second');
    await Promise.all([first, second]);

    // Assess
    expect(order).toEqual(['first@5000', 'callback@5000', 'second@5000']);
  });

  it('lets each callback and sleeper see now() equal to its due time, and chains sleeps from there', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    clock.schedule(7 * SECOND, () => seen.push(`callback@${clock.now()}`));
    const chained = async () => {
      await clock.sleep(10 * SECOND);
      seen.push(`first@${clock.now()}`);
      // A sleeper that schedules another: it counts from its own wake-up, not from where others moved the clock.
      await clock.sleep(5 * SECOND);
      seen.push(`second@${clock.now()}`);
    };
    const other = async () => {
      await clock.sleep(12 * SECOND);
      seen.push(`other@${clock.now()}`);
    };

    // Act
    await Promise.all([chained(), other()]);

    // Assess
    expect(seen).toEqual(['callback@7000', 'first@10000', 'other@12000', 'second@15000']);
  });

  it('cancels an aborted sleep and a cancelled callback: neither fires, and time does not go to them', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    const abort = new AbortController();
    const callback = jest.fn();
    clock.schedule(20 * SECOND, callback).cancel();
    const cancelled = clock.sleep(60 * SECOND, abort.signal);
    const kept = clock.sleep(30 * SECOND);

    // Act
    abort.abort(new Error('not needed any more'));

    // Assess
    await expect(cancelled).rejects.toThrow('not needed any more');
    await kept;
    expect(clock.now()).toBe(30 * SECOND);
    expect(callback).not.toHaveBeenCalled();
    expect(clock.pendingSleepers()).toBe(0);
  });

  it('keeps the clock still while a task waits on real I/O, then moves on', async () => {
    // Prepare: one task waits on something outside the clock (a database query, here a real 5 ms timer)
    const clock = new VirtualClock(0);
    let sawAfterIo: number | undefined;

    // Act
    await Promise.all([
      clock.track('query', async () => {
        await realDelay(5);
        sawAfterIo = clock.now();
        await clock.sleep(SECOND);
      }),
      clock.track('poller', () => clock.sleep(60 * SECOND)),
    ]);

    // Assess: the minute-long sleep did not pass while the query ran
    expect(sawAfterIo).toBe(0);
    expect(clock.now()).toBe(60 * SECOND);
  });

  it.each([
    ['plain code', false],
    ['a task that sleeps meanwhile', true],
  ])('keeps the clock still while held real I/O of %s is in flight', async (_case, tracked) => {
    // Prepare: a held request (a real 5 ms timer) runs beside a sleep of the same caller
    const clock = new VirtualClock(0);
    let sawAfterIo: number | undefined;

    // Act
    await asTask(clock, tracked, 'caller', async () => {
      await Promise.all([
        clock.hold(async () => {
          await realDelay(5);
          sawAfterIo = clock.now();
        }),
        clock.sleep(60 * SECOND),
      ]);
    });

    // Assess: the minute-long sleep did not pass while the request ran
    expect(sawAfterIo).toBe(0);
    expect(clock.now()).toBe(60 * SECOND);
  });

  it('surfaces failures where they happen and keeps the others going', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    clock.schedule(SECOND, async () => {
      await clock.sleep(SECOND);
      throw new Error('listener failed');
    });

    // Act
    const failing = clock.track('failing', async () => {
      await clock.sleep(5 * SECOND);
      throw new Error('task failed');
    });
    const healthy = clock.track('healthy', () => clock.sleep(10 * SECOND));

    // Assess: the task's own promise rejects, the callback's failure comes out of settled(), time went on
    await expect(failing).rejects.toThrow('task failed');
    await healthy;
    expect(clock.now()).toBe(10 * SECOND);
    await expect(clock.settled()).rejects.toThrow('listener failed');
  });

  it.each([
    [
      'a task waiting for work that nothing will ever do',
      (clock: VirtualClock) => clock.track('stuck', () => clock.waitFor(new Promise<void>(() => undefined))),
      /deadlock .*stuck/,
    ],
    [
      'a loop that sleeps 0 ms forever',
      async (clock: VirtualClock) => {
        for (;;) await clock.sleep(0);
      },
      /no progress, 50 wake-ups/,
    ],
  ])('refuses to hang on %s', async (_case, act, message) => {
    // Prepare
    const clock = new VirtualClock(0, { maxStepsPerInstant: 50 });

    // Act
    const outcome = act(clock);

    // Assess
    await expect(outcome).rejects.toThrow(VirtualClockStallError);
    await expect(outcome).rejects.toThrow(message);
  });

  it('throws a no-progress error at whoever advances it by hand into a callback that reschedules itself', () => {
    // Prepare
    const clock = new VirtualClock(0, { maxStepsPerInstant: 10 });
    const again = () => {
      clock.schedule(0, again);
    };
    clock.schedule(1, again);

    // Act & Assess
    expect(() => clock.advance(5)).toThrow(VirtualClockStallError);
  });
});
