import { readFileSync } from 'node:fs';
import type { Environment } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { DEFAULT_ROLLBACK_MAX_PASSES } from '../lambdas/shared/config';
import { ValidationError } from '../lambdas/shared/errors';
import { assertSecretNamePattern, DEFAULT_SECRET_NAME_PATTERN } from '../lambdas/shared/naming';
import { MAX_MAP_CONCURRENCY } from '../lambdas/shared/rollout/options';
import { ROLLOUT_DEFAULTS } from '../lambdas/shared/rollout/settings';
import { parseTolerance } from '../lambdas/shared/rollout/tolerance';
import { resolveCatalog, type TierCatalog } from '../lambdas/shared/tiers';
import { contextSource, type PlatformContextKey, unknownContextKeys, unknownKeyRule } from './context-keys';
import { ROLLBACK_WAIT_SECONDS } from './workflow/provisioning/definition';

/**
 * Interface VPC endpoints the platform knows how to create, keyed by the name used in the `vpcInterfaceEndpoints`
 * context key. Only the functions that connect to tenant databases (the migration Lambda and the rotation function of
 * the application secrets) run in the VPC, so only what they call needs an endpoint; see
 * `lib/foundation/endpoints.ts` for the reason behind each entry.
 */
const INTERFACE_ENDPOINT_NAMES = [
  'secretsmanager',
  'kms',
  'rds',
  'monitoring',
  'logs',
  'sts',
  'states',
  'events',
  'sns',
  'xray',
] as const;
export type InterfaceEndpointName = (typeof INTERFACE_ENDPOINT_NAMES)[number];

/** Everything the stacks read from `cdk.json` context, validated and with defaults filled in. */
export interface PlatformConfig {
  /**
   * Prefix of stack names and of the names of platform resources (subnet group, parameter groups, alias).
   * 1–20 lower-case letters, digits and single hyphens, starting with a letter.
   * @default 'tenant-db'
   */
  readonly platformName: string;
  /**
   * An existing VPC to place tenant databases in, instead of creating one. It is read with `ec2.Vpc.fromLookup`,
   * which needs the target account and Region (`CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`, set by the CDK CLI
   * from your AWS profile) and credentials at synth time; the result is cached in `cdk.context.json`.
   * @default - the foundation stack creates a VPC with isolated subnets only
   */
  readonly vpcId?: string;
  /**
   * Availability Zones of the created VPC (ignored with `vpcId`). At least 2: RDS DB subnet groups and Multi-AZ
   * tiers need two.
   * @default 2
   */
  readonly maxAzs: number;
  /**
   * Security group of the SaaS application, admitted to tenant databases on TCP 5432.
   * @default - only the migration Lambda reaches the databases
   */
  readonly applicationSecurityGroupId?: string;
  /**
   * E-mail address subscribed to the platform alert topic (the address has to confirm the subscription).
   * @default - no subscription; subscribe on-call tooling to the topic yourself
   */
  readonly alertEmail?: string;
  /**
   * The tier catalog: the built-in tiers merged with the `tiers` context overrides, validated.
   * @default DEFAULT_TIERS
   */
  readonly tierCatalog: TierCatalog;
  /**
   * Name pattern of each tenant's application secret; must contain `{tenantId}`.
   * @default DEFAULT_SECRET_NAME_PATTERN ('saas/tenant/{tenantId}/app')
   */
  readonly secretNamePattern: string;
  /**
   * Region that receives replicated automated backups of tiers with `backup.crossRegionReplication`.
   * @default 'us-west-2'
   */
  readonly backupReplicationRegion: string;
  /**
   * KMS key in `backupReplicationRegion` that encrypts replicated backups.
   * @default - the AWS managed key `aws/rds` of the backup Region
   */
  readonly backupReplicationKmsKeyArn?: string;
  /**
   * Name of an existing event bus that carries billing events. Outcome events always go to the platform's own bus.
   * @default - the workflow stack creates a dedicated bus
   */
  readonly billingEventBusName?: string;
  /**
   * Retention of every platform log group (flow logs, Lambda logs, state machine logs).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention: logs.RetentionDays;
  /**
   * Overall timeout of one provisioning execution, in minutes. Longer than every tier's provisioning budget plus
   * an hour for the steps after the instance is available and for rollback.
   * @default 300
   */
  readonly provisioningTimeoutMinutes: number;
  /**
   * Interface VPC endpoints created in the VPC, with private DNS. With `vpcId`, leave out services the VPC already
   * has private-DNS endpoints for (a second one fails to deploy).
   * @default ['secretsmanager']
   */
  readonly vpcInterfaceEndpoints: readonly InterfaceEndpointName[];
  /**
   * Schema rollouts: defaults of `tenantctl migrations rollout` (see docs/schema-changes.md for sizing).
   * @default - the defaults of each field
   */
  readonly schemaRollout?: SchemaRolloutConfig;
}

