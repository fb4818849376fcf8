import { ValidationError } from '../errors';
import type { Tolerance } from './contracts';

const TOLERANCE = /^(0|[1-9][0-9]{0,5})(%?)$/;

/**
 * `"3"` (three failed tenants per wave) or `"5%"` (five percent of a wave), as tenantctl's `--tolerate` and the
 * `schemaRolloutTolerance` context key write it.
 *
 * @throws {ValidationError} naming `field` and the rule
 */
export function parseTolerance(text: unknown, field = 'tolerate'): Tolerance {
  const match = typeof text === 'string' ? TOLERANCE.exec(text) : null;
  const value = Number(match?.[1]);
  if (!match || (match[2] === '%' && value > 100)) {
    throw new ValidationError(field, 'must be a number of tenants ("3") or a percentage from 0% to 100% ("5%")', text);
  }
  return match[2] === '%' ? { kind: 'percent', value } : { kind: 'count', value };
}

/** The tolerance as the Distributed Map takes it: a count and a percentage, the unused one out of reach. */
export function mapThresholds(tolerance: Tolerance, size: number) {
  return tolerance.kind === 'count'
    ? { toleratedFailureCount: tolerance.value, toleratedFailurePercentage: 100 }
    : { toleratedFailureCount: size, toleratedFailurePercentage: tolerance.value };
}

/** `"3"` or `"5%"`. */
export function formatTolerance(tolerance: Tolerance): string {
  return tolerance.kind === 'count' ? String(tolerance.value) : `${tolerance.value}%`;
}
