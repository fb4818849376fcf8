import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { applyListFilter, parseLimit, parseSince } from '../../../lib/cli/list-filter';

const NOW = new Date('2026-12-03T12:00:00Z');

const tenant = (tenantId: string, tier: string, updatedAt: string) => ({ tenantId, tier, updatedAt }) as TenantRecord;
const RECORDS = [
  tenant('alpha', 'pro', '2026-12-03T10:00:00Z'),
  tenant('beta', 'starter', '2026-12-01T10:00:00Z'),
  tenant('gamma', 'pro', '2026-11-01T10:00:00Z'),
];

describe('list filters', () => {
  it.each([
    ['12h', '2026-12-03T00:00:00.000Z'],
    ['7d', '2026-11-26T12:00:00.000Z'],
    ['2w', '2026-11-19T12:00:00.000Z'],
    ['30m', '2026-12-03T11:30:00.000Z'],
    ['2026-11-15', '2026-11-15T00:00:00.000Z'],
    ['2026-11-15T08:30:00Z', '2026-11-15T08:30:00.000Z'],
  ])('reads --since %s', (value, expected) => {
    // Act / Assess
    expect(parseSince(value, NOW).toISOString()).toBe(expected);
  });

  it.each([['yesterday'], ['7 days'], ['-1d'], ['2026-13-45']])('rejects --since %s, naming the forms', (value) => {
    // Act / Assess
    expect(() => parseSince(value, NOW)).toThrow(
      '--since: must be a date (2026-11-01, 2026-11-01T12:00Z) or a duration',
    );
  });

  it.each([['0'], ['1.5'], ['many'], ['10001']])('rejects --limit %s', (value) => {
    // Act / Assess
    expect(() => parseLimit(value)).toThrow('--limit: must be a whole number from 1 to 10000');
  });

  it.each([
    ['no filter', {}, ['alpha', 'beta', 'gamma']],
    ['a tier', { tier: 'pro' }, ['alpha', 'gamma']],
    ['a time', { since: new Date('2026-12-01T00:00:00Z') }, ['alpha', 'beta']],
    ['a limit', { limit: 1 }, ['alpha']],
    ['all three', { tier: 'pro', since: new Date('2026-11-01T00:00:00Z'), limit: 1 }, ['alpha']],
  ])('keeps the records of %s', (_name, filter, expected) => {
    // Act / Assess
    expect(applyListFilter(RECORDS, filter).map((r) => r.tenantId)).toEqual(expected);
  });
});