/** The knobs of schema rollouts; a rollout request may override the first three. */
export interface SchemaRolloutConfig {
  /**
   * Tenants migrated at once in a wave (the Distributed Map's MaxConcurrency): each holds one database connection
   * and one Lambda execution.
   * @default 50
   */
  readonly maxConcurrency: number;
  /**
   * Failed tenants a wave tolerates before the rollout halts: a count (`"3"`) or a percentage (`"5%"`). The canary
   * tolerates none.
   * @default "0"
   */
  readonly tolerance: string;
  /** Tenants in the canary wave when the request names none. @default 5 */
  readonly canarySize: number;
  /** Timeout of a rollout execution, also how long a crashed rollout's lock lasts. @default 12 */
  readonly timeoutHours: number;
}

/**
 * A context value that breaks a rule. The message names the context key, the rule and the value received:
 * `cdk.json context "maxAzs": must be a whole number from 2 to 6 (got 1)`.
 */
export class PlatformConfigError extends Error {
  public override readonly name = 'PlatformConfigError';
  constructor(
    public readonly key: string,
    public readonly rule: string,
    received: unknown,
    options?: ErrorOptions & {
      /** Leave the value out of the message when the rule already quotes it (tier violations do, line by line). */
      readonly quotesValue?: boolean;
    },
  ) {
    super(
      `cdk.json context "${key}": ${rule}${options?.quotesValue ? '' : ` (got ${JSON.stringify(received)})`}`,
      options,
    );
  }
}

/**
 * One row of the table of context keys in docs/configuration.md, which `npm run docs:config` renders from
 * {@link PLATFORM_CONTEXT_KEYS}.
 */
export interface ContextKeyDoc {
  readonly key: PlatformContextKey;
  /** The JSON type `cdk.json` gives the value, in words: `string`, `integer`, `list of strings`, ... */
  readonly type: string;
  readonly default: string;
  readonly description: string;
}

const DEFAULTS = {
  platformName: 'tenant-db',
  maxAzs: 2,
  backupReplicationRegion: 'us-west-2',
  logRetentionDays: logs.RetentionDays.ONE_YEAR,
  provisioningTimeoutMinutes: 300,
  vpcInterfaceEndpoints: ['secretsmanager'] as readonly InterfaceEndpointName[],
} as const;

/**
 * Minutes added to the slowest tier's budget, so an execution that fails late still finishes its rollback and records
 * the failure before the execution timeout: the steps after `available` with their retries (15 minutes), a full
 * rollback (every pass, each a wait plus up to 5 s of work), and RecordFailure (5 minutes).
 */
const POST_PROVISIONING_MARGIN_MINUTES =
  15 + Math.ceil((DEFAULT_ROLLBACK_MAX_PASSES * (ROLLBACK_WAIT_SECONDS + 5)) / 60) + 5;
/** A provisioning execution still running after a day is stuck, not slow. */
const MAX_PROVISIONING_TIMEOUT_MINUTES = 24 * 60;

/**
 * Context keys, their type, default and meaning, in the order docs/configuration.md lists them: the one source of
 * that table (`npm run docs:config` rewrites it; a test fails when the committed table differs).
 */
