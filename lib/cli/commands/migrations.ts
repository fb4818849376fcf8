/**
 * `tenantctl migrations status | plan | rollout`: the fleet's schema versions, the waves a rollout would take, and
 * starting (and following) a schema rollout. See docs/schema-changes.md.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ConfigurationError, ValidationError } from '../../../lambdas/shared/errors';
import { tenantsInStatus } from '../../../lambdas/shared/registry';
import { getRollout } from '../../../lambdas/shared/registry-rollout';
import { rolloutOptions } from '../../../lambdas/shared/rollout/options';
import { ROLLOUT_DEFAULTS } from '../../../lambdas/shared/rollout/settings';
import { parseTolerance } from '../../../lambdas/shared/rollout/tolerance';
import { shippedMigrations } from '../../../lambdas/shared/schema/runner';
import { type AwsOptions, awsClients, type CliContext, targetsFor, writeJson } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import {
  offlinePlan,
  parseTenantList,
  type RolloutFlags,
  renderPlan,
  renderRollout,
  renderVersionReport,
  rolloutRequestOf,
  versionReport,
} from '../migrations';
import { assertSeconds } from '../options';

/** Where a checkout of the platform keeps its migrations, from its root (tenantctl runs there). */
const CHECKOUT_MIGRATIONS = join('lambdas', 'shared', 'schema', 'migrations');

/** The migration a command compares against: `--target`, else the last one in this checkout's migrations. */
function targetOf(given: string | undefined): string {
  if (given !== undefined) {
    if (!/^[0-9]{17}_[A-Za-z0-9_-]+$/.test(given)) {
      throw new ValidationError('--target', 'must be a migration name such as 20261201000000000_project-labels', given);
    }
    return given;
  }
  let latest: string | undefined;
  try {
    latest = shippedMigrations(join(process.cwd(), CHECKOUT_MIGRATIONS)).at(-1);
  } catch {
    latest = undefined;
  }
  if (!latest) throw new ConfigurationError('no migrations folder here to take the target from; pass --target');
  return latest;
}

export interface StatusOptions extends AwsOptions {
  readonly target?: string;
}

/** `migrations status`: ACTIVE tenants by version, who is behind, failures and drift, and the last rollout. */
export async function migrationsStatusCommand(options: StatusOptions, ctx: CliContext): Promise<ExitCode> {
  const clients = await awsClients(options, ctx);
  const { registryTable, rolloutTable } = await targetsFor(['registryTable', 'rolloutTable'], options, ctx, clients);
  const rollout = await getRollout(clients.registry, rolloutTable);
  const target = options.target !== undefined ? targetOf(options.target) : (rollout?.target ?? targetOf(undefined));
  const report = versionReport(await tenantsInStatus(clients.registry, registryTable, 'ACTIVE'), target);
  if (options.json) writeJson(ctx, { ...report, ...(rollout ? { rollout } : {}) });
  else ctx.out(`${renderVersionReport(report, rollout)}\n`);
  return EXIT.ok;
}

export interface PlanOptions extends AwsOptions, RolloutFlags {
  /** A JSON tenant list: plan offline, without AWS. */
  readonly tenants?: string;
  readonly target?: string;
}

/** `migrations plan`: the waves a rollout would take, offline from `--tenants <file>` or from the registry. */
export async function migrationsPlanCommand(options: PlanOptions, ctx: CliContext): Promise<ExitCode> {
  const request = rolloutRequestOf(options, ctx.username());
  const rolloutDefaults = {
    maxConcurrency: ROLLOUT_DEFAULTS.maxConcurrency,
    tolerance: parseTolerance(ROLLOUT_DEFAULTS.tolerance),
    canarySize: ROLLOUT_DEFAULTS.canarySize,
  };
  const target = targetOf(options.target);
  let tenants: ReturnType<typeof parseTenantList>;
  if (options.tenants !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.tenants, 'utf8');
    } catch (error) {
      throw new ValidationError(
        '--tenants',
        `cannot read ${options.tenants} (${(error as NodeJS.ErrnoException).code})`,
      );
    }
    tenants = parseTenantList(text, options.tenants);
  } else {
    const clients = await awsClients(options, ctx);
    const { registryTable } = await targetsFor(['registryTable'], options, ctx, clients);
    tenants = await tenantsInStatus(clients.registry, registryTable, 'ACTIVE');
  }
  const plan = offlinePlan(tenants, target, rolloutOptions(request, rolloutDefaults));
  if (options.json) writeJson(ctx, plan);
  else ctx.out(`${renderPlan(plan)}\n`);
  return EXIT.ok;
}

export interface RolloutCommandOptions extends AwsOptions, RolloutFlags {
  readonly wait?: boolean;
  readonly poll: string;
}

/** Exit code and summary of an ended rollout execution. */
function endOf(status: string, error: string | undefined): ExitCode {
  if (status === 'SUCCEEDED') return EXIT.ok;
  if (error === 'RolloutConflictError') return EXIT.refused;
  if (error === 'ValidationError') return EXIT.badInput;
  return EXIT.provisioningFailed;
}

/**
 * `migrations rollout`: starts the rollout workflow with the options given (the deployment's defaults for the
 * rest); with `--wait`, follows it wave by wave until it ends. Exit 0 when it completed, 1 when it halted or failed,
 * 4 when another rollout was running, 2 on bad options.
 */
export async function migrationsRolloutCommand(options: RolloutCommandOptions, ctx: CliContext): Promise<ExitCode> {
  const request = rolloutRequestOf(options, ctx.username());
  const pollMs = assertSeconds(options.poll, '--poll') * 1000;
  const clients = await awsClients(options, ctx);
  const targets = await targetsFor(['rolloutStateMachineArn', 'rolloutTable'], options, ctx, clients);
  const name = `rollout-${(ctx.now?.() ?? new Date()).toISOString().replaceAll(/[:.]/g, '-')}`;
  const { executionArn } = await clients.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: targets.rolloutStateMachineArn,
      name,
      input: JSON.stringify(request),
    }),
  );
  if (!options.wait) {
    if (options.json) writeJson(ctx, { executionArn, rolloutId: name });
    else ctx.out(`started schema rollout ${name}\n  ${executionArn}\n`);
    return EXIT.ok;
  }
  if (!options.json) ctx.out(`started schema rollout ${name}\n`);
  let shown = -1;
  for (;;) {
    const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const record = await getRollout(clients.registry, targets.rolloutTable);
    const ours = record?.rolloutId === name ? record : undefined;
    if (ours && !options.json) {
      for (const wave of Object.values(ours.waves).sort((a, b) => a.index - b.index)) {
        if (wave.index <= shown) continue;
        ctx.out(
          `  wave ${wave.index} ${wave.name}: ${wave.size - wave.failed}/${wave.size} migrated, ${wave.failed} failed\n`,
        );
        shown = wave.index;
      }
    }
    if (execution.status !== 'RUNNING') {
      const code = endOf(execution.status ?? 'FAILED', execution.error);
      if (options.json)
        writeJson(ctx, {
          executionArn,
          rolloutId: name,
          status: execution.status,
          error: execution.error,
          cause: execution.cause,
          rollout: ours,
        });
      else {
        ctx.out(`${ours ? renderRollout(ours) : `rollout ${name}: ${execution.status}`}\n`);
        if (execution.status !== 'SUCCEEDED') ctx.out(`  ${execution.error ?? ''}: ${execution.cause ?? ''}\n`);
      }
      return code;
    }
    await ctx.sleep(pollMs);
  }
}
