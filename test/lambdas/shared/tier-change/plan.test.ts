import {
  type ChangeTiming,
  type Disruption,
  FIELD_RULES,
  planTierChange,
} from '../../../../lambdas/shared/tier-change';
import { DEFAULT_TIERS, resolveCatalog, type TierDefinition, validateTier } from '../../../../lambdas/shared/tiers';

const tier = (name: string): TierDefinition => DEFAULT_TIERS[name] as TierDefinition;
const NAMES = Object.keys(DEFAULT_TIERS);
const PAIRS = NAMES.flatMap((from) => NAMES.filter((to) => to !== from).map((to) => [from, to] as const));

/** Tiers deployments define through cdk.json overrides, resolved (and so validated) as `cdk synth` does. */
const OVERRIDES = resolveCatalog({
  team: { ...tier('pro'), multiAz: false },
  archive: {
    ...tier('pro'),
    storage: { type: 'io1', allocatedGiB: 300, maxAllocatedGiB: 1000, iops: 3000 },
  },
  warehouse: {
    ...tier('pro'),
    storage: { type: 'io1', allocatedGiB: 4000, maxAllocatedGiB: 8000, iops: 20000 },
  },
  ledger: { ...tier('pro'), storage: { type: 'io1', allocatedGiB: 100, maxAllocatedGiB: 1000, iops: 1000 } },
  legacy: { ...tier('starter'), storage: { type: 'gp2', allocatedGiB: 200, maxAllocatedGiB: 400 } },
  prolarger: { ...tier('pro'), storage: { ...tier('pro').storage, allocatedGiB: 105 } },
  pro: { engineVersion: '16' },
});
const override = (name: string): TierDefinition => OVERRIDES[name] as TierDefinition;

