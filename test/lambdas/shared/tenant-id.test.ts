import { ValidationError } from '../../../lambdas/shared/errors';
import { instanceIdentifier } from '../../../lambdas/shared/naming';
import {
  assertTenantId,
  TENANT_ID_MAX_LENGTH,
  TENANT_ID_RULES,
  tenantIdViolations,
} from '../../../lambdas/shared/tenant-id';

const VALID = [
  'abc',
  'acme',
  'acme-corp',
  'a1b',
  'tenant42',
  'x-1',
  'a-b-c-d',
  'globex-2026',
  'initech-eu-west',
  'umbrella-corporation-research',
  'a'.repeat(TENANT_ID_MAX_LENGTH),
  `a${'-b'.repeat(15)}1`,
  'q1w2e3r4',
  'abc-123-def',
  'customer0001',
  'k8s',
];

/** Each invalid id with every rule it breaks. */
const INVALID: ReadonlyArray<{ id: unknown; breaks: readonly string[] }> = [
  { id: '', breaks: ['length', 'first-character', 'last-character'] },
  { id: 'ab', breaks: ['length'] },
  { id: 'a', breaks: ['length'] },
  { id: 'a'.repeat(TENANT_ID_MAX_LENGTH + 1), breaks: ['length'] },
  { id: `acme-${'x'.repeat(60)}`, breaks: ['length'] },
  { id: 'Acme', breaks: ['charset', 'first-character'] },
  { id: 'acmE', breaks: ['charset', 'last-character'] },
  { id: 'ACME-CORP', breaks: ['charset', 'first-character', 'last-character'] },
  { id: 'acme_corp', breaks: ['charset'] },
  { id: 'acme.corp', breaks: ['charset'] },
  { id: 'acme corp', breaks: ['charset'] },
  { id: 'acme/corp', breaks: ['charset'] },
  { id: 'acme@corp', breaks: ['charset'] },
  { id: 'acme:corp', breaks: ['charset'] },
  { id: 'café-corp', breaks: ['charset'] },
  { id: 'acme\ncorp', breaks: ['charset'] },
  { id: ' acme', breaks: ['charset', 'first-character'] },
  { id: 'acme ', breaks: ['charset', 'last-character'] },
  { id: '1acme', breaks: ['first-character'] },
  { id: '42', breaks: ['length', 'first-character'] },
  { id: '-acme', breaks: ['first-character'] },
  { id: 'acme-', breaks: ['last-character'] },
  { id: 'acme--corp', breaks: ['double-hyphen'] },
  { id: 'a---b', breaks: ['double-hyphen'] },
  { id: '--acme--', breaks: ['first-character', 'last-character', 'double-hyphen'] },
  { id: 'acme-corp-', breaks: ['last-character'] },
  { id: '{tenantId}', breaks: ['charset', 'first-character', 'last-character'] },
  { id: "acme'; drop table tenants;--", breaks: ['charset', 'last-character', 'double-hyphen'] },
  { id: 'saas/tenant/acme', breaks: ['charset'] },
  { id: undefined, breaks: ['type'] },
  { id: null, breaks: ['type'] },
  { id: 42, breaks: ['type'] },
  { id: ['acme'], breaks: ['type'] },
  { id: { tenantId: 'acme' }, breaks: ['type'] },
];

describe('tenant id corpus', () => {
  it('has at least 40 ids, valid and invalid, and exercises every rule', () => {
    // Act
    const exercised = new Set(INVALID.flatMap((c) => c.breaks));

    // Assess
    expect(VALID.length + INVALID.length).toBeGreaterThanOrEqual(40);
    expect([...exercised].sort()).toEqual([...TENANT_ID_RULES.map((r) => r.id), 'type'].sort());
  });

  it.each(VALID)('accepts %j', (id) => {
    // Act
    const violations = tenantIdViolations(id);

    // Assess
    expect(violations).toEqual([]);
    expect(assertTenantId(id)).toBe(id);
  });

  it.each(INVALID.map((c) => ({ ...c, label: JSON.stringify(c.id) ?? String(c.id) })))(
    'rejects $label: breaks $breaks',
    ({ id, breaks }) => {
      // Act
      const violations = tenantIdViolations(id).map((rule) => rule.id);

      // Assess
      expect(violations).toEqual(breaks);
    },
  );
});

/** What each rule says when it is broken, as operators read it. */
const RULE_TEXTS: Readonly<Record<string, string>> = {
  type: 'must be a string',
  length: 'must be 3-32 characters long',
  charset: 'may contain only lower-case letters a-z, digits 0-9 and hyphens',
  'first-character': 'must start with a lower-case letter',
  'last-character': 'must end with a letter or a digit',
  'double-hyphen': 'must not contain two consecutive hyphens',
};

describe('TENANT_ID_RULES', () => {
  it('lists each rule with its text, in the order they are reported', () => {
    // Act
    const rules = TENANT_ID_RULES.map((rule) => [rule.id, rule.description]);

    // Assess
    expect(rules).toEqual(
      ['length', 'charset', 'first-character', 'last-character', 'double-hyphen'].map((id) => [id, RULE_TEXTS[id]]),
    );
  });
});

describe('assertTenantId', () => {
  it.each(INVALID)(
    'throws a ValidationError on field tenantId naming the first broken rule for %j',
    ({ id, breaks }) => {
      // Prepare
      const first = RULE_TEXTS[breaks[0] ?? ''];

      // Act
      const act = () => assertTenantId(id);

      // Assess
      expect(first).toBeDefined();
      expect(act).toThrow(ValidationError);
      expect(act).toThrow(expect.objectContaining({ field: 'tenantId', rule: first }));
    },
  );

  it.each([
    [undefined, 'must be a string'],
    [42, 'must be a string'],
    ['ab', 'must be 3-32 characters long'],
  ])('says why %j is refused', (id, text) => {
    // Act
    const violations = tenantIdViolations(id);

    // Assess
    expect(violations.map((rule) => rule.description)).toEqual([text]);
    expect(violations.every((rule) => rule.test('acme') === (rule.id !== 'type'))).toBe(true);
  });

  it('names the field it was given and quotes the value', () => {
    // Act
    const act = () => assertTenantId('Acme', 'input.tenantId');

    // Assess
    expect(act).toThrow('input.tenantId: may contain only lower-case letters a-z, digits 0-9 and hyphens (got "Acme")');
  });
});

describe('tenant ids as AWS names', () => {
  // RDS DBInstanceIdentifier: 1-63 letters, digits, hyphens; first a letter; no trailing or double hyphen.
  const RDS_IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,62}$/;

  it.each(VALID)('%j makes a valid RDS instance identifier', (id) => {
    // Act
    const identifier = instanceIdentifier(id);

    // Assess
    expect(identifier).toMatch(RDS_IDENTIFIER);
  });
});