export const PLATFORM_CONTEXT_KEYS: readonly ContextKeyDoc[] = [
  {
    key: 'platformName',
    type: 'string',
    default: `"${DEFAULTS.platformName}"`,
    description:
      'Prefix of stack names (`<platformName>-foundation`, `<platformName>-workflow`) and platform resource names. 1–20 lower-case letters, digits and single hyphens, starting with a letter.',
  },
  {
    key: 'vpcId',
    type: 'string',
    default: '(none: a VPC is created)',
    description:
      'Existing VPC for tenant databases (`vpc-...`), read with `Vpc.fromLookup`: needs `CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION` and credentials at synth. Its isolated subnets are used, else its private ones.',
  },
  {
    key: 'maxAzs',
    type: 'integer',
    default: String(DEFAULTS.maxAzs),
    description:
      'Availability Zones of the created VPC: the first `maxAzs` of the Region, 2 to 6 (the most any Region has; ignored with `vpcId`).',
  },
  {
    key: 'applicationSecurityGroupId',
    type: 'string',
    default: '(none)',
    description:
      'Security group of the SaaS application (`sg-...`), admitted to tenant databases on TCP 5432 besides the migration Lambda.',
  },
  {
    key: 'alertEmail',
    type: 'string',
    default: '(none)',
    description: 'E-mail address subscribed to the platform alert topic.',
  },
  {
    key: 'tiers',
    type: 'object: tier name → tier fields or `null`',
    default: '{}',
    description:
      'Tier overrides merged into the built-in catalog field by field; new names add tiers, `null` removes one. Validated at synth against the RDS API rules.',
  },
  {
    key: 'secretNamePattern',
    type: 'string',
    default: `"${DEFAULT_SECRET_NAME_PATTERN}"`,
    description: 'Name of each tenant application secret; must contain `{tenantId}`.',
  },
  {
    key: 'backupReplicationRegion',
    type: 'string',
    default: `"${DEFAULTS.backupReplicationRegion}"`,
    description:
      'Region receiving replicated automated backups of tiers with `backup.crossRegionReplication`. Must differ from the deployment Region (a deploy-time rule enforces it).',
  },
  {
    key: 'backupReplicationKmsKeyArn',
    type: 'string',
    default: '(none: AWS-managed `aws/rds` key)',
    description:
      'KMS key ARN in `backupReplicationRegion` that encrypts replicated backups. Setting it is recommended in production.',
  },
  {
    key: 'billingEventBusName',
    type: 'string',
    default: '(none: the platform bus)',
    description: 'Existing EventBridge bus carrying billing events (outcome events always go to the platform bus).',
  },
  {
    key: 'logRetentionDays',
    type: 'integer',
    default: String(DEFAULTS.logRetentionDays),
    description: 'Retention of every platform log group, a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, …).',
  },
  {
    key: 'provisioningTimeoutMinutes',
    type: 'integer',
    default: String(DEFAULTS.provisioningTimeoutMinutes),
    description: `Timeout of one provisioning execution; must exceed every tier's \`provisioningBudgetMinutes\` + ${POST_PROVISIONING_MARGIN_MINUTES} (post-availability steps, a full rollback, recording the failure), at most ${MAX_PROVISIONING_TIMEOUT_MINUTES}.`,
  },
  {
    key: 'vpcInterfaceEndpoints',
    type: 'list of strings',
    default: JSON.stringify(DEFAULTS.vpcInterfaceEndpoints),
    description: `Interface VPC endpoints created with private DNS, from: ${INTERFACE_ENDPOINT_NAMES.join(', ')}. Must include secretsmanager (the only way of the migration and rotation functions to the tenant secrets). With \`vpcId\`, the VPC must not already have a private-DNS endpoint for a listed service, Secrets Manager included (a second one fails to deploy).`,
  },
  {
    key: 'schemaRolloutMaxConcurrency',
    type: 'integer',
    default: String(ROLLOUT_DEFAULTS.maxConcurrency),
    description: `Tenants a schema rollout migrates at once per wave (Distributed Map MaxConcurrency, 1–${MAX_MAP_CONCURRENCY}); each holds one database connection and one Lambda execution. See docs/schema-changes.md for sizing.`,
  },
  {
    key: 'schemaRolloutTolerance',
    type: 'string',
    default: `"${ROLLOUT_DEFAULTS.tolerance}"`,
    description:
      'Failed tenants a rollout wave tolerates before the rollout halts: a count ("3") or a percentage ("5%"). The canary wave tolerates none.',
  },
  {
    key: 'schemaRolloutCanarySize',
    type: 'integer',
    default: String(ROLLOUT_DEFAULTS.canarySize),
    description: 'Tenants in the canary wave of a schema rollout that names no canary tenants.',
  },
  {
    key: 'schemaRolloutTimeoutHours',
    type: 'integer',
    default: String(ROLLOUT_DEFAULTS.timeoutHours),
    description:
      'Timeout of a schema rollout execution (1–168); a crashed or stopped rollout keeps the rollout lock this long.',
  },
];