describe('planTierChange between built-in tiers', () => {
  it.each(
    PAIRS.flatMap(([from, to]) => (['now', 'maintenance-window'] as const).map((when) => [from, to, when] as const)),
  )(
    '%s → %s (%s): the tier the instance ends on satisfies every catalog rule and storage never shrinks',
    (from, to, when) => {
      // Act
      const plan = planTierChange(tier(from), tier(to), { when });

      // Assess
      expect(validateTier(to, plan.target)).toEqual([]);
      expect(plan.target.storage.allocatedGiB).toBeGreaterThanOrEqual(tier(from).storage.allocatedGiB);
      expect(plan.target.storage.allocatedGiB).toBeGreaterThanOrEqual(tier(to).storage.allocatedGiB);
      for (const change of plan.changes) {
        expect(FIELD_RULES[change.field]).toBeDefined();
        expect(change.from).not.toEqual(change.to);
      }
    },
  );

  it.each<[string, string, ChangeTiming, Disruption]>([
    ['starter', 'pro', 'now', 'brief outage'],
    ['starter', 'enterprise', 'now', 'brief outage'],
    ['pro', 'enterprise', 'now', 'failover'],
    ['enterprise', 'pro', 'now', 'failover'],
    ['pro', 'starter', 'now', 'brief outage'],
    ['enterprise', 'starter', 'now', 'brief outage'],
    ['starter', 'pro', 'maintenance-window', 'reboot at next maintenance window'],
    ['pro', 'enterprise', 'maintenance-window', 'reboot at next maintenance window'],
    ['enterprise', 'starter', 'maintenance-window', 'reboot at next maintenance window'],
  ])('%s → %s (%s): the instance class change is a %s', (from, to, when, disruption) => {
    // Act
    const plan = planTierChange(tier(from), tier(to), { when });

    // Assess
    const classChange = plan.changes.find((c) => c.field === 'instanceClass');
    expect(classChange).toMatchObject({
      from: tier(from).instanceClass,
      to: tier(to).instanceClass,
      disruption,
      parameter: 'DBInstanceClass',
      takesEffect: when === 'now' ? 'immediately' : 'at the next maintenance window',
    });
    // The class is the only change that disrupts the application.
    expect(plan.changes.filter((c) => c.disruption !== 'none').map((c) => c.field)).toEqual(['instanceClass']);
  });

  it.each<[string, string, Record<string, [unknown, unknown]>, boolean]>([
    ['starter', 'pro', {}, true],
    ['starter', 'enterprise', {}, true],
    ['pro', 'enterprise', {}, true],
    ['enterprise', 'pro', { 'storage.allocatedGiB': [100, 500] }, false],
    ['pro', 'starter', { 'storage.allocatedGiB': [20, 100], 'storage.maxAllocatedGiB': [100, 110] }, false],
    ['enterprise', 'starter', { 'storage.allocatedGiB': [20, 500], 'storage.maxAllocatedGiB': [100, 550] }, false],
  ])('%s → %s: blocked %j, storage cool-down %s', (from, to, blocked, cooldown) => {
    // Act
    const plan = planTierChange(tier(from), tier(to));

    // Assess
    expect(Object.fromEntries(plan.blocked.map((b) => [b.field, [b.requested, b.applied]]))).toEqual(blocked);
    expect(plan.storageCooldown).toBe(cooldown);
    expect(plan.when).toBe('now');
  });

  it('a downgrade from enterprise to pro keeps 500 GiB and its 12000 IOPS / 500 MiB/s gp3 baseline: no storage change', () => {
    // Act
    const plan = planTierChange(tier('enterprise'), tier('pro'));

    // Assess
    expect(plan.target.storage).toEqual({ type: 'gp3', allocatedGiB: 500, maxAllocatedGiB: 1000 });
    expect(plan.changes.map((c) => c.field)).not.toContain('storage.iops');
    expect(plan.blocked[0]?.reason).toBe(
      'RDS never shrinks allocated storage: the instance keeps 500 GiB (moving to 100 GiB would need a new instance and a data copy)',
    );
  });

  it('an upgrade from pro to enterprise reports the gp3 baseline growing with the volume', () => {
    // Act
    const plan = planTierChange(tier('pro'), tier('enterprise'));

    // Assess
    expect(plan.changes.filter((c) => c.field.startsWith('storage.'))).toEqual([
      expect.objectContaining({ field: 'storage.allocatedGiB', from: 100, to: 500, disruption: 'none' }),
      expect.objectContaining({ field: 'storage.iops', from: 3000, to: 12000 }),
      expect.objectContaining({ field: 'storage.throughputMiBps', from: 125, to: 500 }),
      expect.objectContaining({ field: 'storage.maxAllocatedGiB', from: 1000, to: 4000, takesEffect: 'immediately' }),
    ]);
    expect(plan.changes.find((c) => c.field === 'storage.allocatedGiB')?.reason).toContain('at least 6 hours');
  });

  it.each<[string, string, string]>([
    ['backup.crossRegionReplication', 'follow-up', 'after the modification'],
    ['alarms.cpuUtilizationPercent', 'follow-up', 'after the modification'],
    ['appSecretRotationDays', 'follow-up', 'after the modification'],
    ['provisioningBudgetMinutes', 'onboarding only', 'never'],
    ['monitoring.logExports', 'ModifyDBInstance', 'immediately'],
    ['multiAz', 'ModifyDBInstance', 'at the next maintenance window'],
    ['storage.allocatedGiB', 'ModifyDBInstance', 'at the next maintenance window'],
    ['deletionProtection', 'ModifyDBInstance', 'immediately'],
  ])('starter → enterprise at the window: %s is applied by %s, %s', (field, appliedBy, takesEffect) => {
    // Act
    const plan = planTierChange(tier('starter'), tier('enterprise'), { when: 'maintenance-window' });

    // Assess
    expect(plan.changes.find((c) => c.field === field)).toMatchObject({ appliedBy, takesEffect, disruption: 'none' });
  });

  it('a tier compared with itself has nothing to change', () => {
    // Act
    const plan = planTierChange(tier('pro'), tier('pro'));

    // Assess
    expect(plan).toMatchObject({ changes: [], blocked: [], storageCooldown: false });
  });
});

