import { ValidationError } from '../../../../lambdas/shared/errors';
import {
  DEFAULT_TIERS,
  resolveCatalog,
  TierCatalogError,
  type TierDefinition,
  type TierOverride,
  type TierViolation,
  tierFromCatalog,
  validateCatalog,
  validateTier,
} from '../../../../lambdas/shared/tiers';
import { closestNames, didYouMean, editDistance } from '../../../../lambdas/shared/tiers/did-you-mean';
import { unknownTierFields } from '../../../../lambdas/shared/tiers/fields';

/**
 * How a deployment's tier overrides become its catalog, and what an operator reads when they are wrong: every
 * message and field name literally.
 */

const pro = DEFAULT_TIERS.pro as TierDefinition;
const TIER_FIELDS =
  'description, instanceClass, engineVersion, storage, multiAz, backup, preferredMaintenanceWindow, deletionProtection, monitoring, alarms, provisioningBudgetMinutes, appSecretRotationDays, tierChangeTiming, offboarding';

function violationsOf(act: () => unknown): readonly TierViolation[] {
  try {
    act();
  } catch (error) {
    if (error instanceof TierCatalogError) return error.violations;
    throw error;
  }
  throw new Error('expected a TierCatalogError');
}

describe('TierCatalogError', () => {
  it('is named, and lists each violation on its own line with the value quoted', () => {
    // Act
    const error = new TierCatalogError([
      { tier: 'pro', field: 'multiAz', rule: 'must be true or false', ruleId: 'multi-az', received: 'no' },
      { tier: 'te\u202eam', field: 'x\u0007', rule: 'must be set', ruleId: 'r', received: undefined },
    ]);

    // Assess
    expect(error.name).toBe('TierCatalogError');
    expect(error.message).toBe(
      [
        'Invalid tier catalog:',
        '  tier "pro", field multiAz: must be true or false (got "no")',
        '  tier "te\\u{202e}am", field x\\u{7}: must be set (got undefined)',
      ].join('\n'),
    );
  });
});

describe('validateTier of a tier with no fields at all', () => {
  it('reports every field, in rule order, instead of crashing on the missing groups', () => {
    // Act
    const violations = validateTier('empty', {} as TierDefinition);

    // Assess
    expect(violations.map((v) => [v.ruleId, v.field])).toEqual([
      ['description', 'description'],
      ['instance-class-format', 'instanceClass'],
      ['engine-version', 'engineVersion'],
      ['storage-type', 'storage.type'],
      ['storage-size-general-purpose', 'storage.allocatedGiB'],
      ['storage-autoscaling-ceiling', 'storage.maxAllocatedGiB'],
      ['gp2-no-iops', 'storage.iops'],
      ['gp2-no-throughput', 'storage.throughputMiBps'],
      ['multi-az', 'multiAz'],
      ['backup-retention', 'backup.retentionDays'],
      ['backup-window-format', 'backup.preferredWindow'],
      ['maintenance-window-format', 'preferredMaintenanceWindow'],
      ['replication-flag', 'backup.crossRegionReplication'],
      ['replication-retention', 'backup.replicationRetentionDays'],
      ['deletion-protection', 'deletionProtection'],
      ['insights-mode', 'monitoring.databaseInsightsMode'],
      ['performance-insights-retention', 'monitoring.performanceInsightsRetentionDays'],
      ['enhanced-monitoring-interval', 'monitoring.enhancedMonitoringIntervalSeconds'],
      ['log-exports', 'monitoring.logExports'],
      ['alarm-cpu', 'alarms.cpuUtilizationPercent'],
      ['alarm-free-storage', 'alarms.freeStoragePercent'],
      ['alarm-memory', 'alarms.freeableMemoryMiB'],
      ['alarm-connections', 'alarms.databaseConnections'],
      ['alarm-read-latency', 'alarms.readLatencyMs'],
      ['alarm-write-latency', 'alarms.writeLatencyMs'],
      ['alarm-period', 'alarms.periodSeconds'],
      ['alarm-evaluation-window', 'alarms.evaluationPeriods'],
      ['provisioning-budget', 'provisioningBudgetMinutes'],
      ['app-secret-rotation', 'appSecretRotationDays'],
      ['final-snapshot-retention', 'offboarding.finalSnapshotRetentionDays'],
      ['keep-automated-backups', 'offboarding.keepAutomatedBackups'],
    ]);
    expect(violations.every((v) => v.tier === 'empty' && v.received === undefined)).toBe(true);
  });
});