const PLATFORM_NAME = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,19}$/;
const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
// Deliberately simple: one @, no spaces, a dot in the domain. SNS sends a confirmation mail anyway.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]{0,2})?-[a-z]+-[0-9]{1,2}$/;
// Single-Region keys are UUIDs, multi-Region keys `mrk-` + 32 hex digits.
const KMS_KEY_ARN =
  /^arn:aws[a-z-]*:kms:([a-z0-9-]+):[0-9]{12}:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
// EventBridge `Name` of an event bus (PutEvents EventBusName): 1-256 characters of [/.\-_A-Za-z0-9].
const EVENT_BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const RETENTION_DAYS = new Set<number>(
  Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number'),
);

/** `cdk -c key=value` passes strings; accept "3" for 3 so the CLI and cdk.json behave the same. */
function asInteger(value: unknown): unknown {
  return typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
}

/** `cdk -c key='{...}'` passes JSON as a string. */
function asJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function requireMatch(key: string, value: unknown, pattern: RegExp, rule: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new PlatformConfigError(key, rule, value);
  return value;
}

function optionalMatch(key: string, value: unknown, pattern: RegExp, rule: string): string | undefined {
  return value === undefined ? undefined : requireMatch(key, value, pattern, rule);
}

function integerIn(key: string, raw: unknown, min: number, max: number): number {
  const value = asInteger(raw);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new PlatformConfigError(key, `must be a whole number from ${min} to ${max}`, raw);
  }
  return value;
}

function parseTiers(raw: unknown): TierCatalog {
  try {
    return resolveCatalog((asJson(raw) ?? {}) as Parameters<typeof resolveCatalog>[0]);
  } catch (error) {
    // The TierCatalogError message already names tier, field and rule, one violation per line.
    throw new PlatformConfigError('tiers', (error as Error).message, raw, { cause: error, quotesValue: true });
  }
}

function parseSecretNamePattern(raw: unknown): string {
  const key = 'secretNamePattern';
  if (raw === undefined) return DEFAULT_SECRET_NAME_PATTERN;
  if (typeof raw !== 'string') throw new PlatformConfigError(key, 'must be a string', raw);
  try {
    return assertSecretNamePattern(raw, key);
  } catch (error) {
    if (error instanceof ValidationError) throw new PlatformConfigError(key, error.rule, raw, { cause: error });
    throw error;
  }
}

function parseEndpoints(raw: unknown): readonly InterfaceEndpointName[] {
  const key = 'vpcInterfaceEndpoints';
  const value = asJson(raw);
  if (value === undefined) return DEFAULTS.vpcInterfaceEndpoints;
  const known = INTERFACE_ENDPOINT_NAMES as readonly unknown[];
  if (!Array.isArray(value) || !value.every((v) => known.includes(v)) || new Set(value).size !== value.length) {
    throw new PlatformConfigError(
      key,
      `must be a list of distinct names from ${INTERFACE_ENDPOINT_NAMES.join(', ')}`,
      raw,
    );
  }
  if (!value.includes('secretsmanager')) {
    throw new PlatformConfigError(
      key,
      'must include secretsmanager: the migration and rotation functions reach the tenant secrets through it and have no other way out of the isolated subnets',
      raw,
    );
  }
  return value as InterfaceEndpointName[];
}

