/**
 * `tenantctl rotation enable (--tenant <id> | --all) [--dry-run]`: gives the application secret of ACTIVE tenants the
 * rotation provisioning gives new ones (the platform's rotation function, every `appSecretRotationDays` of the
 * tenant's tier in the catalog of `--cdk-json`), for tenants onboarded before rotation existed or after a tier's
 * schedule changed. Idempotent: a secret already rotating that way is left alone, so the command can be run again
 * after a partial run. It works through the tenants one at a time, retries throttling with backoff, reports every
 * tenant, and never reads a secret value.
 *
 * @module
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { enableSecretRotation } from '../../../lambdas/shared/enable-secret-rotation';
import { awsErrorName, ConfigurationError, TenantConflictError, ValidationError } from '../../../lambdas/shared/errors';
import { getTenant } from '../../../lambdas/shared/registry';
import type { ReportedRotation, RotationAction } from '../../../lambdas/shared/secret-rotation';
import { assertTenantId } from '../../../lambdas/shared/tenant-id';
import { type AwsOptions, awsClients, awsSettings, type CliContext, targetsFor, writeJson } from '../context';
import { type DeploymentSettings, loadDeploymentSettings } from '../deployment';
import { EXIT, type ExitCode } from '../exit-codes';
import { listTenants } from '../registry';
import { retryThrottled } from '../retry';

export interface RotationEnableOptions extends AwsOptions {
  readonly tenant?: string;
  readonly all?: boolean;
  readonly dryRun?: boolean;
  readonly cdkJson: string;
  readonly cdkJsonExplicit: boolean;
}

/** What the command did (or, with `--dry-run`, would do) for one tenant. */
export interface TenantRotationReport {
  readonly tenantId: string;
  readonly tier: string;
  readonly secretArn?: string;
  /** `failed`: the tenant did not get its schedule; `reason` says why. */
  readonly result: RotationAction | 'failed';
  /** Days between rotations on the tenant's tier. */
  readonly days?: number;
  /** The rotation the secret had before (absent when it could not be read). */
  readonly previous?: ReportedRotation;
  readonly reason?: string;
}

interface Run {
  readonly secretsManager: SecretsManagerClient;
  readonly functionArn: string;
  readonly settings: DeploymentSettings;
  readonly dryRun: boolean;
  readonly ctx: CliContext;
}

async function rotationOf(record: TenantRecord, run: Run): Promise<TenantRotationReport> {
  const base = { tenantId: record.tenantId, tier: record.tier, secretArn: record.secretArn };
  const tier = Object.hasOwn(run.settings.catalog, record.tier) ? run.settings.catalog[record.tier] : undefined;
  if (!tier) {
    return {
      ...base,
      result: 'failed',
      reason: `tier ${record.tier} is not in the tier catalog of ${run.settings.source}; pass the --cdk-json the deployment was synthesized from`,
    };
  }
  const days = tier.appSecretRotationDays;
  const secretArn = record.secretArn;
  if (!secretArn) return { ...base, result: 'failed', days, reason: 'the registry record names no application secret' };
  try {
    const { action, previous } = await retryThrottled(
      () =>
        enableSecretRotation(
          run.secretsManager,
          secretArn,
          { functionArn: run.functionArn, days },
          { dryRun: run.dryRun },
        ),
      run.ctx.sleep,
    );
    return { ...base, result: action, days, previous };
  } catch (error) {
    return {
      ...base,
      result: 'failed',
      days,
      reason: `${awsErrorName(error) ?? 'Error'}: ${(error as Error).message}`,
    };
  } finally {
    // Each tenant is an answer from AWS: the deadline bounds one tenant, not the whole backfill.
    run.ctx.restartDeadline?.();
  }
}

/** The tenants to work through: the one named (which must be ACTIVE), or every ACTIVE tenant by id. */
async function selectedTenants(
  options: RotationEnableOptions,
  id: string | undefined,
  registry: Parameters<typeof getTenant>[0],
  table: string,
): Promise<TenantRecord[]> {
  if (id === undefined) {
    const active = await listTenants(registry, table, 'ACTIVE');
    return active.sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  }
  const record = await getTenant(registry, table, id);
  if (!record) throw new ValidationError('--tenant', `is not in the registry table ${table}`, options.tenant);
  if (record.status !== 'ACTIVE') {
    throw new TenantConflictError(
      `tenant ${id} is ${record.status}: rotation is turned on for ACTIVE tenants (provisioning turns it on itself)`,
    );
  }
  return [record];
}

