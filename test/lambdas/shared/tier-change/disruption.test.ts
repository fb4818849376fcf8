import { FIELD_RULES } from '../../../../lambdas/shared/tier-change';
import { DEFAULT_TIERS, type TierDefinition } from '../../../../lambdas/shared/tiers';

/** Dotted paths of every field of `value` (arrays are values). */
function fieldsOf(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, nested]) =>
    typeof nested === 'object' && nested !== null && !Array.isArray(nested)
      ? fieldsOf(nested as Record<string, unknown>, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

describe('FIELD_RULES', () => {
  it('has a row for every tier field a tier change can touch, and none for a field tiers lack', () => {
    // Prepare: enterprise sets every optional field (IOPS, throughput, replication retention, PI retention).
    const fields = fieldsOf(DEFAULT_TIERS.enterprise as TierDefinition as unknown as Record<string, unknown>);

    // Act
    const withoutRow = fields.filter((f) => !(f in FIELD_RULES));
    const withoutField = Object.keys(FIELD_RULES).filter((f) => !fields.includes(f));

    // Assess: the description is prose and the engine version is never changed by a tier change (it is blocked).
    expect(withoutRow).toEqual(['description', 'engineVersion']);
    expect(withoutField).toEqual([]);
  });

  it.each(Object.entries(FIELD_RULES).filter(([field]) => field !== 'instanceClass'))(
    '%s never disrupts the application, now or at the window',
    (_field, rule) => {
      // Prepare
      const from = DEFAULT_TIERS.pro as TierDefinition;
      const to = DEFAULT_TIERS.enterprise as TierDefinition;

      // Act
      const effects = (['now', 'maintenance-window'] as const).map((when) => rule.effect({ from, to, when }));

      // Assess
      for (const effect of effects) expect(effect.disruption).toBe('none');
      expect(rule.parameter === undefined).toBe(rule.appliedBy !== 'ModifyDBInstance');
    },
  );
});
