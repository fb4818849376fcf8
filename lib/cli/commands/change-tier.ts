/**
 * `tenantctl change-tier <tenant> --to <tier> [--when now|maintenance-window] [--wait] [--yes]`: shows the plan of
 * moving a live tenant to another tier (what the application notices, what RDS cannot do in place, the monthly cost
 * delta), asks for confirmation when the change causes an outage, then starts the tier change workflow. The checks the
 * workflow's first step makes (tier in the catalog, not the tier it is on, tenant not busy) are made here first.
 *
 * @module
 */
import { TenantConflictError, ValidationError } from '../../../lambdas/shared/errors';
import { decideTake } from '../../../lambdas/shared/lifecycle/operations';
import { getTenant } from '../../../lambdas/shared/registry';
import { assertTenantId } from '../../../lambdas/shared/tenant-id';
import { tierFromCatalog } from '../../../lambdas/shared/tiers';
import { type AwsOptions, awsClients, type CliContext, targetsFor, writeJson } from '../context';
import { loadDeploymentSettings } from '../deployment';
import { EXIT, type ExitCode } from '../exit-codes';
import { lifecycleExecutionName, startLifecycleExecution } from '../lifecycle-run';
import { assertSeconds } from '../options';
import { buildTierChangePlan, renderTierChangePlan } from '../tier-change-plan';
import { pricingRegion } from './plan';

/** Options of `change-tier`. */
export interface ChangeTierOptions extends AwsOptions {
  readonly to?: string;
  readonly when?: string;
  readonly wait?: boolean;
  readonly yes?: boolean;
  readonly requestedBy?: string;
  readonly pollInterval?: string;
  readonly cdkJson: string;
  readonly cdkJsonExplicit: boolean;
}

/** Plans, confirms and starts (with `--wait`, follows) a tier change of `tenant`. */
export async function changeTierCommand(
  tenant: string,
  options: ChangeTierOptions,
  ctx: CliContext,
): Promise<ExitCode> {
  const tenantId = assertTenantId(tenant, 'tenant');
  const pollMs = assertSeconds(options.pollInterval ?? '5', '--poll-interval') * 1000;
  const requestedBy = options.requestedBy ?? ctx.username();
  if (requestedBy.length < 1 || requestedBy.length > 128) {
    throw new ValidationError('--requested-by', 'must be 1-128 characters', requestedBy);
  }
  // Without a terminal nobody can confirm an outage: refuse before any AWS call rather than after the plan.
  if (!options.yes && !ctx.ask) {
    throw new ValidationError(
      '--yes',
      'is required when standard input is not a terminal (nobody can confirm the change)',
    );
  }
  const settings = await loadDeploymentSettings(options.cdkJson, options.cdkJsonExplicit);
  try {
    tierFromCatalog(settings.catalog, options.to);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError('--to', error.rule, options.to);
    throw error;
  }
  const to = options.to as string;
  const clients = await awsClients(options, ctx);
  const { registryTable, tierChangeStateMachineArn } = await targetsFor(
    ['registryTable', 'tierChangeStateMachineArn'],
    options,
    ctx,
    clients,
  );
  const record = await getTenant(clients.registry, registryTable, tenantId);
  if (!record) throw new ValidationError('tenant', `is not in the registry table ${registryTable}`, tenantId);
  const decision = decideTake(record, 'change-tier', '(tenantctl)');
  if (decision.action === 'refuse') throw new TenantConflictError(decision.reason);
  if (record.tier === to) throw new ValidationError('--to', `tenant ${tenantId} is already on tier ${to}`, to);
  const when = options.when ?? settings.catalog[to]?.tierChangeTiming ?? 'now';
  const now = ctx.now?.() ?? new Date();
  const plan = buildTierChangePlan(
    tenantId,
    record.tier,
    to,
    when,
    pricingRegion(options.region, ctx.env),
    settings,
    now,
  );
  if (!options.json) ctx.out(renderTierChangePlan(plan));
  const outage = plan.changes.filter((c) => c.disruption !== 'none');
  if (outage.length > 0 && !options.yes) {
    const kinds = [...new Set(outage.map((c) => c.disruption))].join(', ');
    const answer = await (ctx.ask as (q: string) => Promise<string>)(
      `The application will notice this change (${kinds}). Change tenant ${tenantId} to ${to}? [y/N] `,
    );
    const confirmed = /^(y|yes)$/i.test(answer.trim());
    if (!confirmed) {
      if (options.json) writeJson(ctx, { tenantId, operation: 'change-tier', action: 'cancelled', plan });
      else ctx.out('Cancelled: nothing was changed.\n');
      return EXIT.refused;
    }
  }
  return startLifecycleExecution(
    clients,
    {
      stateMachineArn: tierChangeStateMachineArn,
      registryTable,
      name: lifecycleExecutionName(tenantId, 'change-tier', now),
      tenantId,
      operation: 'change-tier',
      input: { tenantId, operation: 'change-tier', to, when: plan.when, requestedBy },
      wait: options.wait === true,
      json: options.json === true,
      pollMs,
      report: { plan },
    },
    ctx,
  );
}
