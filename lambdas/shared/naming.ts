/**
 * Deterministic names and ownership tags. Every step finds its own earlier work by these names, and rollback
 * deletes a resource only when its tags say this execution created it.
 *
 * @module
 */
import { ValidationError } from './errors';

/** Tag keys every tenant resource carries. */
export const TAG_KEYS = {
  tenantId: 'tenant-db:tenant-id',
  tier: 'tenant-db:tier',
  executionArn: 'tenant-db:execution-arn',
  managedBy: 'tenant-db:managed-by',
} as const;

/** Value of the `managed-by` tag; IAM conditions on destructive actions match it. */
export const MANAGED_BY = 'tenant-db-platform';

/** Prefix of every tenant DB instance identifier; IAM limits destructive RDS actions to it. */
export const INSTANCE_ID_PREFIX = 'tenant-';
/**
 * Prefix of every per-tenant alarm name; IAM limits PutMetricAlarm and DeleteAlarms to it. Distinct from the
 * platform's own alarms (named after the `<platformName>-workflow` stack), which the tenant steps must not touch.
 */
export const ALARM_NAME_PREFIX = 'tenant-alarm-';
/** Default application secret name; `{tenantId}` is replaced. */
export const DEFAULT_SECRET_NAME_PATTERN = 'saas/tenant/{tenantId}/app';

/** Database created in every tenant instance, and the two logins. */
export const DATABASE_NAME = 'tenant';
export const MASTER_USERNAME = 'tenant_admin';
export const APP_USERNAME = 'tenant_app';
export const POSTGRES_PORT = 5432;

export interface Tag {
  Key: string;
  Value: string;
}

/** RDS DB instance identifier of a tenant: `tenant-<tenantId>` (the tenant id rules keep it valid). */
export function instanceIdentifier(tenantId: string): string {
  return `${INSTANCE_ID_PREFIX}${tenantId}`;
}

const SECRET_NAME_CHARS = /^[A-Za-z0-9/_+=.@-]+$/;

/**
 * What may follow the last `{tenantId}` without letting a tenant id end the name in a hyphen plus six characters:
 * tenant ids contain hyphens (`acme-prod01`), so `{tenantId}` followed by nothing, or by at most five letters and
 * digits, can (`…/acme-prod01`, `…/acme-p` + `abcde`). Six or more, or any other character, cannot.
 */
const UNSAFE_SUFFIX_AFTER_TENANT_ID = /\{tenantId\}[A-Za-z0-9]{0,5}$/;

/**
 * Checks a secret name pattern from context: must contain `{tenantId}`, and after substitution use only the
 * characters Secrets Manager allows, within 512 characters, and not end in a hyphen plus six characters (which
 * Secrets Manager confuses with its ARN suffix), whatever the tenant id.
 *
 * @example
 * ```ts
 * assertSecretNamePattern('saas/tenant/{tenantId}/app'); // ok
 * assertSecretNamePattern('saas/tenant/{tenantId}');     // throws: acme-prod01 would end it in "-prod01"
 * ```
 */
export function assertSecretNamePattern(pattern: string, field = 'secretNamePattern'): string {
  if (!pattern.includes('{tenantId}')) throw new ValidationError(field, 'must contain {tenantId}', pattern);
  const sample = pattern.replaceAll('{tenantId}', 'x'.repeat(32));
  if (!SECRET_NAME_CHARS.test(sample) || sample.length > 512) {
    throw new ValidationError(field, 'may use only A-Z a-z 0-9 / _ + = . @ - and at most 512 characters', pattern);
  }
  if (/-[A-Za-z0-9]{6}$/.test(sample)) {
    throw new ValidationError(field, 'must not end with a hyphen followed by six characters', pattern);
  }
  if (UNSAFE_SUFFIX_AFTER_TENANT_ID.test(pattern)) {
    throw new ValidationError(
      field,
      'must not end with {tenantId} (alone or followed by up to five letters or digits): a tenant id such as acme-prod01 would end the name with a hyphen followed by six characters',
      pattern,
    );
  }
  return pattern;
}

/** The tenant's application credentials secret name. */
export function appSecretName(tenantId: string, pattern = DEFAULT_SECRET_NAME_PATTERN): string {
  return pattern.replaceAll('{tenantId}', tenantId);
}

/**
 * The application secret's name of a request: the one fixed when it was validated, or, for requests validated before
 * names were recorded, the name `pattern` gives.
 */
export function secretNameOf(request: { tenantId: string; secretName?: string }, pattern?: string): string {
  return request.secretName ?? appSecretName(request.tenantId, pattern);
}

/** Keys of the per-tenant alarms, in the order they are created. */
export const ALARM_KEYS = [
  'cpu-utilization',
  'free-storage',
  'freeable-memory',
  'database-connections',
  'read-latency',
  'write-latency',
] as const;
export type AlarmKey = (typeof ALARM_KEYS)[number];

/** CloudWatch alarm name of one per-tenant alarm. */
export function alarmName(tenantId: string, key: AlarmKey): string {
  return `${ALARM_NAME_PREFIX}${tenantId}-${key}`;
}

/** All alarm names of a tenant. */
export function alarmNames(tenantId: string): string[] {
  return ALARM_KEYS.map((key) => alarmName(tenantId, key));
}

/** Step Functions execution name for an onboarding attempt: idempotent for the same tenant, tier and attempt. */
export function executionName(tenantId: string, tier: string, attempt: number): string {
  return `${tenantId}-${tier}-${attempt}`;
}

export interface OwnerContext {
  tenantId: string;
  tier: string;
  executionArn: string;
}

/** Tags that tie a resource to the tenant, tier and execution that created it. */
export function ownershipTags(owner: OwnerContext): Tag[] {
  return [
    { Key: TAG_KEYS.tenantId, Value: owner.tenantId },
    { Key: TAG_KEYS.tier, Value: owner.tier },
    { Key: TAG_KEYS.executionArn, Value: owner.executionArn },
    { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
  ];
}

/** Value of tag `key`, or undefined. Accepts the shapes of RDS, Secrets Manager and CloudWatch tag lists. */
export function tagValue(
  tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined,
  key: string,
): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** True when the tags say the resource was created by `executionArn` for `tenantId`. */
export function isOwnedBy(
  tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined,
  owner: Pick<OwnerContext, 'tenantId' | 'executionArn'>,
): boolean {
  return (
    tagValue(tags, TAG_KEYS.managedBy) === MANAGED_BY &&
    tagValue(tags, TAG_KEYS.tenantId) === owner.tenantId &&
    tagValue(tags, TAG_KEYS.executionArn) === owner.executionArn
  );
}
