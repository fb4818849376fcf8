import { type CliContext, writeJson } from '../context';
import { loadDeploymentSettings } from '../deployment';
import { EXIT, type ExitCode } from '../exit-codes';
import { buildPlan, renderPlan } from '../plan';

export interface PlanOptions {
  readonly tier?: string;
  readonly region?: string;
  readonly cdkJson: string;
  readonly cdkJsonExplicit: boolean;
  readonly json?: boolean;
}

/** Region the estimate is priced in: the flag, else the AWS environment, else us-east-1. */
export function pricingRegion(flag: string | undefined, env: CliContext['env']): string {
  return flag ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** `tenantctl plan <tenant> --tier <tier>`: offline; validates and shows what onboarding creates and costs. */
export async function planCommand(tenantId: string, options: PlanOptions, ctx: CliContext): Promise<ExitCode> {
  const settings = await loadDeploymentSettings(options.cdkJson, options.cdkJsonExplicit);
  const plan = buildPlan(tenantId, options.tier, pricingRegion(options.region, ctx.env), settings);
  if (options.json) writeJson(ctx, plan);
  else ctx.out(renderPlan(plan));
  return EXIT.ok;
}