describe('validateCatalog', () => {
  it('refuses an empty catalog, saying so', () => {
    // Act
    const violations = violationsOf(() => validateCatalog({}));

    // Assess
    expect(violations).toEqual([
      { tier: '(catalog)', field: 'tiers', rule: 'must define at least one tier', ruleId: 'non-empty', received: {} },
    ]);
  });

  it('returns a valid catalog as it is', () => {
    // Prepare
    const catalog = { team: pro };

    // Act
    const validated = validateCatalog(catalog);

    // Assess
    expect(validated).toBe(catalog);
  });
});

describe('resolveCatalog', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['an array', [pro]],
    ['a string', 'pro'],
    ['a number', 7],
  ])('refuses overrides that are %s, saying what they must be', (_case, overrides) => {
    // Act
    const violations = violationsOf(() => resolveCatalog(overrides as Record<string, TierOverride>));

    // Assess
    expect(violations).toEqual([
      {
        tier: '(catalog)',
        field: 'tiers',
        rule: 'must be an object of tier name to tier fields',
        ruleId: 'shape',
        received: overrides,
      },
    ]);
  });

  it('refuses a prototype key with the rule spelled out', () => {
    // Act
    const violations = violationsOf(() => resolveCatalog(JSON.parse('{"pro": {"backup": {"constructor": 1}}}')));

    // Assess
    expect(violations).toEqual([
      {
        tier: '(catalog)',
        field: 'tiers.pro.backup.constructor',
        rule: 'must not be a key of Object.prototype (__proto__, constructor...): it would replace or shadow object machinery',
        ruleId: 'shape',
        received: 'constructor',
      },
    ]);
  });

  it('refuses misspelt fields of every tier at once, naming the closest known field', () => {
    // Act
    const violations = violationsOf(() =>
      resolveCatalog({
        starter: { backup: { retentionDay: 3 } } as TierOverride,
        pro: { descriptoin: 'x' } as TierOverride,
      }),
    );

    // Assess
    expect(violations).toEqual([
      {
        tier: 'starter',
        ruleId: 'unknown-field',
        field: 'backup.retentionDay',
        rule: 'is not a tier field (did you mean retentionDays?); fields of backup: retentionDays, preferredWindow, crossRegionReplication, replicationRetentionDays',
        received: 3,
      },
      {
        tier: 'pro',
        ruleId: 'unknown-field',
        field: 'descriptoin',
        rule: `is not a tier field (did you mean description?); tier fields: ${TIER_FIELDS}`,
        received: 'x',
      },
    ]);
  });

  it('keeps a built-in field that an override leaves undefined', () => {
    // Act
    const catalog = resolveCatalog({ pro: { multiAz: undefined, backup: { retentionDays: undefined } } });

    // Assess
    expect(catalog.pro).toEqual(pro);
  });

  it('reports a field group replaced by null field by field, not as a crash', () => {
    // Act
    const violations = violationsOf(() => resolveCatalog({ pro: { storage: null } as unknown as TierOverride }));

    // Assess
    expect(violations.map((v) => v.field)).toEqual([
      'storage.type',
      'storage.allocatedGiB',
      'storage.maxAllocatedGiB',
      'storage.iops',
      'storage.throughputMiBps',
    ]);
  });

  it('replaces a field group by a scalar instead of merging into it', () => {
    // Act
    const violations = violationsOf(() => resolveCatalog({ pro: { alarms: 'strict' } as unknown as TierOverride }));

    // Assess
    expect(violations.map((v) => [v.field, v.received])).toEqual([
      ['alarms.cpuUtilizationPercent', undefined],
      ['alarms.freeStoragePercent', undefined],
      ['alarms.freeableMemoryMiB', undefined],
      ['alarms.databaseConnections', undefined],
      ['alarms.readLatencyMs', undefined],
      ['alarms.writeLatencyMs', undefined],
      ['alarms.periodSeconds', undefined],
      ['alarms.evaluationPeriods', undefined],
    ]);
  });

  it('merges a new tier into nothing: it must name every field', () => {
    // Act
    const catalog = resolveCatalog({ team: { ...pro, multiAz: false } }, { pro });

    // Assess
    expect(catalog).toEqual({ pro, team: { ...pro, multiAz: false } });
  });
});

