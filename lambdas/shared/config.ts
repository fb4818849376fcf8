import { ConfigurationError } from './errors';
import { type TierCatalog, validateCatalog } from './tiers';

/**
 * The runtime contract between the stacks and the handlers: every environment variable a handler reads is declared
 * once, with its name, how its text becomes a value, and its default. The stack sets variables through
 * {@link setting} and the handler reads them through {@link readEnv}, both from the same declaration, so neither side
 * can spell a name or a rule differently. Declarations that need a step's own constants live beside them (the poll
 * budget in `wait-for-instance/options.ts`, the migrations folder in `schema/bundling.ts`, ...).
 */
export interface EnvVar<T> {
  readonly name: string;
  /**
   * The value of the raw text (`undefined` when unset or empty), or a {@link ConfigurationError} naming the variable
   * and its rule, raised before any AWS call.
   */
  parse(raw: string | undefined): T;
}

/** Reads `variable` from the environment. */
export function readEnv<T>(variable: EnvVar<T>, env: NodeJS.ProcessEnv = process.env): T {
  const raw = env[variable.name];
  return variable.parse(raw === '' ? undefined : raw);
}

/** One environment entry as the stack sets it: numbers are written as decimal text. */
export function setting<T extends string | number>(
  variable: EnvVar<T> | EnvVar<T | undefined>,
  value: T,
): readonly [string, string] {
  return [variable.name, String(value)];
}

/** A text that must be set. */
export function requiredText(name: string): EnvVar<string> {
  return {
    name,
    parse: (raw) => {
      if (raw === undefined) throw new ConfigurationError(`environment variable ${name} is not set`);
      return raw;
    },
  };
}

/** A text that may be unset. */
function optionalText(name: string): EnvVar<string | undefined> {
  return { name, parse: (raw) => raw };
}

/** A text with a default. */
export function textWithDefault(name: string, fallback: string): EnvVar<string> {
  return { name, parse: (raw) => raw ?? fallback };
}

/** A whole number (of `unit`, when given) from `min` to `max`, `fallback` when unset. */
export function wholeNumber(
  name: string,
  rule: { min: number; max?: number; fallback: number; unit?: string },
): EnvVar<number> {
  const range = rule.max === undefined ? `at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
  const kind = rule.unit ? `a whole number of ${rule.unit}` : 'a whole number';
  return {
    name,
    parse: (raw) => {
      if (raw === undefined) return rule.fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < rule.min || (rule.max !== undefined && value > rule.max)) {
        throw new ConfigurationError(`${name} must be ${kind} ${range} (got ${JSON.stringify(raw)})`);
      }
      return value;
    },
  };
}

/**
 * Rollback passes before a tenant is declared ROLLBACK_FAILED: 120 passes 30 s apart wait about an hour. The stack
 * sizes the execution timeout from it.
 */
export const DEFAULT_ROLLBACK_MAX_PASSES = 120;

/** The variables several handlers read. */
export const RUNTIME_ENV = {
  registryTable: requiredText('REGISTRY_TABLE_NAME'),
  kmsKeyArn: requiredText('PLATFORM_KMS_KEY_ARN'),
  dbSubnetGroup: requiredText('DB_SUBNET_GROUP_NAME'),
  dbSecurityGroupId: requiredText('DB_SECURITY_GROUP_ID'),
  /** DB parameter group name by family (`postgres17` → name), as JSON. */
  parameterGroups: requiredText('DB_PARAMETER_GROUPS'),
  monitoringRoleArn: requiredText('MONITORING_ROLE_ARN'),
  alertTopicArn: requiredText('ALERT_TOPIC_ARN'),
  eventBusName: requiredText('OUTCOME_EVENT_BUS_NAME'),
  /** Application secret name pattern; unset means the platform default. */
  secretNamePattern: optionalText('SECRET_NAME_PATTERN'),
  backupRegion: optionalText('BACKUP_REPLICATION_REGION'),
  backupKmsKeyArn: optionalText('BACKUP_REPLICATION_KMS_KEY_ARN'),
  rollbackMaxPasses: wholeNumber('ROLLBACK_MAX_PASSES', { min: 1, fallback: DEFAULT_ROLLBACK_MAX_PASSES }),
} as const;

/**
 * The tier catalog the deployment was synthesized with. The stack inlines it into the validate handler's bundle as
 * `process.env.TIER_CATALOG` (an esbuild define: the catalog can outgrow Lambda's 4 KB environment limit); tests set
 * the variable.
 */
export const TIER_CATALOG = requiredText('TIER_CATALOG');

/** The validated tier catalog of {@link TIER_CATALOG}. */
export function loadTierCatalog(): TierCatalog {
  // A literal `process.env.TIER_CATALOG`: the esbuild define replaces exactly this expression in the bundle.
  const raw = process.env.TIER_CATALOG;
  return validateCatalog(JSON.parse(TIER_CATALOG.parse(raw === '' ? undefined : raw)) as TierCatalog);
}

/** Parameter group name by family (`postgres17` → name), from {@link RUNTIME_ENV.parameterGroups}. */
export function parameterGroupFor(family: string): string {
  const variable = RUNTIME_ENV.parameterGroups;
  const groups = JSON.parse(readEnv(variable)) as Record<string, string>;
  const name = groups[family];
  if (!name) throw new ConfigurationError(`no DB parameter group for family ${family} in ${variable.name}`);
  return name;
}
