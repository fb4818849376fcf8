import type { TierDefinition } from '../../../lambdas/shared/tiers';
import type { CliContext } from '../context';
import { loadDeploymentSettings } from '../deployment';
import { EXIT, type ExitCode } from '../exit-codes';
import { writeJson } from '../output';

export interface TiersOptions {
  readonly cdkJson: string;
  readonly cdkJsonExplicit: boolean;
  readonly json?: boolean;
}

/** One row per tier: what sales ops compare when choosing one. */
export function renderTiers(catalog: Readonly<Record<string, TierDefinition>>, source: string): string {
  const header = ['TIER', 'CLASS', 'MULTI-AZ', 'STORAGE', 'BACKUPS', 'BUDGET', 'ROTATION', 'DESCRIPTION'];
  const rows = Object.entries(catalog).map(([name, t]) => [
    name,
    t.instanceClass,
    t.multiAz ? 'yes' : 'no',
    `${t.storage.type} ${t.storage.allocatedGiB}-${t.storage.maxAllocatedGiB} GiB`,
    `${t.backup.retentionDays} d${t.backup.crossRegionReplication ? ' + copy' : ''}`,
    `${t.provisioningBudgetMinutes} min`,
    `${t.appSecretRotationDays} d`,
    t.description,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [`Tier catalog: ${source}`, '', line(header), ...rows.map(line), ''].join('\n');
}

/** `tenantctl tiers`: the tier catalog the deployment uses (offline: cdk.json, else the built-in catalog). */
export async function tiersCommand(options: TiersOptions, ctx: CliContext): Promise<ExitCode> {
  const settings = await loadDeploymentSettings(options.cdkJson, options.cdkJsonExplicit);
  if (options.json) writeJson(ctx, { source: settings.source, tiers: settings.catalog });
  else ctx.out(renderTiers(settings.catalog, settings.source));
  return EXIT.ok;
}
