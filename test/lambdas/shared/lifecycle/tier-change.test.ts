import {
  activeTenantReason,
  isRefusedChange,
  tierChangeRequestOf,
} from '../../../../lambdas/shared/lifecycle/tier-change';
import { DEFAULT_TIERS } from '../../../../lambdas/shared/tiers';

const base = { tenantId: 'acme', operation: 'change-tier' };

describe('tierChangeRequestOf', () => {
  it.each<[string, Record<string, unknown>, object]>([
    ['the new tier', { ...base, to: 'pro' }, { ...base, to: 'pro', requestedBy: 'unknown' }],
    [
      'with a timing and an idempotency key',
      { ...base, to: 'pro', when: 'maintenance-window', requestId: 'evt-1' },
      { ...base, to: 'pro', when: 'maintenance-window', requestId: 'evt-1', requestedBy: 'unknown' },
    ],
  ])('accepts %s', (_case, input, expected) => {
    expect(tierChangeRequestOf(input, DEFAULT_TIERS)).toEqual(expected);
  });

  it.each<[string, unknown, RegExp]>([
    ['no tier', base, /^to: must be a tier of the deployed catalog \(starter, pro, enterprise\)/],
    ['an unknown tier', { ...base, to: 'platinum' }, /^to: must be a tier/],
    ['a prototype name', { ...base, to: '__proto__' }, /^to: must be a tier/],
    ['constructor', { ...base, to: 'constructor' }, /^to: must be a tier/],
    ['a bad timing', { ...base, to: 'pro', when: 'tonight' }, /^when: must be now or maintenance-window/],
    ['another operation', { ...base, operation: 'suspend', to: 'pro' }, /^operation: must be one of change-tier/],
    ['an unknown field', { ...base, to: 'pro', tier: 'pro' }, /^input: has no field "tier"/],
    ['an array', [], /^input: must be a JSON object/],
    ['an oversized tier name', { ...base, to: 'x'.repeat(10_000) }, /^to: must be a tier/],
  ])('refuses %s, naming the field', (_case, input, message) => {
    expect(() => tierChangeRequestOf(input, DEFAULT_TIERS)).toThrow(message);
  });
});

describe('isRefusedChange', () => {
  const lock = (resumed: boolean) => ({
    outcome: 'TAKEN' as const,
    tenantId: 'acme',
    operation: 'change-tier' as const,
    executionArn: 'arn',
    change: { from: 'starter', to: 'pro', when: 'now' as const, resumed, ownerExecutionArn: 'arn:p' },
  });
  const refused = { Error: 'TierChangeRefusedError', Cause: '{}' };

  it.each([
    ['refused before RDS accepted anything', { lock: lock(false), error: refused }, true],
    ['refused on a re-run of an accepted change', { lock: lock(true), error: refused }, false],
    ['any other failure', { lock: lock(false), error: { Error: 'AwsRequestError', Cause: '{}' } }, false],
    [
      'refused after the request was sent',
      { lock: lock(false), error: refused, apply: { modification: 'requested' as const, parameters: [] } },
      false,
    ],
  ])('%s → %s', (_case, state, expected) => {
    expect(isRefusedChange(state)).toBe(expected);
  });
});

describe('activeTenantReason', () => {
  it.each([
    ['pro', 'pro', 'tenant acme is already ACTIVE on tier pro; nothing to do'],
    [
      'pro',
      'enterprise',
      'tenant acme is already ACTIVE on tier pro; onboarding does not change tiers: run tenantctl change-tier acme --to enterprise',
    ],
  ])('on %s asked for %s', (current, requested, expected) => {
    expect(activeTenantReason('acme', current, requested)).toBe(expected);
  });
});