function parseProvisioningTimeout(raw: unknown, catalog: TierCatalog): number {
  const key = 'provisioningTimeoutMinutes';
  const value = integerIn(key, raw ?? DEFAULTS.provisioningTimeoutMinutes, 1, MAX_PROVISIONING_TIMEOUT_MINUTES);
  const [slowestTier, slowest] = Object.entries(catalog).reduce<[string, number]>(
    (worst, [name, tier]) =>
      tier.provisioningBudgetMinutes > worst[1] ? [name, tier.provisioningBudgetMinutes] : worst,
    ['', 0],
  );
  if (value <= slowest + POST_PROVISIONING_MARGIN_MINUTES) {
    throw new PlatformConfigError(
      key,
      `must exceed every tier's provisioningBudgetMinutes + ${POST_PROVISIONING_MARGIN_MINUTES} (tier "${slowestTier}" has ${slowest}, so more than ${slowest + POST_PROVISIONING_MARGIN_MINUTES})`,
      raw,
    );
  }
  return value;
}

/**
 * Refuses context keys nobody reads (a typo would otherwise deploy the default silently), naming the key, the
 * closest known key and the file it came from.
 *
 * @throws {PlatformConfigError} on the first unknown key, listing any others
 */
function rejectUnknownKeys(context: Record<string, unknown>): void {
  const [first, ...others] = unknownContextKeys(context);
  if (!first) return;
  const source = contextSource(first.key, process.cwd(), (path) => readFileSync(path, 'utf8'));
  const more = others.length > 0 ? `; also unknown: ${others.map((o) => `${o.key}${o.suggestion}`).join(', ')}` : '';
  throw new PlatformConfigError(first.key, `${unknownKeyRule(first, source)}${more}`, context[first.key], {
    quotesValue: true,
  });
}

/**
 * Reads and validates the platform's `cdk.json` context. Every value is checked here, at synth time, so a bad
 * setting fails `cdk synth` with the key, the rule and the value instead of failing a deployment or an onboarding.
 *
 * @throws {PlatformConfigError} naming the context key and the rule it breaks, or an unknown key
 * @example
 * ```ts
 * const app = new App();
 * const config = loadPlatformConfig(app.node);
 * new FoundationStack(app, `${config.platformName}-foundation`, { config });
 * ```
 */
