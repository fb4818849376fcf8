import { ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import { DEFAULT_WAVE_STEPS, type RolloutDefaults, rolloutOptions } from '../../../../lambdas/shared/rollout/options';
import { formatTolerance, mapThresholds, parseTolerance } from '../../../../lambdas/shared/rollout/tolerance';

const defaults: RolloutDefaults = { maxConcurrency: 50, tolerance: { kind: 'count', value: 0 }, canarySize: 5 };

describe('rolloutOptions', () => {
  it('fills in the defaults', () => {
    // Act & Assess
    expect(rolloutOptions(undefined, defaults)).toEqual({
      canary: { size: 5 },
      waves: { by: 'percent', steps: DEFAULT_WAVE_STEPS },
      maxConcurrency: 50,
      tolerance: { kind: 'count', value: 0 },
      requestedBy: 'unknown',
    });
  });

  it('takes what the request gives', () => {
    // Act & Assess
    expect(
      rolloutOptions(
        {
          canary: ['acme'],
          waves: { by: 'tier', order: ['pro'] },
          maxConcurrency: 200,
          tolerate: '5%',
          requestedBy: 'ops',
        },
        defaults,
      ),
    ).toEqual({
      canary: { tenants: ['acme'] },
      waves: { by: 'tier', order: ['pro'] },
      maxConcurrency: 200,
      tolerance: { kind: 'percent', value: 5 },
      requestedBy: 'ops',
    });
  });

  it.each<[string, unknown, string]>([
    ['not an object', [], 'input'],
    ['an unknown option', { canaries: 1 }, 'canaries'],
    ['a prototype key', JSON.parse('{"__proto__": {"x": 1}}'), '__proto__'],
    ['a bad canary id', { canary: ['Not Valid'] }, 'canary[0]'],
    ['an empty canary list', { canary: [] }, 'canary'],
    ['a negative canary size', { canary: -1 }, 'canary'],
    ['concurrency 0', { maxConcurrency: 0 }, 'maxConcurrency'],
    ['concurrency above the Distributed Map limit', { maxConcurrency: 10_001 }, 'maxConcurrency'],
    ['a tolerance in words', { tolerate: 'some' }, 'tolerate'],
    ['a tolerance above 100%', { tolerate: '101%' }, 'tolerate'],
    ['steps not ending at 100', { waves: { by: 'percent', steps: [10, 50] } }, 'waves.steps'],
    ['steps not ascending', { waves: { by: 'percent', steps: [50, 10, 100] } }, 'waves.steps'],
    ['an unknown wave kind', { waves: { by: 'region' } }, 'waves.by'],
    ['a repeated tier', { waves: { by: 'tier', order: ['pro', 'pro'] } }, 'waves.order'],
    ['an oversized request', { requestedBy: 'x'.repeat(20_000) }, 'input'],
  ])('rejects %s, naming the field', (_case, request, field) => {
    // Act
    const error = (() => {
      try {
        rolloutOptions(request, defaults);
      } catch (e) {
        return e as Error & { field?: string };
      }
      return undefined;
    })();

    // Assess
    expect(error?.name).toBe(ERROR_NAMES.validation);
    expect(error?.message.startsWith(field)).toBe(true);
  });
});

describe('tolerance', () => {
  it.each([
    ['0', { kind: 'count', value: 0 }, { toleratedFailureCount: 0, toleratedFailurePercentage: 100 }],
    ['3', { kind: 'count', value: 3 }, { toleratedFailureCount: 3, toleratedFailurePercentage: 100 }],
    ['5%', { kind: 'percent', value: 5 }, { toleratedFailureCount: 40, toleratedFailurePercentage: 5 }],
    ['100%', { kind: 'percent', value: 100 }, { toleratedFailureCount: 40, toleratedFailurePercentage: 100 }],
  ])('%s parses, maps to Map thresholds for a wave of 40, and prints back', (text, tolerance, thresholds) => {
    // Act & Assess
    expect(parseTolerance(text)).toEqual(tolerance);
    expect(mapThresholds(parseTolerance(text), 40)).toEqual(thresholds);
    expect(formatTolerance(parseTolerance(text))).toBe(text);
  });

  it.each(['', '-1', '1.5', '05', '5 %', '%', 7])('rejects %j', (text) => {
    // Act & Assess
    expect(() => parseTolerance(text)).toThrow(/tolerate: must be a number of tenants/);
  });
});
