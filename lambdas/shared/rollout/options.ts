/**
 * A rollout request validated before anything is touched: every field named with its rule on error, the
 * deployment's defaults filled in.
 *
 * @module
 */
import { ValidationError } from '../errors';
import { assertTenantId } from '../tenant-id';
import { findPrototypeKey } from '../untrusted';
import type { RolloutOptions, RolloutRequest, Tolerance, WaveStrategy } from './contracts';
import { parseTolerance } from './tolerance';

/** Step Functions' Distributed Map runs at most this many child executions at once. */
export const MAX_MAP_CONCURRENCY = 10_000;
/** The waves after the canary when the request names none: a tenth, then half, then everyone. */
export const DEFAULT_WAVE_STEPS: readonly number[] = [10, 50, 100];
const MAX_CANARY_TENANTS = 100;
const MAX_WAVES = 20;
const MAX_REQUEST_CHARS = 16_384;

/** The deployment's defaults (cdk.json context, passed to PlanRollout as environment). */
export interface RolloutDefaults {
  maxConcurrency: number;
  tolerance: Tolerance;
  canarySize: number;
}

function wholeNumberIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `must be a whole number from ${min} to ${max}`, value);
  }
  return value;
}

function canaryOf(value: unknown, defaults: RolloutDefaults): RolloutOptions['canary'] {
  if (value === undefined) return { size: defaults.canarySize };
  if (typeof value === 'number') return { size: wholeNumberIn('canary', value, 0, MAX_MAP_CONCURRENCY) };
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CANARY_TENANTS) {
    throw new ValidationError(
      'canary',
      `must be a number of tenants or a list of 1 to ${MAX_CANARY_TENANTS} tenant ids`,
      value,
    );
  }
  return { tenants: value.map((id, i) => assertTenantId(id, `canary[${i}]`)) };
}

function wavesOf(value: unknown): WaveStrategy {
  if (value === undefined) return { by: 'percent', steps: DEFAULT_WAVE_STEPS };
  const waves = value as { by?: unknown; steps?: unknown; order?: unknown };
  if (waves?.by === 'percent') {
    const steps = waves.steps;
    if (!Array.isArray(steps) || steps.length === 0 || steps.length > MAX_WAVES) {
      throw new ValidationError('waves.steps', `must list 1 to ${MAX_WAVES} percentages`, steps);
    }
    for (const [i, step] of steps.entries()) wholeNumberIn(`waves.steps[${i}]`, step, 1, 100);
    if (steps.some((step, i) => i > 0 && step <= steps[i - 1]) || steps.at(-1) !== 100) {
      throw new ValidationError('waves.steps', 'must be ascending cumulative percentages ending with 100', steps);
    }
    return { by: 'percent', steps: steps as number[] };
  }
  if (waves?.by === 'tier') {
    const order = waves.order;
    if (!Array.isArray(order) || order.length === 0 || order.length > MAX_WAVES) {
      throw new ValidationError('waves.order', `must list 1 to ${MAX_WAVES} tier names`, order);
    }
    for (const [i, tier] of order.entries()) {
      if (typeof tier !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(tier)) {
        throw new ValidationError(`waves.order[${i}]`, 'must be a tier name', tier);
      }
    }
    if (new Set(order).size !== order.length) throw new ValidationError('waves.order', 'must not repeat a tier', order);
    return { by: 'tier', order: order as string[] };
  }
  throw new ValidationError('waves.by', 'must be "percent" or "tier"', waves?.by);
}

/**
 * The options of `request` (the raw execution input), with `defaults` for what it leaves out.
 *
 * @throws {ValidationError} naming the first field that breaks its rule
 */
export function rolloutOptions(request: unknown, defaults: RolloutDefaults): RolloutOptions {
  const raw = request ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError('input', 'must be a JSON object', raw);
  if (JSON.stringify(raw).length > MAX_REQUEST_CHARS) {
    throw new ValidationError('input', `must be at most ${MAX_REQUEST_CHARS} characters of JSON`);
  }
  const prototypeKey = findPrototypeKey(raw);
  if (prototypeKey) throw new ValidationError(prototypeKey, 'is not an accepted field name');
  const input = raw as RolloutRequest & Record<string, unknown>;
  const known = new Set(['canary', 'waves', 'maxConcurrency', 'tolerate', 'requestedBy']);
  const unknown = Object.keys(input).find((key) => !known.has(key));
  if (unknown) throw new ValidationError(unknown, `is not a rollout option (${[...known].join(', ')})`);
  if (input.requestedBy !== undefined && (typeof input.requestedBy !== 'string' || input.requestedBy.length > 128)) {
    throw new ValidationError('requestedBy', 'must be a string of at most 128 characters', input.requestedBy);
  }
  return {
    canary: canaryOf(input.canary, defaults),
    waves: wavesOf(input.waves),
    maxConcurrency:
      input.maxConcurrency === undefined
        ? defaults.maxConcurrency
        : wholeNumberIn('maxConcurrency', input.maxConcurrency, 1, MAX_MAP_CONCURRENCY),
    tolerance: input.tolerate === undefined ? defaults.tolerance : parseTolerance(input.tolerate),
    requestedBy: input.requestedBy ?? 'unknown',
  };
}
