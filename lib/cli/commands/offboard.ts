/**
 * `tenantctl offboard <tenant> --now | --at <date> | --in <duration> | --cancel`: start the offboarding workflow for
 * one tenant now (final snapshot confirmed available, then the instance, alarms and application secret deleted),
 * schedule it for later or cancel a scheduled one (see offboard-schedule.ts). Offboarding deletes the database, so
 * starting or scheduling it is confirmed first: by typing the tenant id on a terminal, or with `--yes` in a script;
 * without a terminal and without `--yes` it is refused before any AWS call.
 *
 * @module
 */
import { ValidationError } from '../../../lambdas/shared/errors';
import { assertTenantId } from '../../../lambdas/shared/tenant-id';
import { awsClients, type CliContext, targetsFor } from '../context';
import type { ExitCode } from '../exit-codes';
import { followOf, requestedByOf, runLifecycleOperation } from '../lifecycle-run';
import { type OffboardScheduleOptions, offboardScheduleAction } from './offboard-schedule';

/** Options of `offboard`. */
export interface OffboardOptions extends OffboardScheduleOptions {
  /** Offboard now. */
  readonly now?: boolean;
  /** Skip the typed confirmation (scripts). */
  readonly yes?: boolean;
  readonly wait?: boolean;
  readonly requestedBy?: string;
  readonly pollInterval?: string;
}

/** What `offboard` was asked to do. */
export type OffboardMode = { readonly kind: 'now' } | { readonly kind: 'schedule' } | { readonly kind: 'cancel' };

const MODE_FLAGS = '--now/--at/--in/--cancel';

/** The one place that decides the mode from the options: every mode flag is checked here, before anything else. */
export function offboardModeOf(options: Pick<OffboardOptions, 'now' | 'at' | 'in' | 'cancel'>): OffboardMode {
  const given = [
    options.now === true && 'now',
    (options.at !== undefined || options.in !== undefined) && 'schedule',
    options.cancel === true && 'cancel',
  ].filter((mode): mode is OffboardMode['kind'] => mode !== false);
  if (given.length === 0) {
    throw new ValidationError(
      MODE_FLAGS,
      'one is required: offboarding deletes the tenant database (after its final snapshot); say --now to do it now, --at or --in to schedule it, --cancel to cancel a scheduled one',
    );
  }
  if (given.length > 1 || (options.at !== undefined && options.in !== undefined)) {
    throw new ValidationError(MODE_FLAGS, 'give only one of them');
  }
  return { kind: given[0] as OffboardMode['kind'] };
}

/**
 * Asks the operator to type the tenant id, unless `--yes`; refuses (exit 2, naming `--yes`) when there is no
 * terminal to ask on.
 */
export async function confirmOffboarding(tenantId: string, yes: boolean, ctx: CliContext): Promise<void> {
  if (yes) return;
  if (!ctx.ask) {
    throw new ValidationError(
      '--yes',
      'is required without a terminal: offboarding deletes the tenant database after its final snapshot; nothing was sent to AWS',
    );
  }
  const typed = await ctx.ask(
    `Offboarding ${tenantId} takes a final snapshot, then deletes its database, alarms and application secret.\nType the tenant id to confirm: `,
  );
  if (typed.trim() !== tenantId) {
    throw new ValidationError(
      'confirmation',
      `must be the tenant id ${tenantId}; nothing was sent to AWS`,
      typed.trim(),
    );
  }
}

/** Offboards `tenant` after its confirmation. */
export async function offboardCommand(tenant: string, options: OffboardOptions, ctx: CliContext): Promise<ExitCode> {
  const tenantId = assertTenantId(tenant, 'tenant');
  const mode = offboardModeOf(options);
  const requestedBy = requestedByOf(options.requestedBy, ctx);
  if (mode.kind === 'cancel') return offboardScheduleAction(tenantId, { ...options, requestedBy }, ctx);
  await confirmOffboarding(tenantId, options.yes === true, ctx);
  if (mode.kind === 'schedule') return offboardScheduleAction(tenantId, { ...options, requestedBy }, ctx);
  const clients = await awsClients(options, ctx);
  const { registryTable, offboardingStateMachineArn } = await targetsFor(
    ['registryTable', 'offboardingStateMachineArn'],
    options,
    ctx,
    clients,
  );
  return runLifecycleOperation(
    {
      operation: 'offboard',
      tenantId,
      stateMachineArn: offboardingStateMachineArn,
      registryTable,
      requestedBy,
      ...followOf(options),
    },
    clients,
    ctx,
  );
}
