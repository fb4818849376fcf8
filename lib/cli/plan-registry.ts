/**
 * The registry read of `tenantctl plan`, loaded only when credentials are configured (see lazy.ts): the plan of an
 * offboarded tenant says which snapshot onboarding restores.
 *
 * @module
 */
import { getTenant } from '../../lambdas/shared/registry';
import { type AwsOptions, awsClients, type CliContext, targetsFor } from './context';
import { type RestoreSource, restoreSourceOf } from './restore-source';

/** The final snapshot onboarding `tenantId` would restore, from its registry record; undefined for a new tenant. */
export async function readRestoreSource(
  tenantId: string,
  options: AwsOptions,
  ctx: CliContext,
): Promise<RestoreSource | undefined> {
  const clients = await awsClients(options, ctx);
  const { registryTable } = await targetsFor(['registryTable'], options, ctx, clients);
  return restoreSourceOf(await getTenant(clients.registry, registryTable, tenantId));
}
