import { ValidationError } from '../../../lambdas/shared/errors';
import type { AwsOptions, CliContext } from '../context';
import { loadDeploymentSettings } from '../deployment';
import { EXIT, type ExitCode } from '../exit-codes';
import { assertRegion } from '../options';
import { writeJson } from '../output';
import { buildPlan, renderPlan } from '../plan';
import type { RestoreSource } from '../restore-source';
import { DEFAULT_STACK_NAME } from '../targets';
import { buildTierChangePlan, renderTierChangePlan } from '../tier-change-plan';

export interface PlanOptions extends Partial<Omit<AwsOptions, 'region' | 'json'>> {
  /** Never read the registry, even with credentials configured. */
  readonly offline?: boolean;
  readonly tier?: string;
  /** The tier the tenant is on: plans a tier change instead of an onboarding. */
  readonly from?: string;
  /** With `from`: `now` or `maintenance-window`. */
  readonly when?: string;
  readonly region?: string;
  readonly cdkJson: string;
  readonly cdkJsonExplicit: boolean;
  readonly json?: boolean;
}

/**
 * Region the estimate is priced in: the flag, else the AWS environment, else us-east-1. A malformed value is bad
 * input naming where it came from; a well-formed Region the price table lacks is planned and left unpriced.
 */
export function pricingRegion(flag: string | undefined, env: CliContext['env']): string {
  if (flag !== undefined) return assertRegion(flag, '--region');
  if (env.AWS_REGION) return assertRegion(env.AWS_REGION, 'AWS_REGION');
  if (env.AWS_DEFAULT_REGION) return assertRegion(env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION');
  return 'us-east-1';
}

/** Where the AWS SDK finds credentials without a network call; only then does `plan` read the registry. */
const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];

/** True when credentials are configured (a `--profile`, or one of {@link CREDENTIAL_VARIABLES}). Pure. */
export function credentialsConfigured(options: Pick<PlanOptions, 'profile' | 'offline'>, env: CliContext['env']) {
  if (options.offline) return false;
  return options.profile !== undefined || CREDENTIAL_VARIABLES.some((name) => Boolean(env[name]));
}

/**
 * The final snapshot onboarding would restore, read from the registry when credentials are configured (the SDK is
 * loaded only then). Any failure to read is reported on stderr and the plan is that of a new tenant, as offline.
 */
async function restoreFromRegistry(
  tenantId: string,
  options: PlanOptions,
  ctx: CliContext,
): Promise<RestoreSource | undefined> {
  // The local platform needs no credentials: its registry is read whenever --local is given.
  const local = ctx.local !== undefined && !options.offline;
  if (!local && !credentialsConfigured(options, ctx.env)) return undefined;
  try {
    // A chunk of its own in the bundle, loaded only here: the offline plan never parses the AWS SDK (see lazy.ts
    // for why TypeScript flags a dynamic import in this module format).
    // @ts-expect-error TS2835
    const { readRestoreSource }: typeof import('../plan-registry') = await import('../plan-registry');
    return await readRestoreSource(
      tenantId,
      { ...options, stack: options.stack ?? DEFAULT_STACK_NAME, region: options.region },
      ctx,
    );
  } catch (error) {
    ctx.err(`Registry not read (${(error as Error).message}); planned as a new tenant.\n`);
    return undefined;
  }
}

/**
 * `tenantctl plan <tenant> --tier <tier> [--from <tier> [--when <when>]]`: offline. Without `--from`, validates and
 * shows what onboarding creates and costs; with it, what moving the tenant from one tier to the other changes. With
 * credentials configured it also reads the tenant's registry record: an offboarded tenant's plan says which snapshot
 * onboarding restores.
 */
export async function planCommand(tenantId: string, options: PlanOptions, ctx: CliContext): Promise<ExitCode> {
  if (options.when !== undefined && options.from === undefined) {
    throw new ValidationError('--when', 'applies to a tier change: pass --from <tier> too', options.when);
  }
  const settings = await loadDeploymentSettings(options.cdkJson, options.cdkJsonExplicit);
  const region = pricingRegion(options.region, ctx.env);
  const now = ctx.now?.() ?? new Date();
  if (options.from !== undefined) {
    const change = buildTierChangePlan(tenantId, options.from, options.tier, options.when, region, settings, now);
    if (options.json) writeJson(ctx, change);
    else ctx.out(renderTierChangePlan(change));
    return EXIT.ok;
  }
  const offlinePlan = buildPlan(tenantId, options.tier, region, settings, now);
  const restore = await restoreFromRegistry(offlinePlan.tenantId, options, ctx);
  const plan = restore ? { ...offlinePlan, restore } : offlinePlan;
  if (options.json) writeJson(ctx, plan);
  else ctx.out(renderPlan(plan));
  return EXIT.ok;
}