export function loadPlatformConfig(node: Node): PlatformConfig {
  const get = (key: string): unknown => node.tryGetContext(key);
  rejectUnknownKeys(node.getAllContext());

  const tierCatalog = parseTiers(get('tiers'));
  const backupReplicationRegion = requireMatch(
    'backupReplicationRegion',
    get('backupReplicationRegion') ?? DEFAULTS.backupReplicationRegion,
    REGION,
    'must be an AWS Region code such as us-west-2',
  );
  const backupReplicationKmsKeyArn = optionalMatch(
    'backupReplicationKmsKeyArn',
    get('backupReplicationKmsKeyArn'),
    KMS_KEY_ARN,
    'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>)',
  );
  const keyRegion = backupReplicationKmsKeyArn && KMS_KEY_ARN.exec(backupReplicationKmsKeyArn)?.[1];
  if (keyRegion && keyRegion !== backupReplicationRegion) {
    throw new PlatformConfigError(
      'backupReplicationKmsKeyArn',
      `must be a key in backupReplicationRegion ${backupReplicationRegion}`,
      backupReplicationKmsKeyArn,
    );
  }
  const retentionDays = asInteger(get('logRetentionDays') ?? DEFAULTS.logRetentionDays);
  if (typeof retentionDays !== 'number' || !RETENTION_DAYS.has(retentionDays)) {
    throw new PlatformConfigError(
      'logRetentionDays',
      `must be one of the retention periods CloudWatch Logs accepts: ${[...RETENTION_DAYS].join(', ')}`,
      get('logRetentionDays'),
    );
  }

  return {
    platformName: requireMatch(
      'platformName',
      get('platformName') ?? DEFAULTS.platformName,
      PLATFORM_NAME,
      'must be 1-20 lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen',
    ),
    vpcId: optionalMatch('vpcId', get('vpcId'), VPC_ID, 'must be a VPC id such as vpc-0123456789abcdef0'),
    maxAzs: integerIn('maxAzs', get('maxAzs') ?? DEFAULTS.maxAzs, 2, 6),
    applicationSecurityGroupId: optionalMatch(
      'applicationSecurityGroupId',
      get('applicationSecurityGroupId'),
      SECURITY_GROUP_ID,
      'must be a security group id such as sg-0123456789abcdef0',
    ),
    alertEmail: optionalMatch('alertEmail', get('alertEmail'), EMAIL, 'must be an e-mail address'),
    tierCatalog,
    secretNamePattern: parseSecretNamePattern(get('secretNamePattern')),
    backupReplicationRegion,
    backupReplicationKmsKeyArn,
    billingEventBusName: optionalMatch(
      'billingEventBusName',
      get('billingEventBusName'),
      EVENT_BUS_NAME,
      'must be an event bus name: 1-256 characters of letters, digits and . - _ /',
    ),
    logRetention: retentionDays as logs.RetentionDays,
    provisioningTimeoutMinutes: parseProvisioningTimeout(get('provisioningTimeoutMinutes'), tierCatalog),
    vpcInterfaceEndpoints: parseEndpoints(get('vpcInterfaceEndpoints')),
    schemaRollout: parseSchemaRollout(get),
  };
}

function parseSchemaRollout(get: (key: string) => unknown): SchemaRolloutConfig {
  const tolerance = get('schemaRolloutTolerance') ?? ROLLOUT_DEFAULTS.tolerance;
  try {
    parseTolerance(typeof tolerance === 'number' ? String(tolerance) : tolerance);
  } catch {
    throw new PlatformConfigError(
      'schemaRolloutTolerance',
      'must be a number of tenants ("3") or a percentage from 0% to 100% ("5%")',
      tolerance,
    );
  }
  return {
    maxConcurrency: integerIn(
      'schemaRolloutMaxConcurrency',
      get('schemaRolloutMaxConcurrency') ?? ROLLOUT_DEFAULTS.maxConcurrency,
      1,
      MAX_MAP_CONCURRENCY,
    ),
    tolerance: String(tolerance),
    canarySize: integerIn(
      'schemaRolloutCanarySize',
      get('schemaRolloutCanarySize') ?? ROLLOUT_DEFAULTS.canarySize,
      0,
      MAX_MAP_CONCURRENCY,
    ),
    timeoutHours: integerIn(
      'schemaRolloutTimeoutHours',
      get('schemaRolloutTimeoutHours') ?? ROLLOUT_DEFAULTS.timeoutHours,
      1,
      168,
    ),
  };
}

/**
 * The stack environment. Stacks stay environment-agnostic (synth needs no credentials) unless `vpcId` asks for a
 * VPC lookup, which needs a concrete account and Region.
 *
 * @param env - the process environment; the CDK CLI sets `CDK_DEFAULT_ACCOUNT` and `CDK_DEFAULT_REGION`
 * @throws {PlatformConfigError} on key `vpcId` when the account or Region is unknown
 */
export function stackEnvironment(
  config: PlatformConfig,
  env: NodeJS.ProcessEnv = process.env,
): Environment | undefined {
  if (config.vpcId === undefined) return undefined;
  const account = env.CDK_DEFAULT_ACCOUNT;
  const region = env.CDK_DEFAULT_REGION;
  if (!account || !region) {
    throw new PlatformConfigError(
      'vpcId',
      'an existing VPC is read with ec2.Vpc.fromLookup, which needs the target account and Region: run cdk with AWS credentials (it sets CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION) or set both variables',
      config.vpcId,
    );
  }
  return { account, region };
}
