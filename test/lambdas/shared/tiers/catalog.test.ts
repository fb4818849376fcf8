import {
  DEFAULT_TIERS,
  resolveCatalog,
  TIER_RULES,
  TierCatalogError,
  type TierDefinition,
  type TierOverride,
  validateTier,
} from '../../../../lambdas/shared/tiers';

function builtIn(name: string): TierDefinition {
  const tier = DEFAULT_TIERS[name];
  if (!tier) throw new Error(`no built-in tier ${name}`);
  return tier;
}
const pro = builtIn('pro');
const starter = builtIn('starter');

/** Valid tiers each case starts from; a case overrides fields of one of them. */
const BASES = {
  /** gp3 below 400 GiB: baseline performance only. */
  starter,
  pro,
  /** gp3 at 500 GiB with provisioned IOPS and throughput, advanced Database Insights, cross-Region backups. */
  enterprise: builtIn('enterprise'),
  io1: { ...pro, storage: { type: 'io1', allocatedGiB: 100, maxAllocatedGiB: 1000, iops: 3000 } },
  io2: { ...pro, storage: { type: 'io2', allocatedGiB: 100, maxAllocatedGiB: 1000, iops: 3000 } },
} satisfies Record<string, TierDefinition>;
type Base = keyof typeof BASES;

/** Deliberately loose: failing cases put values of the wrong type where the catalog is typed. */
type LooseOverride = Record<string, unknown>;

/**
 * Ids of the rules broken by tier `base` with `override` merged in, through the same path as cdk.json overrides
 * (resolveCatalog: merge, then validate).
 */
function rulesBrokenBy(base: Base, override: LooseOverride): string[] {
  try {
    resolveCatalog({ case: override as TierOverride }, { case: BASES[base] });
    return [];
  } catch (error) {
    if (error instanceof TierCatalogError) return error.violations.map((v) => v.ruleId);
    throw error;
  }
}

/**
 * One passing and at least one failing case per rule. A failing case breaks only that rule on its field, so the
 * rule is the one reported (validateTier reports the first broken rule per field).
 */
