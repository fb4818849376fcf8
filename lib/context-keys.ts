import { didYouMean } from '../lambdas/shared/tiers/did-you-mean';

/**
 * The `cdk.json` context keys the platform reads, and the check that refuses any other, so a typo (`maxAz`,
 * `alertEmails`) fails `cdk synth` and tenantctl instead of deploying the default silently. No aws-cdk-lib import:
 * tenantctl's bundle uses this module too. Each key's type, default and meaning are in `PLATFORM_CONTEXT_KEYS`
 * (lib/config.ts, next to the defaults and rules they describe), from which `npm run docs:config` renders the table of
 * docs/configuration.md; tests hold both lists to these names.
 */
export const PLATFORM_CONTEXT_KEY_NAMES = [
  'platformName',
  'vpcId',
  'maxAzs',
  'applicationSecurityGroupId',
  'alertEmail',
  'tiers',
  'secretNamePattern',
  'backupReplicationRegion',
  'backupReplicationKmsKeyArn',
  'billingEventBusName',
  'logRetentionDays',
  'provisioningTimeoutMinutes',
  'vpcInterfaceEndpoints',
  'schemaRolloutMaxConcurrency',
  'schemaRolloutTolerance',
  'schemaRolloutCanarySize',
  'schemaRolloutTimeoutHours',
] as const;
export type PlatformContextKey = (typeof PLATFORM_CONTEXT_KEY_NAMES)[number];

/**
 * Context keys the AWS CDK itself reads that have no colon. Its feature flags (`@aws-cdk/core:...`), internal keys
 * (`aws:cdk:...`) and cached lookups (`availability-zones:...`) all contain one.
 */
const CDK_CONTEXT_KEY_NAMES: readonly string[] = ['cli-telemetry', 'acknowledged-issue-numbers'];

/** Whether `key` belongs to the AWS CDK rather than to the platform. */
const isCdkContextKey = (key: string): boolean => key.includes(':') || CDK_CONTEXT_KEY_NAMES.includes(key);

/** One context key nobody reads. */
export interface UnknownContextKey {
  readonly key: string;
  /** ` (did you mean maxAzs?)` or ''. */
  readonly suggestion: string;
}

/** The keys of `context` that neither the platform nor the CDK reads, in their order. */
export function unknownContextKeys(context: Readonly<Record<string, unknown>>): UnknownContextKey[] {
  const known: readonly string[] = PLATFORM_CONTEXT_KEY_NAMES;
  return Object.keys(context)
    .filter((key) => !known.includes(key) && !isCdkContextKey(key))
    .map((key) => ({ key, suggestion: didYouMean(key, known) }));
}

/**
 * The rule an unknown key breaks, in words: `is not a context key of the platform (did you mean maxAzs?); found in
 * cdk.json; the platform reads: platformName, vpcId, ...`.
 */
export function unknownKeyRule(unknown: UnknownContextKey, source: string): string {
  return `is not a context key of the platform${unknown.suggestion}; found in ${source}; the platform reads: ${PLATFORM_CONTEXT_KEY_NAMES.join(', ')} (keys of the AWS CDK contain a colon)`;
}

/**
 * Where the CDK CLI took context key `key` from, as far as the files in `dir` tell: `cdk.json`, `cdk.context.json`,
 * else a `-c` option or `~/.cdk.json`.
 */
export function contextSource(key: string, dir: string, read: (path: string) => string): string {
  for (const [file, pick] of [
    ['cdk.json', (doc: { context?: Record<string, unknown> }) => doc.context],
    ['cdk.context.json', (doc: Record<string, unknown>) => doc],
  ] as const) {
    try {
      const context = pick(JSON.parse(read(`${dir}/${file}`)));
      if (context && Object.hasOwn(context, key)) return `${dir}/${file}`;
    } catch {
      // No such file, or not JSON: the CDK CLI would have refused it; look further.
    }
  }
  return 'a -c option or ~/.cdk.json';
}
