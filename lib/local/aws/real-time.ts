import { VirtualClock } from './virtual-clock';

/** How often the clock catches up with the wall clock: RDS transitions fire at most this late. */
const DEFAULT_TICK_MS = 50;

/** A clock that follows the wall clock, and how to stop following it. */
export interface RealTimeClock {
  readonly clock: VirtualClock;
  stop(): void;
}

/**
 * The AWS double's clock on the local platform: starts at the current time and moves with the wall clock, so an
 * instance created with a 3-second creation timing becomes available 3 real seconds later. The double only ever
 * schedules callbacks on it (it never sleeps on it there), and the handlers keep their real clock.
 *
 * @example
 * ```ts
 * const { clock, stop } = followWallClock();
 * const double = new AwsDouble({ clock });
 * // ... on shutdown
 * stop();
 * ```
 */
export function followWallClock(tickMs = DEFAULT_TICK_MS): RealTimeClock {
  const clock = new VirtualClock(Date.now());
  const timer = setInterval(() => clock.advanceTo(Date.now()), tickMs);
  // The platform's server keeps the process alive, not the clock.
  timer.unref();
  return { clock, stop: () => clearInterval(timer) };
}
