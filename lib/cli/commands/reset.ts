/**
 * `tenantctl reset <tenant>`: after an operator removed what a failed rollback left behind, moves the tenant from
 * ROLLBACK_FAILED to FAILED so it can be onboarded again. It first asks AWS whether each recorded leftover is really
 * gone; if any is still there (or cannot be checked) it lists them and changes nothing. The registry write is the
 * status-conditional transition of the registry module: only while the record is still ROLLBACK_FAILED and still
 * names the same execution.
 *
 * @module
 */
import { ConfigurationError, TenantConflictError, ValidationError } from '../../../lambdas/shared/errors';
import { getTenant, transitionOwnedRecord } from '../../../lambdas/shared/registry';
import { assertTenantId } from '../../../lambdas/shared/tenant-id';
import { type AwsOptions, awsClients, awsSettings, type CliContext, targetsFor, writeJson } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { checkLeftovers, type LeftoverCheck } from '../leftovers';

const line = (check: LeftoverCheck): string =>
  `  ${check.state === 'gone' ? '✔ gone   ' : check.state === 'present' ? '✖ present' : '? unknown'}  ${check.label}${check.detail ? `  (${check.detail})` : ''}`;

export async function resetCommand(tenantId: string, options: AwsOptions, ctx: CliContext): Promise<ExitCode> {
  const id = assertTenantId(tenantId, 'tenant');
  const clients = await awsClients(options, ctx);
  if (!ctx.recoveryClients) throw new ConfigurationError('tenantctl was started without recovery clients');
  const recovery = await ctx.recoveryClients(awsSettings(options, ctx));
  const { registryTable } = await targetsFor(['registryTable'], options, ctx, clients);
  const record = await getTenant(clients.registry, registryTable, id);
  if (!record) throw new ValidationError('tenant', `is not in the registry table ${registryTable}`, id);
  if (record.status !== 'ROLLBACK_FAILED') {
    throw new TenantConflictError(
      `tenant ${id} is ${record.status}; reset only moves a ROLLBACK_FAILED tenant to FAILED`,
    );
  }
  const checks = await checkLeftovers(record.leftovers ?? [], { ...recovery, rds: clients.rds });
  const remaining = checks.filter((c) => c.state !== 'gone');
  const reset =
    remaining.length === 0 &&
    (await transitionOwnedRecord(clients.registry, registryTable, record, {
      from: ['ROLLBACK_FAILED'],
      set: { status: 'FAILED' },
      remove: ['leftovers'],
    }));
  if (remaining.length === 0 && !reset) {
    throw new TenantConflictError(
      `the registry record of ${id} changed while it was checked; run tenantctl reset ${id} again`,
    );
  }
  if (options.json) {
    writeJson(ctx, { tenantId: id, reset, status: reset ? 'FAILED' : 'ROLLBACK_FAILED', leftovers: checks });
  } else if (reset) {
    ctx.out(
      [
        `Every recorded leftover of ${id} is gone:`,
        ...checks.map(line),
        `Tenant ${id} is FAILED now. Onboard it again with: tenantctl onboard ${id} --tier ${record.tier}`,
        '',
      ].join('\n'),
    );
  } else {
    ctx.out(
      [
        `Tenant ${id} stays ROLLBACK_FAILED: ${remaining.length} of ${checks.length} recorded leftovers are still there or cannot be checked:`,
        ...checks.map(line),
        'Remove them (see "After ROLLBACK_FAILED" in the README), then run tenantctl reset again.',
        '',
      ].join('\n'),
    );
  }
  return reset ? EXIT.ok : EXIT.refused;
}