const CASES: ReadonlyArray<{ rule: string; base: Base; pass: LooseOverride; fail: readonly LooseOverride[] }> = [
  {
    rule: 'description',
    base: 'pro',
    pass: { description: 'Team tier' },
    fail: [{ description: '   ' }, { description: 7 }],
  },
  {
    rule: 'instance-class-format',
    base: 'pro',
    pass: { instanceClass: 'db.m7g.2xlarge' },
    fail: [{ instanceClass: 'm7g.large' }, { instanceClass: 'db.m7g.huge' }],
  },
  {
    rule: 'instance-class-generation',
    base: 'pro',
    pass: { instanceClass: 'db.r8g.large' },
    fail: [{ instanceClass: 'db.m5.large' }, { instanceClass: 'db.t3.micro' }],
  },
  {
    rule: 'engine-version',
    base: 'pro',
    pass: { engineVersion: '16.8' },
    fail: [{ engineVersion: '13' }, { engineVersion: '17.1' }, { engineVersion: 'latest' }],
  },
  { rule: 'storage-type', base: 'starter', pass: { storage: { type: 'gp2' } }, fail: [{ storage: { type: 'st1' } }] },
  {
    rule: 'storage-size-general-purpose',
    base: 'starter',
    pass: { storage: { allocatedGiB: 20 } },
    fail: [{ storage: { allocatedGiB: 19 } }, { storage: { allocatedGiB: 20.5 } }],
  },
  {
    rule: 'storage-size-provisioned-iops',
    base: 'io1',
    pass: { storage: { allocatedGiB: 100 } },
    fail: [{ storage: { allocatedGiB: 99 } }],
  },
  {
    rule: 'storage-autoscaling-ceiling',
    base: 'starter',
    pass: { storage: { maxAllocatedGiB: 22 } },
    fail: [{ storage: { maxAllocatedGiB: 21 } }, { storage: { maxAllocatedGiB: 65537 } }],
  },
  {
    rule: 'gp2-no-iops',
    base: 'starter',
    pass: { storage: { type: 'gp2' } },
    fail: [{ storage: { type: 'gp2', iops: 3000 } }],
  },
  {
    rule: 'gp3-baseline-below-400',
    base: 'starter',
    pass: { storage: { allocatedGiB: 400, maxAllocatedGiB: 1000, iops: 12000 } },
    fail: [{ storage: { allocatedGiB: 399, maxAllocatedGiB: 1000, iops: 12000 } }],
  },
  {
    rule: 'gp2-no-throughput',
    base: 'starter',
    pass: { storage: { type: 'gp2' } },
    fail: [{ storage: { type: 'gp2', throughputMiBps: 125 } }],
  },
  {
    rule: 'gp3-throughput-baseline-below-400',
    base: 'starter',
    pass: { storage: { allocatedGiB: 400, maxAllocatedGiB: 1000, throughputMiBps: 500 } },
    fail: [{ storage: { allocatedGiB: 399, maxAllocatedGiB: 1000, throughputMiBps: 500 } }],
  },
  {
    rule: 'gp3-iops-range',
    base: 'enterprise',
    pass: { storage: { iops: 64000 } },
    fail: [{ storage: { iops: 11999 } }, { storage: { iops: 64001 } }],
  },
  {
    rule: 'gp3-throughput-range',
    base: 'enterprise',
    pass: { storage: { iops: 16000, throughputMiBps: 4000 } },
    fail: [{ storage: { throughputMiBps: 499 } }, { storage: { iops: 64000, throughputMiBps: 4001 } }],
  },
  {
    rule: 'gp3-throughput-iops-ratio',
    base: 'enterprise',
    pass: { storage: { iops: 12000, throughputMiBps: 3000 } },
    fail: [{ storage: { iops: 12000, throughputMiBps: 3001 } }],
  },
  {
    rule: 'io-iops-required',
    base: 'io1',
    pass: { storage: { iops: 1000 } },
    fail: [{ storage: { iops: 999 } }, { storage: { iops: '3000' } }],
  },
  {
    rule: 'io1-iops-ratio',
    base: 'io1',
    pass: { storage: { allocatedGiB: 2000, maxAllocatedGiB: 4000, iops: 1000 } },
    fail: [{ storage: { iops: 5001 } }, { storage: { allocatedGiB: 2001, maxAllocatedGiB: 4000, iops: 1000 } }],
  },
  {
    rule: 'io2-iops-ratio',
    base: 'io2',
    pass: { storage: { iops: 100000 } },
    fail: [{ storage: { iops: 100001 } }, { storage: { allocatedGiB: 2001, maxAllocatedGiB: 4000, iops: 1000 } }],
  },
  {
    rule: 'io-no-throughput',
    base: 'io1',
    pass: { storage: { iops: 3000 } },
    fail: [{ storage: { throughputMiBps: 500 } }],
  },
  { rule: 'multi-az', base: 'pro', pass: { multiAz: false }, fail: [{ multiAz: 'yes' }] },
  {
    rule: 'backup-retention',
    base: 'pro',
    pass: { backup: { retentionDays: 35 } },
    fail: [{ backup: { retentionDays: 0 } }, { backup: { retentionDays: 36 } }, { backup: { retentionDays: 1.5 } }],
  },
  {
    rule: 'backup-window-format',
    base: 'pro',
    pass: { backup: { preferredWindow: '22:00-22:30' } },
    fail: [{ backup: { preferredWindow: '3:00-3:30' } }, { backup: { preferredWindow: '24:00-00:30' } }],
  },
  {
    rule: 'backup-window-length',
    base: 'pro',
    pass: { backup: { preferredWindow: '23:45-00:15' } },
    fail: [{ backup: { preferredWindow: '03:00-03:29' } }],
  },
  {
    rule: 'maintenance-window-format',
    base: 'pro',
    pass: { preferredMaintenanceWindow: 'mon:04:00-mon:04:30' },
    fail: [{ preferredMaintenanceWindow: 'Sun:04:00-Sun:04:30' }, { preferredMaintenanceWindow: 'sun:04:00-04:30' }],
  },
  {
    rule: 'maintenance-window-length',
    base: 'pro',
    pass: { preferredMaintenanceWindow: 'sat:23:45-sun:00:15' },
    fail: [
      { preferredMaintenanceWindow: 'sun:04:00-sun:04:29' },
      { preferredMaintenanceWindow: 'sat:04:00-sun:04:01' },
    ],
  },
  {
    rule: 'windows-disjoint',
    base: 'pro',
    pass: { preferredMaintenanceWindow: 'sun:03:30-sun:04:00' },
    fail: [
      { preferredMaintenanceWindow: 'sun:03:15-sun:03:45' },
      // Across the week boundary: Sunday night into Monday hits Monday's 00:00 backups.
      { backup: { preferredWindow: '00:00-00:30' }, preferredMaintenanceWindow: 'sun:23:45-mon:00:15' },
    ],
  },
  {
    rule: 'replication-flag',
    base: 'pro',
    pass: { backup: { crossRegionReplication: false } },
    fail: [{ backup: { crossRegionReplication: 0 } }],
  },
  {
    rule: 'replication-retention',
    base: 'pro',
    pass: { backup: { crossRegionReplication: true, replicationRetentionDays: 35 } },
    fail: [
      { backup: { crossRegionReplication: true } },
      { backup: { crossRegionReplication: true, replicationRetentionDays: 36 } },
    ],
  },
  { rule: 'deletion-protection', base: 'pro', pass: { deletionProtection: false }, fail: [{ deletionProtection: 1 }] },
  {
    rule: 'insights-mode',
    base: 'pro',
    pass: { monitoring: { databaseInsightsMode: 'standard' } },
    fail: [{ monitoring: { databaseInsightsMode: 'basic' } }],
  },
  {
    rule: 'performance-insights-retention',
    base: 'pro',
    pass: { monitoring: { performanceInsightsRetentionDays: 713 } },
    fail: [
      { monitoring: { performanceInsightsRetentionDays: 94 } },
      { monitoring: { performanceInsightsRetentionDays: 744 } },
      { monitoring: { performanceInsights: false } },
    ],
  },
  {
    rule: 'advanced-insights-needs-pi',
    base: 'enterprise',
    pass: { monitoring: { performanceInsightsRetentionDays: 731 } },
    fail: [{ monitoring: { performanceInsightsRetentionDays: 434 } }],
  },
  {
    rule: 'enhanced-monitoring-interval',
    base: 'pro',
    pass: { monitoring: { enhancedMonitoringIntervalSeconds: 0 } },
    fail: [{ monitoring: { enhancedMonitoringIntervalSeconds: 2 } }],
  },
  {
    rule: 'log-exports',
    base: 'pro',
    pass: { monitoring: { logExports: [] } },
    fail: [{ monitoring: { logExports: ['audit'] } }, { monitoring: { logExports: ['postgresql', 'postgresql'] } }],
  },
  {
    rule: 'alarm-cpu',
    base: 'pro',
    pass: { alarms: { cpuUtilizationPercent: 100 } },
    fail: [{ alarms: { cpuUtilizationPercent: 0 } }, { alarms: { cpuUtilizationPercent: 100.5 } }],
  },
  {
    rule: 'alarm-free-storage',
    base: 'pro',
    pass: { alarms: { freeStoragePercent: 99.5 } },
    fail: [{ alarms: { freeStoragePercent: 100 } }],
  },
  {
    rule: 'alarm-memory',
    base: 'pro',
    pass: { alarms: { freeableMemoryMiB: 1 } },
    fail: [{ alarms: { freeableMemoryMiB: 0 } }],
  },
  {
    rule: 'alarm-connections',
    base: 'pro',
    pass: { alarms: { databaseConnections: 5000 } },
    fail: [{ alarms: { databaseConnections: 5001 } }, { alarms: { databaseConnections: 10.5 } }],
  },
  {
    rule: 'alarm-read-latency',
    base: 'pro',
    pass: { alarms: { readLatencyMs: 0.5 } },
    fail: [{ alarms: { readLatencyMs: -1 } }],
  },
  {
    rule: 'alarm-write-latency',
    base: 'pro',
    pass: { alarms: { writeLatencyMs: 0.5 } },
    fail: [{ alarms: { writeLatencyMs: 0 } }],
  },
  {
    rule: 'alarm-period',
    base: 'pro',
    pass: { alarms: { periodSeconds: 60 } },
    fail: [{ alarms: { periodSeconds: 90 } }, { alarms: { periodSeconds: 30 } }],
  },
  {
    rule: 'alarm-evaluation-window',
    base: 'pro',
    pass: { alarms: { evaluationPeriods: 288 } },
    fail: [{ alarms: { evaluationPeriods: 289 } }, { alarms: { evaluationPeriods: 0 } }],
  },
  {
    rule: 'provisioning-budget',
    base: 'pro',
    pass: { provisioningBudgetMinutes: 240 },
    fail: [{ provisioningBudgetMinutes: 14 }, { provisioningBudgetMinutes: 241 }],
  },
  {
    rule: 'app-secret-rotation',
    base: 'pro',
    pass: { appSecretRotationDays: 1000 },
    fail: [
      { appSecretRotationDays: 0 },
      { appSecretRotationDays: 1001 },
      { appSecretRotationDays: 7.5 },
      { appSecretRotationDays: '30' },
    ],
  },
  {
    rule: 'tier-change-timing',
    base: 'pro',
    pass: { tierChangeTiming: 'now' },
    fail: [{ tierChangeTiming: 'tonight' }, { tierChangeTiming: true }, { tierChangeTiming: '__proto__' }],
  },
  {
    rule: 'final-snapshot-retention',
    base: 'pro',
    pass: { offboarding: { finalSnapshotRetentionDays: 3650 } },
    fail: [
      { offboarding: { finalSnapshotRetentionDays: 0 } },
      { offboarding: { finalSnapshotRetentionDays: 3651 } },
      { offboarding: { finalSnapshotRetentionDays: 1.5 } },
      { offboarding: { finalSnapshotRetentionDays: '30' } },
    ],
  },
  {
    rule: 'keep-automated-backups',
    base: 'pro',
    pass: { offboarding: { keepAutomatedBackups: true } },
    fail: [{ offboarding: { keepAutomatedBackups: 'no' } }, { offboarding: { keepAutomatedBackups: 0 } }],
  },
];

