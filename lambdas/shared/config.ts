import { ConfigurationError } from './errors';
import { type TierCatalog, validateCatalog } from './tiers';

/**
 * Environment variables the stacks set on the handlers. Each handler reads only what it needs, through
 * {@link requireEnv}, so a missing variable fails with its name instead of an `undefined` deep inside a request.
 */
export const ENV = {
  registryTable: 'REGISTRY_TABLE_NAME',
  kmsKeyArn: 'PLATFORM_KMS_KEY_ARN',
  dbSubnetGroup: 'DB_SUBNET_GROUP_NAME',
  dbSecurityGroupId: 'DB_SECURITY_GROUP_ID',
  parameterGroups: 'DB_PARAMETER_GROUPS',
  monitoringRoleArn: 'MONITORING_ROLE_ARN',
  alertTopicArn: 'ALERT_TOPIC_ARN',
  eventBusName: 'OUTCOME_EVENT_BUS_NAME',
  secretNamePattern: 'SECRET_NAME_PATTERN',
  backupRegion: 'BACKUP_REPLICATION_REGION',
  backupKmsKeyArn: 'BACKUP_REPLICATION_KMS_KEY_ARN',
  tierCatalog: 'TIER_CATALOG',
  pollBudgetSeconds: 'POLL_BUDGET_SECONDS',
  rollbackMaxPasses: 'ROLLBACK_MAX_PASSES',
  tenantLogRetentionDays: 'TENANT_LOG_RETENTION_DAYS',
} as const;

/**
 * Rollback passes before a tenant is declared ROLLBACK_FAILED (`ROLLBACK_MAX_PASSES` overrides it): 120 passes 30 s
 * apart wait about an hour. The stack sizes the execution timeout from it.
 */
export const DEFAULT_ROLLBACK_MAX_PASSES = 120;

/** The value of environment variable `name`, or a {@link ConfigurationError} naming it. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ConfigurationError(`environment variable ${name} is not set`);
  return value;
}

/** The value of environment variable `name`, or `fallback`. */
export function optionalEnv(name: string, fallback?: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

/**
 * The tier catalog the deployment was synthesized with. The stack inlines it into the validate handler's bundle as
 * `process.env.TIER_CATALOG` (an esbuild define: the catalog can outgrow Lambda's 4 KB environment limit); tests set
 * the variable.
 */
export function loadTierCatalog(): TierCatalog {
  const raw = process.env.TIER_CATALOG;
  if (!raw) throw new ConfigurationError(`${ENV.tierCatalog} is not set`);
  return validateCatalog(JSON.parse(raw) as TierCatalog);
}

/** Parameter group name by family (`postgres17` → name), from `DB_PARAMETER_GROUPS` JSON. */
export function parameterGroupFor(family: string): string {
  const groups = JSON.parse(requireEnv(ENV.parameterGroups)) as Record<string, string>;
  const name = groups[family];
  if (!name) throw new ConfigurationError(`no DB parameter group for family ${family} in ${ENV.parameterGroups}`);
  return name;
}
