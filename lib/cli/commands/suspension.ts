/**
 * `tenantctl suspend <tenant>` and `tenantctl resume <tenant>`: start the suspension workflow for one tenant (see
 * lifecycle-run.ts: refused here when the tenant is busy, unknown or in the wrong status). `--wait` follows the
 * execution to its end.
 *
 * @module
 */
import { assertTenantId } from '../../../lambdas/shared/tenant-id';
import { type AwsOptions, awsClients, type CliContext, targetsFor } from '../context';
import type { ExitCode } from '../exit-codes';
import { followOf, lifecycleExecutionName, requestedByOf, runLifecycleOperation } from '../lifecycle-run';

/** Options of `suspend` and `resume`. */
export interface SuspensionOptions extends AwsOptions {
  readonly wait?: boolean;
  readonly requestedBy?: string;
  readonly pollInterval?: string;
}

/** The execution name of a suspend or resume (see {@link lifecycleExecutionName}). */
export const suspensionExecutionName = lifecycleExecutionName;

/** Starts (and with `--wait` follows) a suspend or resume of `tenant`. */
export async function suspensionCommand(
  operation: 'suspend' | 'resume',
  tenant: string,
  options: SuspensionOptions,
  ctx: CliContext,
): Promise<ExitCode> {
  const tenantId = assertTenantId(tenant, 'tenant');
  const requestedBy = requestedByOf(options.requestedBy, ctx);
  const clients = await awsClients(options, ctx);
  const { registryTable, suspensionStateMachineArn } = await targetsFor(
    ['registryTable', 'suspensionStateMachineArn'],
    options,
    ctx,
    clients,
  );
  return runLifecycleOperation(
    {
      operation,
      tenantId,
      stateMachineArn: suspensionStateMachineArn,
      registryTable,
      requestedBy,
      ...followOf(options),
    },
    clients,
    ctx,
  );
}
