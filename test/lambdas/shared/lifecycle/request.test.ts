import { ValidationError } from '../../../../lambdas/shared/errors';
import { lifecycleRequestOf } from '../../../../lambdas/shared/lifecycle/request';

const OPS = ['suspend', 'resume'] as const;

describe('lifecycleRequestOf', () => {
  it('fills in who asked and keeps the idempotency key', () => {
    expect(lifecycleRequestOf({ tenantId: 'acme', operation: 'resume', requestId: 'evt-1' }, OPS)).toEqual({
      tenantId: 'acme',
      operation: 'resume',
      requestedBy: 'unknown',
      requestId: 'evt-1',
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'acme', /^input: must be a JSON object/],
    ['an unknown field', { tenantId: 'acme', operation: 'suspend', tier: 'pro' }, /^input: has no field "tier"/],
    [
      'a prototype key',
      JSON.parse('{"tenantId":"acme","operation":"suspend","__proto__":{}}'),
      /^input: has no field "__proto__"/,
    ],
    ['a bad tenant id', { tenantId: 'Acme', operation: 'suspend' }, /^tenantId: /],
    [
      'an operation this workflow does not run',
      { tenantId: 'acme', operation: 'offboard' },
      /^operation: must be one of suspend, resume/,
    ],
    [
      'an unprintable requestedBy',
      { tenantId: 'acme', operation: 'suspend', requestedBy: 'a\u0000b' },
      /^requestedBy: /,
    ],
    [
      'an oversized requestedBy',
      { tenantId: 'acme', operation: 'suspend', requestedBy: 'x'.repeat(129) },
      /^requestedBy: /,
    ],
    ['a bad requestId', { tenantId: 'acme', operation: 'suspend', requestId: 'a b' }, /^requestId: /],
  ])('rejects %s, naming the field', (_case, input, message) => {
    expect(() => lifecycleRequestOf(input, OPS)).toThrow(ValidationError);
    expect(() => lifecycleRequestOf(input, OPS)).toThrow(message);
  });
});
