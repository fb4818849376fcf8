import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import { ValidationError } from '../../../lambdas/shared/errors';
import { executionName, instanceIdentifier } from '../../../lambdas/shared/naming';
import { getTenant } from '../../../lambdas/shared/registry';
import { validateRequest } from '../../../lambdas/validate-input/validate';
import { type AwsOptions, awsClients, type CliContext, targetsFor, writeJson } from '../context';
import { loadDeploymentSettings } from '../deployment';
import { EXIT, type ExitCode } from '../exit-codes';
import { followToEnd } from '../following';
import { decideOnboarding, isLiveExecution, onboardingRequest } from '../onboarding';
import { renderResult } from '../outcome';
import { describeRestore, type RestoreSource } from '../restore-source';
import { startOrJoin } from '../start';

export interface OnboardOptions extends AwsOptions {
  readonly tier?: string;
  readonly wait?: boolean;
  readonly requestedBy?: string;
  readonly cdkJson: string;
  readonly cdkJsonExplicit: boolean;
  /** Seconds between two polls of the execution history with --wait. */
  readonly pollInterval: string;
}

/** How the command got an execution to report on. */
export type OnboardAction = 'started' | 'already-started' | 'in-progress';

/** `--poll-interval` in milliseconds. */
export function pollIntervalMs(seconds: string): number {
  const value = Number(seconds);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ValidationError('--poll-interval', 'must be a positive number of seconds', seconds);
  }
  return Math.round(value * 1000);
}

interface Report {
  readonly action: OnboardAction;
  readonly executionArn: string;
  readonly status?: ExecutionStatus;
  readonly attempt?: number;
  readonly skipped: readonly string[];
  /** The final snapshot a started onboarding restores (an undelete). */
  readonly restore?: RestoreSource;
}

const nameOf = (executionArn: string): string => executionArn.slice(executionArn.lastIndexOf(':') + 1);

function announce(report: Report, tenantId: string, tier: string): string {
  const name = nameOf(report.executionArn);
  const lines = report.skipped.length
    ? [`Execution names ${report.skipped.join(', ')} are held by executions that ended without owning the tenant.`]
    : [];
  if (report.action === 'started') {
    lines.push(`Started onboarding of ${tenantId} on tier ${tier}: execution ${name} (attempt ${report.attempt})`);
    if (report.restore) lines.push(`Source: ${describeRestore(report.restore)}`);
  } else if (report.action === 'already-started' && isLiveExecution(report.status)) {
    lines.push(
      `Execution ${name} already exists (${report.status}): an earlier run started it, so no second one was started.`,
    );
  } else if (report.action === 'already-started') {
    lines.push(
      `Execution ${name} already exists and has ended (${report.status ?? 'status unknown'}); no new attempt was started.`,
    );
  } else {
    lines.push(`Tenant ${tenantId} is already being provisioned on tier ${tier} by execution ${name}.`);
  }
  return `${lines.join('\n')}\n`;
}

/** A run that could only join an execution that has already ended onboarded nothing: it exits non-zero. */
function joinedEndedExecution(report: Report): boolean {
  return report.action === 'already-started' && !isLiveExecution(report.status);
}

/**
 * `tenantctl onboard <tenant> --tier <tier> [--wait]`: validates locally exactly as the workflow's first step will,
 * reads the registry, then starts (or joins) the provisioning execution and, with --wait, follows it to the end.
 */
export async function onboardCommand(tenantId: string, options: OnboardOptions, ctx: CliContext): Promise<ExitCode> {
  const settings = await loadDeploymentSettings(options.cdkJson, options.cdkJsonExplicit);
  const pollMs = pollIntervalMs(options.pollInterval);
  const requestedBy = options.requestedBy ?? ctx.username();
  // The attempt is known only after the registry read; attempt 1 has the same shape for validation.
  const provisionalName = executionName(tenantId, String(options.tier), 1);
  const request = validateRequest(
    {
      input: onboardingRequest(tenantId, options.tier as string, requestedBy, provisionalName),
      executionArn: '',
      executionName: provisionalName,
    },
    settings.catalog,
  );

  const clients = await awsClients(options, ctx);
  const { stateMachineArn, registryTable } = await targetsFor(
    ['stateMachineArn', 'registryTable'],
    options,
    ctx,
    clients,
  );
  const record = await getTenant(clients.registry, registryTable, request.tenantId);
  const decision = decideOnboarding(record, request.tenantId, request.tier);
  const report: Report =
    decision.kind === 'follow'
      ? { action: 'in-progress', executionArn: decision.executionArn, skipped: [] }
      : {
          ...(decision.restore ? { restore: decision.restore } : {}),
          ...(await startOrJoin({
            sfn: clients.sfn,
            stateMachineArn,
            tenantId: request.tenantId,
            tier: request.tier,
            requestedBy: request.requestedBy,
            firstAttempt: decision.attempt,
            ownerExecutionArn: record?.executionArn,
          })),
        };
  const { action, executionArn, status } = report;

  if (!options.wait) {
    if (options.json) {
      writeJson(ctx, {
        tenantId: request.tenantId,
        tier: request.tier,
        action,
        executionArn,
        executionStatus: status,
        attempt: report.attempt,
        skippedExecutions: report.skipped,
        ...(report.restore ? { restoreFrom: report.restore } : {}),
      });
    } else {
      ctx.out(announce(report, request.tenantId, request.tier));
      if (joinedEndedExecution(report)) {
        ctx.out(
          `Nothing was started. See why it ended (tenantctl status ${request.tenantId}, and the execution's error in Step Functions) before running again.\n`,
        );
      } else {
        ctx.out(`Follow it with: tenantctl watch ${request.tenantId}\n`);
      }
    }
    return joinedEndedExecution(report) ? EXIT.provisioningFailed : EXIT.ok;
  }

  if (!options.json) ctx.out(announce(report, request.tenantId, request.tier));
  const result = await followToEnd(
    {
      clients,
      registryTable,
      tenantId: request.tenantId,
      tier: request.tier,
      executionArn,
      instanceId: record?.instanceId ?? instanceIdentifier(request.tenantId),
      pollIntervalMs: pollMs,
      quiet: options.json === true,
      color: ctx.color !== false,
      terminal: ctx.isTTY ? process.stdout : undefined,
    },
    ctx,
  );
  if (options.json) writeJson(ctx, { action, attempt: report.attempt, skippedExecutions: report.skipped, ...result });
  else ctx.out(renderResult(result));
  return result.exitCode;
}
