/**
 * How old the price table is. List prices change a few times a year; an estimate from prices more than a year old
 * says so, so nobody quotes it to a customer without checking.
 *
 * @module
 */
import { PRICES_AS_OF } from './price-table';

/** A price table older than this many days is stale. */
const STALE_AFTER_DAYS = 365;

export interface PriceAge {
  readonly asOf: string;
  /** Whole days from `asOf` to `now`. */
  readonly days: number;
  readonly stale: boolean;
}

/** The age of the table dated `asOf` at `now`. */
export function priceAge(now: Date, asOf: string = PRICES_AS_OF): PriceAge {
  const days = Math.max(0, Math.floor((now.getTime() - Date.parse(`${asOf}T00:00:00Z`)) / 86_400_000));
  return { asOf, days, stale: days > STALE_AFTER_DAYS };
}

/** The note printed under a stale estimate, or undefined when the table is recent. */
export function staleNote(age: PriceAge): string | undefined {
  return age.stale
    ? `The price table is more than a year old (prices as of ${age.asOf}, ${age.days} days ago): check the current pricing pages before quoting, and update lib/pricing/price-table.ts.`
    : undefined;
}