describe('tierFromCatalog', () => {
  it('returns the definition of a tier of the catalog', () => {
    // Act
    const tier = tierFromCatalog(DEFAULT_TIERS, 'pro');

    // Assess
    expect(tier).toBe(pro);
  });

  it.each<[string, unknown, string]>([
    ['an unknown tier', 'gold', ' (got "gold")'],
    ['a key of Object.prototype', 'constructor', ' (got "constructor")'],
    ['another key of Object.prototype', 'toString', ' (got "toString")'],
    ['a number', 7, ' (got 7)'],
    ['a list holding a tier name', ['pro'], ' (got ["pro"])'],
    ['nothing', undefined, ''],
  ])('refuses %s on field tier, listing the tiers', (_case, name, got) => {
    // Act
    const act = () => tierFromCatalog(DEFAULT_TIERS, name);

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(
      expect.objectContaining({
        field: 'tier',
        rule: 'must be one of starter, pro, enterprise',
        message: `tier: must be one of starter, pro, enterprise${got}`,
      }),
    );
  });
});

describe('unknownTierFields', () => {
  const MONITORING =
    'databaseInsightsMode, performanceInsights, performanceInsightsRetentionDays, enhancedMonitoringIntervalSeconds, logExports';
  const ALARMS =
    'cpuUtilizationPercent, freeStoragePercent, freeableMemoryMiB, databaseConnections, readLatencyMs, writeLatencyMs, periodSeconds, evaluationPeriods';
  const STORAGE = 'type, allocatedGiB, maxAllocatedGiB, iops, throughputMiBps';

  it.each<[string, unknown, { field: string; rule: string; received: unknown }[]]>([
    ['a valid override', { backup: { retentionDays: 3 }, multiAz: false }, []],
    ['something that is not an object', 'pro', []],
    ['null', null, []],
    ['an array', [{ x: 1 }], []],
    [
      'a misspelt field of a group',
      { monitoring: { logExport: [] } },
      [
        {
          field: 'monitoring.logExport',
          rule: `is not a tier field (did you mean logExports?); fields of monitoring: ${MONITORING}`,
          received: [],
        },
      ],
    ],
    [
      'an unknown alarm, with no close name',
      { alarms: { zzz: 1 } },
      [{ field: 'alarms.zzz', rule: `is not a tier field; fields of alarms: ${ALARMS}`, received: 1 }],
    ],
    [
      'a misspelt storage field',
      { storage: { iop: 3000 } },
      [
        {
          field: 'storage.iop',
          rule: `is not a tier field (did you mean iops?); fields of storage: ${STORAGE}`,
          received: 3000,
        },
      ],
    ],
    ['a group given as a scalar: not looked into', { storage: 5 }, []],
    ['a group given as an array: not looked into', { storage: [{ iop: 1 }] }, []],
    ['an object where a scalar belongs: not looked into', { description: { text: 'x' } }, []],
    [
      'an unknown top-level object: reported, not looked into',
      { extras: { a: 1 } },
      [{ field: 'extras', rule: `is not a tier field; tier fields: ${TIER_FIELDS}`, received: { a: 1 } }],
    ],
  ])('finds the unknown fields of %s', (_case, override, expected) => {
    // Act
    const unknown = unknownTierFields(override);

    // Assess
    expect(unknown).toEqual(expected);
  });
});

describe('did you mean', () => {
  it.each<[string, string, number]>([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['abc', 'ab', 1],
    ['ab', 'abc', 1],
    ['ab', 'ba', 1],
    ['abcd', 'badc', 2],
    ['kitten', 'sitting', 3],
    ['retentionDay', 'retentionDays', 1],
    ['ca', 'abc', 3],
  ])('edit distance from %j to %j is %i', (a, b, distance) => {
    // Act
    const result = editDistance(a, b);

    // Assess
    expect(result).toBe(distance);
  });

  it.each<[string, string[], string[]]>([
    ['retentionDay', ['retentionDays', 'preferredWindow'], ['retentionDays']],
    ['RETENTIONDAYS', ['retentionDays'], ['retentionDays']],
    ['iop', ['iops', 'type'], ['iops']],
    ['ab', ['ba', 'abc', 'xy'], ['ba', 'abc']],
    ['abcdef', ['abcxyz'], []],
    ['abcdef', ['abcdxy'], ['abcdxy']],
    ['abcdefghi', ['abcdefxyz', 'abcdefgxy'], ['abcdefgxy']],
    ['x', ['y'], ['y']],
    ['x', [], []],
  ])('the names closest to %j among %j are %j', (name, known, expected) => {
    // Act
    const closest = closestNames(name, known);

    // Assess
    expect(closest).toEqual(expected);
  });

  it.each<[string, string[], string]>([
    ['iop', ['iops'], ' (did you mean iops?)'],
    ['ab', ['ba', 'abc'], ' (did you mean ba or abc?)'],
    ['zzz', ['iops'], ''],
  ])('suggests for %j among %j: %j', (name, known, expected) => {
    // Act
    const suggestion = didYouMean(name, known);

    // Assess
    expect(suggestion).toBe(expected);
  });
});
