import { nowIso, clock as sharedClock } from '../../lambdas/shared/clock';
import { DEFAULT_EPOCH_MS, VirtualClock } from '../support/virtual-clock';

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
