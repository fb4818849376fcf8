import { ValidationError } from '../../../lambdas/shared/errors';
import { getTenant } from '../../../lambdas/shared/registry';
import { assertTenantId } from '../../../lambdas/shared/tenant-id';
import { type AwsOptions, awsClients, type CliContext, targetsFor, writeJson } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { applyListFilter, assertTenantStatus, parseLimit, parseSince } from '../list-filter';
import { listTenants } from '../registry';
import { publicRecord, renderRecord, renderTable } from '../render';

/** `tenantctl status <tenant>`: the tenant's registry record. An unknown tenant is bad input (exit 2). */
export async function statusCommand(tenantId: string, options: AwsOptions, ctx: CliContext): Promise<ExitCode> {
  const id = assertTenantId(tenantId, 'tenant');
  const clients = await awsClients(options, ctx);
  const { registryTable } = await targetsFor(['registryTable'], options, ctx, clients);
  const record = await getTenant(clients.registry, registryTable, id);
  if (!record) throw new ValidationError('tenant', `is not in the registry table ${registryTable}`, id);
  if (options.json) writeJson(ctx, publicRecord(record));
  else ctx.out(renderRecord(record));
  return EXIT.ok;
}

export interface ListOptions extends AwsOptions {
  readonly status?: string;
  readonly tier?: string;
  readonly since?: string;
  readonly limit?: string;
}

/** `tenantctl list [--status <s>] [--tier <t>] [--since <when>] [--limit <n>]`: registry records as a table. */
export async function listCommand(options: ListOptions, ctx: CliContext): Promise<ExitCode> {
  const status = options.status === undefined ? undefined : assertTenantStatus(options.status);
  const filter = {
    tier: options.tier,
    since: options.since === undefined ? undefined : parseSince(options.since, ctx.now?.() ?? new Date()),
    limit: options.limit === undefined ? undefined : parseLimit(options.limit),
  };
  const clients = await awsClients(options, ctx);
  const { registryTable } = await targetsFor(['registryTable'], options, ctx, clients);
  const records = applyListFilter(await listTenants(clients.registry, registryTable, status), filter);
  if (options.json) writeJson(ctx, records.map(publicRecord));
  else ctx.out(renderTable(records));
  return EXIT.ok;
}
