import type { ValidateEvent } from '../../../lambdas/shared/contracts';
import { ValidationError } from '../../../lambdas/shared/errors';
import { DEFAULT_TIERS } from '../../../lambdas/shared/tiers';
import { validateRequest } from '../../../lambdas/validate-input/validate';

/** What a caller reads when ValidateInput refuses a request: field and rule, word for word. */

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1';
const valid = { tenantId: 'acme', tier: 'starter' };

function eventFor(input: unknown, executionName = 'acme-pro-1'): ValidateEvent {
  return { input, executionArn: EXECUTION_ARN, executionName };
}

describe('validateRequest messages', () => {
  it.each<[string, unknown, string, string]>([
    ['input is not an object', 'acme', 'input', 'input: must be a JSON object (got "acme")'],
    [
      'an unknown top-level field',
      { ...valid, teir: 'pro' },
      'input',
      'input: has no field "teir" (allowed: tenantId, tier, requestedBy, requestId, metadata)',
    ],
    [
      'requestedBy is not a string',
      { ...valid, requestedBy: 42 },
      'requestedBy',
      'requestedBy: must be a string of 1-128 printable characters (got 42)',
    ],
    [
      'requestedBy is empty',
      { ...valid, requestedBy: '' },
      'requestedBy',
      'requestedBy: must be a string of 1-128 printable characters (got "")',
    ],
    [
      'an explicit requestId breaks the rule',
      { ...valid, requestId: 'req 1' },
      'requestId',
      'requestId: must be 1-80 characters of A-Z a-z 0-9 _ - (got "req 1")',
    ],
    [
      'metadata is not an object',
      { ...valid, metadata: 'x' },
      'metadata',
      'metadata: must be an object of string labels (got "x")',
    ],
    [
      'metadata has more than ten entries',
      { ...valid, metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
      'metadata: must have at most 10 entries (got 11)',
    ],
    [
      'a metadata key breaks the rule',
      { ...valid, metadata: { 'cost center': 'x' } },
      'metadata',
      'metadata: keys must be 1-64 characters of A-Z a-z 0-9 _ . : - (got "cost center")',
    ],
    [
      'a metadata key names a prototype member',
      { ...valid, metadata: { constructor: 'x' } },
      'metadata',
      'metadata: keys must not name Object.prototype members (__proto__, constructor...) (got "constructor")',
    ],
    [
      'a metadata value is too long',
      { ...valid, metadata: { note: 'x'.repeat(257) } },
      'metadata.note',
      `metadata.note: must be a string of at most 256 characters (got "${'x'.repeat(62)}… (259 characters))`,
    ],
  ])('when %s', (_case, input, field, message) => {
    // Act
    const act = () => validateRequest(eventFor(input), DEFAULT_TIERS);

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(expect.objectContaining({ field, message }));
  });

  it('says the request id defaults to the execution name when that is what breaks the rule', () => {
    // Act
    const act = () => validateRequest(eventFor(valid, 'started from the console'), DEFAULT_TIERS);

    // Assess
    expect(act).toThrow(
      'requestId: must be 1-80 characters of A-Z a-z 0-9 _ - (it defaults to the execution name) (got "started from the console")',
    );
  });
});

describe('validateRequest limits', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a one-character requester', { requestedBy: 'x' }],
    ['a one-emoji requester (one code point)', { requestedBy: '🚀' }],
    ['a requester of 128 emoji', { requestedBy: '🚀'.repeat(128) }],
    ['a one-character request id', { requestId: 'r' }],
    ['an 80-character request id', { requestId: 'r'.repeat(80) }],
    ['a 64-character metadata key', { metadata: { ['k'.repeat(64)]: 'v' } }],
    ['a metadata value of 256 emoji', { metadata: { note: '🚀'.repeat(256) } }],
    ['an empty metadata value', { metadata: { note: '' } }],
  ])('accepts %s', (_case, fields) => {
    // Act
    const request = validateRequest(eventFor({ ...valid, ...fields }), DEFAULT_TIERS);

    // Assess
    expect(request).toMatchObject(fields);
  });
});
