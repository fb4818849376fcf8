import { ValidationError } from '../../../lambdas/shared/errors';
import type { CliContext } from '../context';
import { loadDeploymentSettings } from '../deployment';
import { EXIT, type ExitCode } from '../exit-codes';
import { assertRegion } from '../options';
import { writeJson } from '../output';
import { buildPlan, renderPlan } from '../plan';
import { buildTierChangePlan, renderTierChangePlan } from '../tier-change-plan';

export interface PlanOptions {
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

/**
 * `tenantctl plan <tenant> --tier <tier> [--from <tier> [--when <when>]]`: offline. Without `--from`, validates and
 * shows what onboarding creates and costs; with it, what moving the tenant from one tier to the other changes.
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
  const plan = buildPlan(tenantId, options.tier, region, settings, now);
  if (options.json) writeJson(ctx, plan);
  else ctx.out(renderPlan(plan));
  return EXIT.ok;
}
