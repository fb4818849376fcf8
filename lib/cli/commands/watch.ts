import { ValidationError } from '../../../lambdas/shared/errors';
import { instanceIdentifier } from '../../../lambdas/shared/naming';
import { getTenant } from '../../../lambdas/shared/registry';
import { assertTenantId } from '../../../lambdas/shared/tenant-id';
import { type AwsOptions, awsClients, type CliContext, targetsFor, writeJson } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { followToEnd } from '../following';
import { renderResult } from '../outcome';
import { pollIntervalMs } from './onboard';

export interface WatchOptions extends AwsOptions {
  /** Seconds between two polls. */
  readonly pollInterval: string;
}

const nameOf = (executionArn: string): string => executionArn.slice(executionArn.lastIndexOf(':') + 1);

/**
 * `tenantctl watch <tenant>`: follows the operation that holds the tenant, or the last one, to its end; for one
 * that has already ended it prints how it ended at once. Read-only: it can never start or change anything, so it
 * is safe to run whatever state the tenant is in, as often as anyone likes.
 *
 * Exit code: 0 when the tenant ends ACTIVE, 1 when the operation failed.
 */
export async function watchCommand(tenantId: string, options: WatchOptions, ctx: CliContext): Promise<ExitCode> {
  const id = assertTenantId(tenantId, 'tenant');
  const pollMs = pollIntervalMs(options.pollInterval);
  const clients = await awsClients(options, ctx);
  const { registryTable } = await targetsFor(['registryTable'], options, ctx, clients);
  const record = await getTenant(clients.registry, registryTable, id);
  if (!record) throw new ValidationError('tenant', `is not in the registry table ${registryTable}`, id);
  if (!options.json) {
    const live = record.status === 'PROVISIONING';
    ctx.out(
      live
        ? `Watching the onboarding of ${id} on tier ${record.tier}: execution ${nameOf(record.executionArn)} (Ctrl-C stops watching, not the onboarding)\n`
        : `The last operation on ${id} (execution ${nameOf(record.executionArn)}) has ended; the tenant is ${record.status}:\n`,
    );
  }
  const result = await followToEnd(
    {
      clients,
      registryTable,
      tenantId: id,
      tier: record.tier,
      executionArn: record.executionArn,
      // The registry records the instance once it exists; until then, the name the provisioning workflow gives it.
      instanceId: record.instanceId ?? instanceIdentifier(id),
      pollIntervalMs: pollMs,
      quiet: options.json === true,
      color: ctx.color !== false,
      terminal: ctx.isTTY ? process.stdout : undefined,
    },
    ctx,
  );
  if (options.json) writeJson(ctx, result);
  else ctx.out(renderResult(result));
  return result.exitCode === EXIT.ok ? EXIT.ok : result.exitCode;
}
