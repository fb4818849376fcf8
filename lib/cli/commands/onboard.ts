import { DescribeExecutionCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ProvisioningRequest } from '../../../lambdas/shared/contracts';
import { awsErrorName, ValidationError } from '../../../lambdas/shared/errors';
import { executionName } from '../../../lambdas/shared/naming';
import { getTenant } from '../../../lambdas/shared/registry';
import { validateRequest } from '../../../lambdas/validate-input/validate';
import { type AwsOptions, type CliContext, targetsFor, writeJson } from '../context';
import { loadDeploymentSettings } from '../deployment';
import { EXIT, type ExitCode } from '../exit-codes';
import { decideOnboarding, executionArnOf, onboardingRequest } from '../onboarding';
import { onboardingResult, renderResult } from '../outcome';
import { stepLine } from '../progress';
import { followExecution } from '../watch';

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

/**
 * Starts execution `name`. Step Functions keeps execution names unique for 90 days: when an earlier run of the same
 * command already started it, the existing execution is reported and followed instead of starting a second one.
 */
async function startOrJoin(
  sfn: SFNClient,
  stateMachineArn: string,
  name: string,
  request: ProvisioningRequest,
): Promise<{ executionArn: string; action: OnboardAction; status?: string }> {
  try {
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(request) }),
    );
    return { executionArn: started.executionArn ?? executionArnOf(stateMachineArn, name), action: 'started' };
  } catch (error) {
    if (awsErrorName(error) !== 'ExecutionAlreadyExists') throw error;
    const existing = await sfn.send(
      new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, name) }),
    );
    return {
      executionArn: existing.executionArn ?? executionArnOf(stateMachineArn, name),
      action: 'already-started',
      status: existing.status,
    };
  }
}

function announce(
  action: OnboardAction,
  executionArn: string,
  status: string | undefined,
  tenantId: string,
  tier: string,
): string {
  const name = executionArn.split(':').pop();
  if (action === 'started') return `Started onboarding of ${tenantId} on tier ${tier}: execution ${name}\n`;
  if (action === 'already-started') {
    return `Execution ${name} already exists (${status ?? 'status unknown'}): an earlier run started it, so no second one was started.\n`;
  }
  return `Tenant ${tenantId} is already being provisioned on tier ${tier} by execution ${name}.\n`;
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

  const clients = ctx.clients(options.region);
  const { stateMachineArn, registryTable } = await targetsFor(
    ['stateMachineArn', 'registryTable'],
    options,
    ctx,
    clients,
  );
  const decision = decideOnboarding(
    await getTenant(clients.registry, registryTable, request.tenantId),
    request.tenantId,
    request.tier,
  );
  const { executionArn, action, status } =
    decision.kind === 'follow'
      ? { executionArn: decision.executionArn, action: 'in-progress' as const, status: undefined }
      : await startOrJoin(
          clients.sfn,
          stateMachineArn,
          decision.executionName,
          onboardingRequest(request.tenantId, request.tier, request.requestedBy, decision.executionName),
        );

  if (!options.wait) {
    if (options.json) {
      writeJson(ctx, { tenantId: request.tenantId, tier: request.tier, action, executionArn, executionStatus: status });
    } else {
      ctx.out(announce(action, executionArn, status, request.tenantId, request.tier));
      ctx.out(`Follow it with: tenantctl onboard ${request.tenantId} --tier ${request.tier} --wait\n`);
    }
    return EXIT.ok;
  }

  if (!options.json) ctx.out(announce(action, executionArn, status, request.tenantId, request.tier));
  const followed = await followExecution({
    sfn: clients.sfn,
    executionArn,
    pollIntervalMs: pollMs,
    sleep: ctx.sleep,
    onStep: (outcome) => {
      if (!options.json) ctx.out(`${stepLine(outcome)}\n`);
    },
  });
  const result = onboardingResult({
    tenantId: request.tenantId,
    tier: request.tier,
    executionArn,
    end: followed.end,
    steps: followed.steps,
    record: await getTenant(clients.registry, registryTable, request.tenantId),
  });
  if (options.json) writeJson(ctx, { action, ...result });
  else ctx.out(renderResult(result));
  return result.exitCode;
}
