import { ValidationError } from './errors';

/**
 * Tenant id rules. A tenant id becomes part of many AWS names, so it satisfies the strictest of them:
 *
 * - RDS DB instance identifier `tenant-<id>`: 1–63 characters, letters, digits and hyphens, starts with a letter,
 *   no trailing hyphen, no two consecutive hyphens; RDS stores it lower-case, so upper case would collide.
 * - Step Functions execution name `<id>-<tier>-<attempt>`: at most 80 characters of `[0-9A-Za-z_-]`.
 * - Secrets Manager name `saas/tenant/<id>/app`: at most 512 characters of `[A-Za-z0-9/_+=.@-]`.
 * - CloudWatch alarm names, tag values, DynamoDB keys, PostgreSQL-friendly lower case.
 *
 * Hence: 3–32 characters, lower-case letters, digits and single hyphens, starting with a letter and ending with a
 * letter or digit.
 */
const TENANT_ID_MIN_LENGTH = 3;
export const TENANT_ID_MAX_LENGTH = 32;

/** One rule a tenant id must satisfy; rules are data so the CLI, the validator and the docs share them. */
export interface TenantIdRule {
  readonly id: string;
  readonly description: string;
  readonly test: (value: string) => boolean;
}

export const TENANT_ID_RULES: readonly TenantIdRule[] = [
  {
    id: 'length',
    description: `must be ${TENANT_ID_MIN_LENGTH}-${TENANT_ID_MAX_LENGTH} characters long`,
    test: (v) => v.length >= TENANT_ID_MIN_LENGTH && v.length <= TENANT_ID_MAX_LENGTH,
  },
  {
    id: 'charset',
    description: 'may contain only lower-case letters a-z, digits 0-9 and hyphens',
    test: (v) => /^[a-z0-9-]*$/.test(v),
  },
  { id: 'first-character', description: 'must start with a lower-case letter', test: (v) => /^[a-z]/.test(v) },
  { id: 'last-character', description: 'must end with a letter or a digit', test: (v) => /[a-z0-9]$/.test(v) },
  { id: 'double-hyphen', description: 'must not contain two consecutive hyphens', test: (v) => !v.includes('--') },
];

/** The rules `value` breaks (empty when valid). Non-strings break the `type` rule only. */
export function tenantIdViolations(value: unknown): TenantIdRule[] {
  if (typeof value !== 'string') {
    return [{ id: 'type', description: 'must be a string', test: () => false }];
  }
  return TENANT_ID_RULES.filter((rule) => !rule.test(value));
}

/**
 * Returns `value` as a tenant id, or throws a {@link ValidationError} naming the field and the first broken rule.
 *
 * @example
 * ```ts
 * assertTenantId('acme-corp');           // 'acme-corp'
 * assertTenantId('Acme');                // throws "tenantId: may contain only lower-case letters ..."
 * ```
 */
export function assertTenantId(value: unknown, field = 'tenantId'): string {
  const [broken] = tenantIdViolations(value);
  if (broken) throw new ValidationError(field, broken.description, value);
  return value as string;
}