describe('planTierChange with tier overrides', () => {
  it.each<[string, string, TierDefinition, TierDefinition, Record<string, [unknown, unknown]>, string]>([
    [
      'io1 below 400 GiB to gp3 stays io1',
      'archive → starter',
      override('archive'),
      tier('starter'),
      { 'storage.allocatedGiB': [20, 300], 'storage.maxAllocatedGiB': [100, 330], 'storage.type': ['gp3', 'io1'] },
      'RDS cannot move an io1 volume to gp3 below 400 GiB in place',
    ],
    [
      'io1 IOPS follow the allocation kept',
      'warehouse → ledger',
      override('warehouse'),
      override('ledger'),
      { 'storage.allocatedGiB': [100, 4000], 'storage.iops': [1000, 2000], 'storage.maxAllocatedGiB': [1000, 4400] },
      'io1 on 4000 GiB needs from 2000 to 200000 IOPS (0.5 to 50 per GiB, 1000 to 256000): 1000 becomes 2000',
    ],
    [
      'a growth under 10% is rounded up',
      'pro → prolarger',
      tier('pro'),
      override('prolarger'),
      { 'storage.allocatedGiB': [105, 110] },
      'RDS grows allocated storage by at least 10%: 105 GiB is rounded up to 110 GiB',
    ],
    [
      'a different engine version is never applied',
      'enterprise → pro 16',
      tier('enterprise'),
      override('pro'),
      { 'storage.allocatedGiB': [100, 500], engineVersion: ['16', '17'] },
      'a tier change never changes the PostgreSQL version',
    ],
  ])('%s (%s)', (_name, _pair, from, to, blocked, reason) => {
    // Act
    const plan = planTierChange(from, to);

    // Assess
    expect(Object.fromEntries(plan.blocked.map((b) => [b.field, [b.requested, b.applied]]))).toEqual(blocked);
    expect(plan.blocked.map((b) => b.reason).join('\n')).toContain(reason);
    expect(plan.blocked.every((b) => b.disruption === 'not applicable in place')).toBe(true);
    expect(validateTier('target', plan.target)).toEqual([]);
  });

  it.each([
    ['team → pro: Multi-AZ turned on, the Single-AZ class change is an outage', 'team', 'pro'],
    ['pro → team: Multi-AZ turned off in the same request, the class change is an outage', 'pro', 'team'],
  ])('%s', (_name, from, to) => {
    // Prepare: the same class on both tiers; give the target a larger one so the class changes too.
    const target = { ...override(to), instanceClass: 'db.m7g.xlarge' };

    // Act
    const plan = planTierChange(override(from), target);

    // Assess
    expect(plan.changes.find((c) => c.field === 'instanceClass')?.disruption).toBe('brief outage');
    expect(plan.changes.find((c) => c.field === 'multiAz')?.disruption).toBe('none');
  });

  it("a change deferred to the window waits for the new tier's window, since the window itself changes at once", () => {
    // Prepare
    const to = { ...tier('enterprise'), preferredMaintenanceWindow: 'wed:05:00-wed:05:30' };

    // Act
    const plan = planTierChange(tier('pro'), to, { when: 'maintenance-window' });

    // Assess
    expect(plan.changes.find((c) => c.field === 'preferredMaintenanceWindow')).toMatchObject({
      takesEffect: 'immediately',
      disruption: 'none',
    });
    expect(plan.changes.find((c) => c.field === 'instanceClass')?.reason).toMatch(
      /^in the maintenance window wed:05:00-wed:05:30 UTC, RDS resizes the standby/,
    );
  });

  it('gp2 to gp3 changes the storage type without an outage', () => {
    // Act
    const plan = planTierChange(override('legacy'), tier('pro'));

    // Assess
    expect(plan.changes.find((c) => c.field === 'storage.type')).toMatchObject({
      from: 'gp2',
      to: 'gp3',
      disruption: 'none',
      parameter: 'StorageType',
    });
    expect(plan.target.storage).toEqual({ type: 'gp3', allocatedGiB: 200, maxAllocatedGiB: 1000 });
  });

  it('an instance that autoscaled past its tier keeps what it has', () => {
    // Act
    const plan = planTierChange(tier('starter'), tier('pro'), { currentAllocatedGiB: 300 });

    // Assess
    expect(plan.blocked).toEqual([
      expect.objectContaining({ field: 'storage.allocatedGiB', requested: 100, applied: 300 }),
    ]);
    expect(plan.changes.map((c) => c.field)).not.toContain('storage.allocatedGiB');
    expect(plan.from.storage.allocatedGiB).toBe(300);
  });
});
