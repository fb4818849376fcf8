import type { ValidateEvent } from '../../../lambdas/shared/contracts';
import { ConfigurationError, ValidationError } from '../../../lambdas/shared/errors';
import { DEFAULT_TIERS } from '../../../lambdas/shared/tiers';
import { handler } from '../../../lambdas/validate-input/handler';
import { validateRequest } from '../../../lambdas/validate-input/validate';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';

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
      secretName: 'saas/tenant/acme/app',
      requestedBy: 'unknown',
      requestId: 'acme-pro-1',
      metadata: {},
      executionArn: EXECUTION_ARN,
      executionName: 'acme-pro-1',
    });
  });

  it('keeps every optional field the caller supplied', () => {
    // Prepare
    // JSON text, as Step Functions delivers it.
    const input = JSON.parse(`{
      "tenantId": "acme-corp",
      "tier": "enterprise",
      "requestedBy": "Zoë Müller <zoe@example.com> 🚀",
      "requestId": "billing_2026-11-26",
      "metadata": { "crm:account": "A-17", "cost.center": "${'x'.repeat(256)}", "proto": "label" }
    }`);

    // Act
    const request = validateRequest(eventFor(input), DEFAULT_TIERS);

    // Assess
    expect(request.requestedBy).toBe(input.requestedBy);
    expect(request.requestId).toBe('billing_2026-11-26');
    expect(Object.keys(request.metadata)).toEqual(['crm:account', 'cost.center', 'proto']);
    expect(request.metadata['crm:account']).toBe('A-17');
    // A record without a prototype: no label can reach or shadow Object.prototype machinery
    expect(Object.getPrototypeOf(request.metadata)).toBeNull();
  });

  it.each<[string, string | undefined, string]>([
    ['the default pattern', undefined, 'saas/tenant/acme-corp/app'],
    ['the deployment pattern', 'prod/{tenantId}/application', 'prod/acme-corp/application'],
  ])('fixes the application secret name from %s', (_case, pattern, secretName) => {
    // Act
    const request = validateRequest(eventFor({ tenantId: 'acme-corp', tier: 'pro' }), DEFAULT_TIERS, pattern);

    // Assess
    expect(request.secretName).toBe(secretName);
  });

  it.each(['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'])(
    'rejects the metadata key %s, naming the field, and pollutes nothing',
    (key) => {
      // Prepare: JSON text, as Step Functions delivers it ("__proto__" arrives as an own key)
      const input = JSON.parse(`{"tenantId": "acme", "tier": "pro", "metadata": {"plan": "annual", "${key}": "x"}}`);

      // Act
      const error = caught(() => validateRequest(eventFor(input), DEFAULT_TIERS));

      // Assess
      expect(error.field).toBe('metadata');
      expect(error.message).toBe(
        `metadata: keys must not name Object.prototype members (__proto__, constructor...) (got "${key}")`,
      );
      expect(({} as Record<string, unknown>).plan).toBeUndefined();
    },
  );

  it.each<[string, string, string]>([
    ['a misspelt field', '{"tenantId": "acme", "tier": "pro", "teir": "pro"}', '"teir"'],
    ['a __proto__ field', '{"tenantId": "acme", "tier": "pro", "__proto__": {"tier": "x"}}', '"__proto__"'],
    [
      'a field name with a line break and a bidi override',
      '{"tenantId": "acme", "tier": "pro", "x\\nlevel=INFO\\u202e": 1}',
      '"x\\nlevel=INFO\\u{202e}"',
    ],
  ])('rejects %s on the field "input", quoting the key escaped', (_case, json, quoted) => {
    // Prepare
    const input = JSON.parse(json);

    // Act
    const error = caught(() => validateRequest(eventFor(input), DEFAULT_TIERS));

    // Assess
    expect(error.field).toBe('input');
    expect(error.message).toBe(
      `input: has no field ${quoted} (allowed: tenantId, tier, requestedBy, requestId, metadata)`,
    );
    expect(error.message).not.toMatch(/\p{C}/u);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a 100 KB requestedBy', { requestedBy: 'r'.repeat(100_000) }, 'requestedBy'],
    ['a 100 KB field name', { ['k'.repeat(100_000)]: 1 }, 'input'],
    ['a 100 KB request id', { requestId: 'q'.repeat(100_000) }, 'requestId'],
    ['a 100 KB metadata key', { metadata: { ['m'.repeat(100_000)]: 'v' } }, 'metadata'],
    ['a 100 KB metadata value', { metadata: { note: 'n'.repeat(100_000) } }, 'metadata.note'],
  ])('keeps the message of %s short enough for the workflow state', (_case, fields, field) => {
    // Prepare
    const input = { tenantId: 'acme', tier: 'pro', ...fields };

    // Act
    const error = caught(() => validateRequest(eventFor(input), DEFAULT_TIERS));

    // Assess
    expect(error.field).toBe(field);
    expect(error.message.length).toBeLessThanOrEqual(200);
    expect(error.message).toMatch(/… \(\d+ characters\)/);
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
    ['an unknown top-level field', { ...valid, teir: 'pro' }, 'input', /has no field "teir"/],
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
    const request = await handler(eventFor({ tenantId: 'acme', tier: 'pro', requestedBy: 'billing' }), lambdaContext());

    // Assess
    expect(request).toMatchObject({ tenantId: 'acme', tier: 'pro', requestedBy: 'billing' });
    expect(request.tierDefinition).toEqual(DEFAULT_TIERS.pro);
  });

  it.each<[string, string | undefined, string]>([
    ['the default secret name without SECRET_NAME_PATTERN', undefined, 'saas/tenant/acme/app'],
    ['the name SECRET_NAME_PATTERN gives', 'apps/{tenantId}/db', 'apps/acme/db'],
  ])('fixes %s', async (_case, pattern, secretName) => {
    // Prepare
    process.env.TIER_CATALOG = JSON.stringify(DEFAULT_TIERS);
    if (pattern === undefined) delete process.env.SECRET_NAME_PATTERN;
    else process.env.SECRET_NAME_PATTERN = pattern;

    try {
      // Act
      const request = await handler(eventFor({ tenantId: 'acme', tier: 'pro' }), lambdaContext());

      // Assess
      expect(request.secretName).toBe(secretName);
    } finally {
      delete process.env.SECRET_NAME_PATTERN;
    }
  });

  it('throws a ValidationError the workflow can Catch by name', async () => {
    // Prepare
    process.env.TIER_CATALOG = JSON.stringify(DEFAULT_TIERS);

    // Act
    const result = handler(eventFor({ tenantId: 'acme', tier: 'gold' }), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ValidationError', field: 'tier' });
  });

  it('reports a missing catalog as a ConfigurationError', async () => {
    // Prepare
    delete process.env.TIER_CATALOG;

    // Act
    const result = handler(eventFor({ tenantId: 'acme', tier: 'pro' }), lambdaContext());

    // Assess
    await expect(result).rejects.toBeInstanceOf(ConfigurationError);
  });
});
