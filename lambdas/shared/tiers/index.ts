import { ValidationError } from '../errors';
import { escapeUnprintable, findPrototypeKey, quoteRejected } from '../untrusted';
import { DEFAULT_TIERS } from './catalog';
import { unknownTierFields } from './fields';
import { TIER_RULES, type TierRule } from './rules';
import type { OffboardingSpec, TierCatalog, TierDefinition, TierOverride } from './types';

export { DEFAULT_TIERS } from './catalog';
export { GP3_LARGE_VOLUME_GIB, storagePerformance } from './performance';
export {
  CREATABLE_POSTGRES_VERSIONS,
  isRotationDays,
  majorVersionOf,
  parseDailyWindow,
  parseWeeklyWindow,
  ROTATION_DAYS_RANGE,
  TIER_RULES,
} from './rules';
export type * from './types';

/** Tier names appear in execution names and tags: short, lower-case, DNS-like. */
const TIER_NAME_PATTERN = /^[a-z][a-z0-9]{1,19}$/;

/** A broken rule, with where and what. */
export interface TierViolation {
  readonly tier: string;
  readonly field: string;
  readonly rule: string;
  readonly ruleId: string;
  readonly received: unknown;
}

/** Thrown at synth time when the catalog is invalid; its message lists every violation, one per line. */
export class TierCatalogError extends Error {
  public override readonly name = 'TierCatalogError';
  constructor(public readonly violations: readonly TierViolation[]) {
    super(
      `Invalid tier catalog:\n${violations
        .map(
          (v) =>
            `  tier "${escapeUnprintable(v.tier)}", field ${escapeUnprintable(v.field)}: ${v.rule} (got ${quoteRejected(v.received)})`,
        )
        .join('\n')}`,
    );
  }
}

function valueAt(tier: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], tier);
}

function passes(rule: TierRule, tier: TierDefinition): boolean {
  let passed = false;
  try {
    passed = rule.check(tier);
  } catch {
    // A missing nested object (e.g. no `storage`) breaks every rule that reads it: it stays unpassed.
  }
  return passed;
}

/** Every rule `tier` breaks, at most one per field (the first in {@link TIER_RULES} order). */
export function validateTier(name: string, tier: TierDefinition): TierViolation[] {
  const violations: TierViolation[] = [];
  if (!TIER_NAME_PATTERN.test(name)) {
    violations.push({
      tier: name,
      field: '(name)',
      rule: 'tier names must be 2-20 characters of lower-case letters and digits, starting with a letter',
      ruleId: 'tier-name',
      received: name,
    });
  }
  const reported = new Set<string>();
  for (const rule of TIER_RULES) {
    if (reported.has(rule.field) || passes(rule, tier)) continue;
    reported.add(rule.field);
    violations.push({
      tier: name,
      field: rule.field,
      rule: rule.rule,
      ruleId: rule.id,
      received: valueAt(tier, rule.field),
    });
  }
  return violations;
}

/** Throws {@link TierCatalogError} unless every tier satisfies every rule; returns the catalog otherwise. */
export function validateCatalog(catalog: TierCatalog): TierCatalog {
  if (Object.keys(catalog).length === 0) {
    throw new TierCatalogError([
      { tier: '(catalog)', field: 'tiers', rule: 'must define at least one tier', ruleId: 'non-empty', received: {} },
    ]);
  }
  const violations = Object.entries(catalog).flatMap(([name, tier]) => validateTier(name, tier));
  if (violations.length > 0) throw new TierCatalogError(violations);
  return catalog;
}

/**
 * The offboarding policy of a new tier that names none: final snapshots kept 30 days, automated backups dropped at
 * delete (the final snapshot is the copy kept).
 */
const DEFAULT_OFFBOARDING: OffboardingSpec = { finalSnapshotRetentionDays: 30, keepAutomatedBackups: false };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function mergeDeep(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeDeep(base[key], value);
  return merged;
}

/**
 * The catalog a deployment uses: the built-in tiers with `overrides` merged field by field (arrays replace), and
 * new tiers added. An override of `null` removes a built-in tier. A field no tier has is refused, naming the closest
 * known one. The result is validated.
 *
 * @example
 * ```ts
 * resolveCatalog({ starter: { backup: { retentionDays: 3 } }, team: { ...DEFAULT_TIERS.pro, multiAz: false } });
 * ```
 */
export function resolveCatalog(
  overrides: Readonly<Record<string, TierOverride | TierDefinition | null>> = {},
  defaults: TierCatalog = DEFAULT_TIERS,
): TierCatalog {
  if (!isPlainObject(overrides)) {
    throw new TierCatalogError([
      {
        tier: '(catalog)',
        field: 'tiers',
        rule: 'must be an object of tier name to tier fields',
        ruleId: 'shape',
        received: overrides,
      },
    ]);
  }
  const prototypeKey = findPrototypeKey(overrides);
  if (prototypeKey !== undefined) {
    throw new TierCatalogError([
      {
        tier: '(catalog)',
        field: `tiers.${prototypeKey}`,
        rule: 'must not be a key of Object.prototype (__proto__, constructor...): it would replace or shadow object machinery',
        ruleId: 'shape',
        received: prototypeKey.split('.').at(-1),
      },
    ]);
  }
  const unknownFields = Object.entries(overrides).flatMap(([tier, override]) =>
    unknownTierFields(override).map((u) => ({ tier, ruleId: 'unknown-field', ...u })),
  );
  if (unknownFields.length > 0) throw new TierCatalogError(unknownFields);
  const catalog: Record<string, TierDefinition> = { ...defaults };
  for (const [name, override] of Object.entries(overrides)) {
    if (override === null) delete catalog[name];
    // A tier defined before offboarding existed gets the platform's default policy rather than failing the synth.
    else catalog[name] = mergeDeep(defaults[name] ?? { offboarding: DEFAULT_OFFBOARDING }, override) as TierDefinition;
  }
  return validateCatalog(catalog);
}

/**
 * The definition of tier `name`, or a {@link ValidationError} on field `tier` listing the known tiers.
 */
export function tierFromCatalog(catalog: TierCatalog, name: unknown): TierDefinition {
  const tier = typeof name === 'string' && Object.hasOwn(catalog, name) ? catalog[name] : undefined;
  if (!tier) throw new ValidationError('tier', `must be one of ${Object.keys(catalog).join(', ')}`, name);
  return tier;
}