const VERBS: Readonly<Record<TenantRotationReport['result'], readonly [done: string, dryRun: string]>> = {
  enabled: ['enabled', 'would enable'],
  updated: ['updated', 'would update'],
  unchanged: ['unchanged', 'unchanged'],
  failed: ['failed', 'failed'],
};

function was(previous: ReportedRotation | undefined, functionArn: string): string {
  if (!previous) return '';
  if (!previous.enabled) return ' (was off)';
  const other = previous.functionArn === functionArn ? '' : ` with ${previous.functionArn ?? 'another function'}`;
  return ` (was every ${previous.days ?? '?'} days${other})`;
}

/** The report as text: one line per tenant, then the counts. */
export function renderRotationReport(
  reports: readonly TenantRotationReport[],
  facts: { readonly functionArn: string; readonly source: string; readonly dryRun: boolean },
): string {
  const verb = (r: TenantRotationReport) => VERBS[r.result][facts.dryRun ? 1 : 0];
  const idWidth = Math.max(0, ...reports.map((r) => r.tenantId.length));
  const tierWidth = Math.max(0, ...reports.map((r) => r.tier.length));
  const lines = reports.map((r) => {
    const detail =
      r.result === 'failed'
        ? (r.reason ?? '')
        : `every ${r.days} days${r.result === 'unchanged' ? '' : was(r.previous, facts.functionArn)}`;
    return `  ${r.tenantId.padEnd(idWidth)}  ${r.tier.padEnd(tierWidth)}  ${verb(r).padEnd(12)}  ${detail}`;
  });
  const counts = (Object.keys(VERBS) as TenantRotationReport['result'][])
    .map((result) => [result, reports.filter((r) => r.result === result).length] as const)
    .filter(([, count]) => count > 0)
    .map(([result, count]) => `${count} ${VERBS[result][facts.dryRun ? 1 : 0]}`);
  return [
    `Application secret rotation with ${facts.functionArn}, schedules from ${facts.source}${facts.dryRun ? ' (dry run: nothing changed)' : ''}`,
    ...(reports.length === 0 ? ['  no ACTIVE tenant'] : lines),
    `${reports.length} tenant${reports.length === 1 ? '' : 's'}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`,
    '',
  ].join('\n');
}

export async function rotationEnableCommand(options: RotationEnableOptions, ctx: CliContext): Promise<ExitCode> {
  if ((options.tenant === undefined) === (options.all !== true)) {
    throw new ValidationError('--tenant', 'name one tenant with --tenant <id>, or every ACTIVE tenant with --all');
  }
  const id = options.tenant === undefined ? undefined : assertTenantId(options.tenant, '--tenant');
  const settings = await loadDeploymentSettings(options.cdkJson, options.cdkJsonExplicit);
  const clients = await awsClients(options, ctx);
  if (!ctx.rotationClients) throw new ConfigurationError('tenantctl was started without rotation clients');
  const { secretsManager } = await ctx.rotationClients(awsSettings(options, ctx));
  const { registryTable, rotationFunctionArn } = await targetsFor(
    ['registryTable', 'rotationFunctionArn'],
    options,
    ctx,
    clients,
  );
  const tenants = await selectedTenants(options, id, clients.registry, registryTable);
  const run: Run = { secretsManager, functionArn: rotationFunctionArn, settings, dryRun: options.dryRun === true, ctx };
  const reports: TenantRotationReport[] = [];
  for (const record of tenants) reports.push(await rotationOf(record, run));
  if (options.json) {
    writeJson(ctx, {
      dryRun: run.dryRun,
      rotationFunctionArn,
      catalogSource: settings.source,
      tenants: reports,
    });
  } else {
    ctx.out(
      renderRotationReport(reports, { functionArn: rotationFunctionArn, source: settings.source, dryRun: run.dryRun }),
    );
  }
  return reports.some((r) => r.result === 'failed') ? EXIT.awsOrConfig : EXIT.ok;
}