const PASSING = CASES.map(({ rule, base, pass }) => ({ rule, base, override: pass, label: JSON.stringify(pass) }));
const FAILING = CASES.flatMap(({ rule, base, fail }) =>
  fail.map((override) => ({ rule, base, override, label: JSON.stringify(override) })),
);

describe('TIER_RULES', () => {
  it('has a passing and a failing case for every rule, and no case for a rule that does not exist', () => {
    // Prepare
    const ruleIds = TIER_RULES.map((r) => r.id).sort();

    // Act
    const withFailingCase = [...new Set(FAILING.map((c) => c.rule))].sort();
    const withPassingCase = [...new Set(PASSING.map((c) => c.rule))].sort();

    // Assess
    expect(withFailingCase).toEqual(ruleIds);
    expect(withPassingCase).toEqual(ruleIds);
  });

  it.each(Object.keys(BASES) as Base[])('accepts the %s base tier', (base) => {
    // Act
    const broken = rulesBrokenBy(base, {});

    // Assess
    expect(broken).toEqual([]);
  });

  it.each(PASSING)('$rule: accepts $base with $label', ({ base, override }) => {
    // Act
    const broken = rulesBrokenBy(base, override);

    // Assess
    expect(broken).toEqual([]);
  });

  it.each(FAILING)('$rule: rejects $base with $label', ({ rule, base, override }) => {
    // Act
    const broken = rulesBrokenBy(base, override);

    // Assess
    expect(broken).toEqual([rule]);
  });
});

