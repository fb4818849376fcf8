import type { CliContext } from '../context';
import { loadDeploymentSettings } from '../deployment';
import { EXIT, type ExitCode } from '../exit-codes';
import { assertRegion } from '../options';
import { writeJson } from '../output';
import { buildPlan, renderPlan } from '../plan';

export interface PlanOptions {
  readonly tier?: string;
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

/** `tenantctl plan <tenant> --tier <tier>`: offline; validates and shows what onboarding creates and costs. */
export async function planCommand(tenantId: string, options: PlanOptions, ctx: CliContext): Promise<ExitCode> {
  const settings = await loadDeploymentSettings(options.cdkJson, options.cdkJsonExplicit);
  const region = pricingRegion(options.region, ctx.env);
  const plan = buildPlan(tenantId, options.tier, region, settings, ctx.now?.() ?? new Date());
  if (options.json) writeJson(ctx, plan);
  else ctx.out(renderPlan(plan));
  return EXIT.ok;
}
