import type { ValidateEvent } from '../../lambdas/shared/contracts';
import { ConfigurationError, ValidationError } from '../../lambdas/shared/errors';
import { DEFAULT_TIERS } from '../../lambdas/shared/tiers';
import { handler } from '../../lambdas/validate-input/handler';
import { validateRequest } from '../../lambdas/validate-input/validate';

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1';

function eventFor(input: unknown, executionName = 'acme-pro-1'): ValidateEvent {
  return { input, executionArn: EXECUTION_ARN, executionName };
}

function caught(act: () => unknown): ValidationError {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('validateRequest', () => {
  it.each(Object.keys(DEFAULT_TIERS))('resolves tier %s from the catalog and fills in the defaults', (tier) => {
    // Prepare
    const event = eventFor({ tenantId: 'acme', tier });

    // Act
    const request = validateRequest(event, DEFAULT_TIERS);

    // Assess
    expect(request).toEqual({
      tenantId: 'acme',
      tier,
      tierDefinition: DEFAULT_TIERS[tier],
      requestedBy: 'unknown',
      requestId: 'acme-pro-1',
      metadata: {},
      executionArn: EXECUTION_ARN,
      executionName: 'acme-pro-1',
    });
  });

  it('keeps every optional field the caller supplied', () => {
    // Prepare
    // JSON text, as Step Functions delivers it: "__proto__" arrives as an ordinary key.
    const input = JSON.parse(`{
      "tenantId": "acme-corp",
      "tier": "enterprise",
      "requestedBy": "Zoë Müller <zoe@example.com> 🚀",
      "requestId": "billing_2026-11-26",
      "metadata": { "crm:account": "A-17", "cost.center": "${'x'.repeat(256)}", "__proto__": "label" }
    }`);

    // Act
    const request = validateRequest(eventFor(input), DEFAULT_TIERS);

    // Assess
    expect(request.requestedBy).toBe(input.requestedBy);
    expect(request.requestId).toBe('billing_2026-11-26');
    expect(Object.keys(request.metadata)).toEqual(['crm:account', 'cost.center', '__proto__']);
    expect(Object.getPrototypeOf(request.metadata)).toBe(Object.prototype);
  });

  it('accepts exactly ten metadata entries and a 128-character requester', () => {
    // Prepare
    const metadata = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, `v${i}`]));

    // Act
    const request = validateRequest(
      eventFor({ tenantId: 'acme', tier: 'pro', metadata, requestedBy: 'r'.repeat(128) }),
      DEFAULT_TIERS,
    );

    // Assess
    expect(Object.keys(request.metadata)).toHaveLength(10);
    expect(request.requestedBy).toHaveLength(128);
  });

  const valid = { tenantId: 'acme', tier: 'starter' };
  it.each<[string, unknown, string, RegExp]>([
    ['input is not an object', 'acme', 'input', /must be a JSON object/],
    ['input is an array', [valid], 'input', /must be a JSON object/],
    ['input is null', null, 'input', /must be a JSON object/],
    ['an unknown top-level field', { ...valid, teir: 'pro' }, 'teir', /is not a known field/],
    ['tenantId is missing', { tier: 'pro' }, 'tenantId', /must be a string/],
    ['tenantId is too short', { ...valid, tenantId: 'ab' }, 'tenantId', /3-32 characters/],
    ['tenantId has upper case', { ...valid, tenantId: 'Acme' }, 'tenantId', /lower-case letters/],
    ['tenantId starts with a digit', { ...valid, tenantId: '1acme' }, 'tenantId', /start with a lower-case letter/],
    ['tenantId ends with a hyphen', { ...valid, tenantId: 'acme-' }, 'tenantId', /end with a letter or a digit/],
    ['tenantId has a double hyphen', { ...valid, tenantId: 'ac--me' }, 'tenantId', /two consecutive hyphens/],
    ['tier is unknown', { ...valid, tier: 'gold' }, 'tier', /must be one of starter, pro, enterprise/],
    ['tier names an inherited property', { ...valid, tier: 'toString' }, 'tier', /must be one of/],
    ['tier is missing', { tenantId: 'acme' }, 'tier', /must be one of/],
    ['requestedBy is not a string', { ...valid, requestedBy: 42 }, 'requestedBy', /printable characters/],
    ['requestedBy is empty', { ...valid, requestedBy: '' }, 'requestedBy', /1-128 printable/],
    ['requestedBy is too long', { ...valid, requestedBy: 'r'.repeat(129) }, 'requestedBy', /1-128 printable/],
    ['requestedBy has a control character', { ...valid, requestedBy: 'ops\n' }, 'requestedBy', /printable/],
    ['requestId has a forbidden character', { ...valid, requestId: 'req 1' }, 'requestId', /A-Z a-z 0-9 _ -/],
    ['requestId is too long', { ...valid, requestId: 'r'.repeat(81) }, 'requestId', /1-80 characters/],
    ['requestId is not a string', { ...valid, requestId: 7 }, 'requestId', /1-80 characters/],
    ['metadata is not an object', { ...valid, metadata: ['a'] }, 'metadata', /must be an object/],
    [
      'metadata has more than ten entries',
      { ...valid, metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
      /at most 10 entries/,
    ],
    ['a metadata key has a space', { ...valid, metadata: { 'cost center': 'x' } }, 'metadata', /keys must be/],
    ['a metadata key is too long', { ...valid, metadata: { ['k'.repeat(65)]: 'x' } }, 'metadata', /1-64/],
    ['a metadata value is not a string', { ...valid, metadata: { seats: 5 } }, 'metadata.seats', /must be a string/],
    [
      'a metadata value is too long',
      { ...valid, metadata: { note: 'x'.repeat(257) } },
      'metadata.note',
      /at most 256 characters/,
    ],
  ])('rejects input when %s', (_case, input, field, rule) => {
    // Prepare
    const event = eventFor(input);

    // Act
    const error = caught(() => validateRequest(event, DEFAULT_TIERS));

    // Assess
    expect(error.field).toBe(field);
    expect(error.message).toMatch(rule);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('rejects a default request id when the execution name breaks the request id rule', () => {
    // Prepare
    const event = eventFor({ tenantId: 'acme', tier: 'pro' }, 'started from the console');

    // Act
    const error = caught(() => validateRequest(event, DEFAULT_TIERS));

    // Assess
    expect(error.field).toBe('requestId');
    expect(error.message).toMatch(/defaults to the execution name/);
  });
});

describe('ValidateInput handler', () => {
  const saved = process.env.TIER_CATALOG;
  afterEach(() => {
    if (saved === undefined) delete process.env.TIER_CATALOG;
    else process.env.TIER_CATALOG = saved;
  });

  it('validates against the catalog of the deployment', async () => {
    // Prepare
    process.env.TIER_CATALOG = JSON.stringify(DEFAULT_TIERS);

    // Act
    const request = await handler(eventFor({ tenantId: 'acme', tier: 'pro', requestedBy: 'billing' }));

    // Assess
    expect(request).toMatchObject({ tenantId: 'acme', tier: 'pro', requestedBy: 'billing' });
    expect(request.tierDefinition).toEqual(DEFAULT_TIERS.pro);
  });

  it('throws a ValidationError the workflow can Catch by name', async () => {
    // Prepare
    process.env.TIER_CATALOG = JSON.stringify(DEFAULT_TIERS);

    // Act
    const result = handler(eventFor({ tenantId: 'acme', tier: 'gold' }));

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ValidationError', field: 'tier' });
  });

  it('reports a missing catalog as a ConfigurationError', async () => {
    // Prepare
    delete process.env.TIER_CATALOG;

    // Act
    const result = handler(eventFor({ tenantId: 'acme', tier: 'pro' }));

    // Assess
    await expect(result).rejects.toBeInstanceOf(ConfigurationError);
  });
});