describe('validateTier', () => {
  it('reports the tier, the field, the rule and the value received', () => {
    // Prepare
    const tier = { ...starter, storage: { ...starter.storage, iops: 3000 } };

    // Act
    const violations = validateTier('starter', tier);

    // Assess
    expect(violations).toEqual([
      {
        tier: 'starter',
        field: 'storage.iops',
        ruleId: 'gp3-baseline-below-400',
        rule: expect.stringContaining('only at 400 GiB and above'),
        received: 3000,
      },
    ]);
  });

  it('reports a tier without nested objects field by field instead of crashing', () => {
    // Act
    const violations = validateTier('empty', {} as TierDefinition);

    // Assess
    expect(violations.map((v) => v.field)).toEqual(
      expect.arrayContaining([
        'description',
        'instanceClass',
        'storage.type',
        'backup.retentionDays',
        'alarms.cpuUtilizationPercent',
      ]),
    );
  });

  it.each(['Gold', 'a', 'team-a', 'x'.repeat(21)])('rejects the tier name %j', (name) => {
    // Act
    const violations = validateTier(name, pro);

    // Assess
    expect(violations).toEqual([expect.objectContaining({ ruleId: 'tier-name', field: '(name)' })]);
  });
});

describe('resolveCatalog', () => {
  const catalogError = (fn: () => unknown): TierCatalogError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof TierCatalogError) return error;
      throw error;
    }
    throw new Error('expected a TierCatalogError');
  };

  it('returns the built-in tiers without overrides', () => {
    // Act
    const catalog = resolveCatalog();

    // Assess
    expect(catalog).toEqual(DEFAULT_TIERS);
  });

  it('merges an override field by field and leaves the built-in tiers untouched', () => {
    // Prepare
    const before = structuredClone(DEFAULT_TIERS);

    // Act
    const catalog = resolveCatalog({ starter: { backup: { retentionDays: 3 } } });

    // Assess
    expect(catalog.starter?.backup).toEqual({ ...starter.backup, retentionDays: 3 });
    expect(catalog.pro).toEqual(pro);
    expect(DEFAULT_TIERS).toEqual(before);
  });

  it('replaces arrays instead of merging them', () => {
    // Act
    const catalog = resolveCatalog({ enterprise: { monitoring: { logExports: ['postgresql'] } } });

    // Assess
    expect(catalog.enterprise?.monitoring.logExports).toEqual(['postgresql']);
  });

  it('adds a new tier', () => {
    // Prepare
    const team: TierDefinition = { ...pro, description: 'Single-AZ production', multiAz: false };

    // Act
    const catalog = resolveCatalog({ team });

    // Assess
    expect(Object.keys(catalog)).toEqual(['starter', 'pro', 'enterprise', 'team']);
    expect(catalog.team).toEqual(team);
  });

  it('removes a tier set to null', () => {
    // Act
    const catalog = resolveCatalog({ enterprise: null });

    // Assess
    expect(Object.keys(catalog)).toEqual(['starter', 'pro']);
  });

  it('rejects a new tier that only names some fields, listing what it misses', () => {
    // Act
    const error = catalogError(() => resolveCatalog({ team: { description: 'Partial' } }));

    // Assess
    expect(error.violations.map((v) => v.ruleId)).toEqual(
      expect.arrayContaining(['instance-class-format', 'engine-version', 'storage-type', 'provisioning-budget']),
    );
    expect(error.violations.every((v) => v.tier === 'team')).toBe(true);
  });

  it('rejects an empty catalog', () => {
    // Act
    const error = catalogError(() => resolveCatalog({ starter: null, pro: null, enterprise: null }));

    // Assess
    expect(error.violations).toEqual([expect.objectContaining({ ruleId: 'non-empty', field: 'tiers' })]);
  });

  it.each([[['starter']], ['starter'], [42]])('rejects overrides that are not an object: %j', (overrides) => {
    // Act
    const error = catalogError(() => resolveCatalog(overrides as never));

    // Assess
    expect(error.violations).toEqual([expect.objectContaining({ ruleId: 'shape', field: 'tiers' })]);
  });

  it.each<[string, string, string, string]>([
    ['a top-level __proto__', '{"__proto__": {"multiAz": false}}', 'tiers.__proto__', '__proto__'],
    [
      '__proto__ inside a built-in tier',
      '{"starter": {"__proto__": {"multiAz": true}}}',
      'tiers.starter.__proto__',
      '__proto__',
    ],
    [
      '__proto__ nested in a field group',
      '{"pro": {"backup": {"__proto__": {"retentionDays": 1}}}}',
      'tiers.pro.backup.__proto__',
      '__proto__',
    ],
    ['constructor as a tier name', '{"constructor": null}', 'tiers.constructor', 'constructor'],
    ['toString inside a new tier', '{"team": {"toString": "x"}}', 'tiers.team.toString', 'toString'],
    [
      'hasOwnProperty inside a built-in tier',
      '{"pro": {"hasOwnProperty": 1}}',
      'tiers.pro.hasOwnProperty',
      'hasOwnProperty',
    ],
  ])('rejects a prototype key: %s, naming its path', (_case, json, field, key) => {
    // Prepare: JSON text, as TIER_CATALOG and cdk.json deliver it ("__proto__" is an own key after JSON.parse)
    const overrides = JSON.parse(json) as Record<string, TierOverride | null>;

    // Act
    const error = catalogError(() => resolveCatalog(overrides));

    // Assess
    expect(error.violations).toEqual([
      expect.objectContaining({ tier: '(catalog)', field, ruleId: 'shape', received: key }),
    ]);
    expect(error.message).toContain(`field ${field}: must not be a key of Object.prototype`);
    expect(Object.prototype).not.toHaveProperty('multiAz');
    expect(Object.prototype).not.toHaveProperty('retentionDays');
  });

  it('still accepts an override whose keys merely resemble prototype keys', () => {
    // Prepare
    const overrides = JSON.parse('{"proto": {"description": "x"}}') as Record<string, TierOverride>;

    // Act
    const error = catalogError(() => resolveCatalog(overrides));

    // Assess: a partial new tier, rejected for its missing fields, not for its name
    expect(error.violations.every((v) => v.tier === 'proto' && v.ruleId !== 'shape')).toBe(true);
  });

  it('quotes a huge rejected value short and escaped', () => {
    // Act
    const error = catalogError(() => resolveCatalog({ pro: { instanceClass: `\u202e${'d'.repeat(100_000)}` } }));

    // Assess
    expect(error.message.length).toBeLessThan(1000);
    expect(error.message).not.toContain('\u202e');
    // The length is that of the escaped JSON: 2 quotes, the override written as \u{202e} (8), 100 000 letters
    expect(error.message).toMatch(/ \(got "\\u\{202e\}d+… \(100010 characters\)\)$/);
  });

  it('names tier, field, rule and value of every violation, one per line', () => {
    // Act
    const error = catalogError(() =>
      resolveCatalog({
        starter: { storage: { iops: 3000 }, backup: { retentionDays: 40 } },
        pro: { multiAz: 'no' as never },
      }),
    );

    // Assess
    expect(error.message.split('\n')).toEqual([
      'Invalid tier catalog:',
      expect.stringMatching(/^ {2}tier "starter", field storage\.iops: gp3 IOPS .* \(got 3000\)$/),
      '  tier "starter", field backup.retentionDays: must be a whole number of days from 1 to 35 (0 would turn automated backups off) (got 40)',
      '  tier "pro", field multiAz: must be true or false (got "no")',
    ]);
  });
});
