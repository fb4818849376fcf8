/**
 * Time to a tier's weekly maintenance window, for the wait of a change deferred to it.
 *
 * @module
 */
import { parseWeeklyWindow } from '../tiers';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Milliseconds since Monday 00:00 UTC (the origin of the window minutes of `parseWeeklyWindow`). */
function msOfWeek(now: number): number {
  // getUTCDay counts from Sunday.
  return ((new Date(now).getUTCDay() + 6) % 7) * DAY_MS + (now % DAY_MS);
}

/**
 * Where `now` stands against the weekly UTC window `window` (`ddd:hh24:mi-ddd:hh24:mi`): inside it, or the
 * milliseconds until it next opens (a full week when it opens right now); undefined for a malformed window.
 */
export function windowPosition(window: string, now: number): { inside: boolean; untilNextMs: number } | undefined {
  const parsed = parseWeeklyWindow(window);
  if (!parsed) return undefined;
  const [start, end] = parsed.map((minutes) => minutes * 60_000) as [number, number];
  const at = msOfWeek(now);
  const inside = (at >= start && at < end) || (end > WEEK_MS && at < end - WEEK_MS);
  const delay = (start - at + WEEK_MS) % WEEK_MS;
  return { inside, untilNextMs: delay === 0 ? WEEK_MS : delay };
}
