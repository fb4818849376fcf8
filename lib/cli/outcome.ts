import type { TenantRecord, TenantStatus } from '../../lambdas/shared/contracts';
import { DATABASE_NAME } from '../../lambdas/shared/naming';
import { EXIT, type ExitCode } from './exit-codes';
import { clock, type ExecutionEnd, type StepOutcome } from './progress';

/**
 * The result of an onboarding that tenantctl followed to its end, from the execution's end and the registry record
 * the workflow wrote. Only identifiers and ARNs: credentials stay in Secrets Manager.
 */
export interface OnboardingResult {
  readonly tenantId: string;
  readonly tier: string;
  readonly executionArn: string;
  readonly executionStatus: ExecutionEnd['status'];
  /** Registry status after the execution, when the registry has a record of it. */
  readonly tenantStatus?: TenantStatus;
  readonly exitCode: ExitCode;
  readonly elapsedSeconds: number;
  readonly steps: readonly StepOutcome[];
  readonly instanceId?: string;
  readonly endpoint?: { readonly address: string; readonly port?: number; readonly database: string };
  readonly secretArn?: string;
  readonly failedStep?: string;
  readonly reason?: string;
  readonly leftovers?: readonly string[];
}

export interface OutcomeInput {
  readonly tenantId: string;
  readonly tier: string;
  readonly executionArn: string;
  readonly end: ExecutionEnd;
  readonly steps: readonly StepOutcome[];
  readonly record: TenantRecord | undefined;
}

/**
 * The result of a finished execution. Success needs both a SUCCEEDED execution and an ACTIVE tenant: an execution
 * that recognised a duplicate request succeeds without provisioning. Failure details come from the registry when
 * its record belongs to this execution (the workflow wrote the failed step and reason there), else from the
 * execution's error and cause.
 */
export function onboardingResult(input: OutcomeInput): OnboardingResult {
  const { end, record, steps } = input;
  const base = {
    tenantId: input.tenantId,
    tier: input.tier,
    executionArn: input.executionArn,
    executionStatus: end.status,
    tenantStatus: record?.status,
    elapsedSeconds: end.elapsedSeconds,
    steps,
  };
  if (end.status === 'SUCCEEDED' && record?.status === 'ACTIVE') {
    return {
      ...base,
      exitCode: EXIT.ok,
      instanceId: record.instanceId,
      endpoint: record.endpointAddress
        ? { address: record.endpointAddress, port: record.endpointPort, database: DATABASE_NAME }
        : undefined,
      secretArn: record.secretArn,
    };
  }
  if (end.status === 'SUCCEEDED') {
    return {
      ...base,
      exitCode: EXIT.provisioningFailed,
      reason: `the execution ended without provisioning (a duplicate request); the tenant is ${record?.status ?? 'not in the registry'}${record ? ` by ${record.executionArn}` : ''}`,
    };
  }
  const ours = record?.executionArn === input.executionArn ? record : undefined;
  const failedStep = ours?.failedStep ?? steps.find((s) => s.status === 'failed')?.step;
  return {
    ...base,
    exitCode: EXIT.provisioningFailed,
    failedStep,
    reason:
      ours?.failureReason ?? end.cause ?? end.error ?? `the execution ${end.status.toLowerCase().replace('_', ' ')}`,
    leftovers: ours?.leftovers,
  };
}

/** The closing lines printed after the step lines. */
export function renderResult(result: OnboardingResult): string {
  if (result.exitCode === EXIT.ok) {
    const endpoint = result.endpoint
      ? `${result.endpoint.address}${result.endpoint.port === undefined ? '' : `:${result.endpoint.port}`}`
      : '(not recorded)';
    return [
      `✔ Tenant ${result.tenantId} is ACTIVE on tier ${result.tier} (${clock(result.elapsedSeconds)})`,
      `  endpoint  ${endpoint}`,
      `  database  ${result.endpoint?.database ?? '(not recorded)'}`,
      `  secret    ${result.secretArn ?? '(not recorded)'}`,
      `  instance  ${result.instanceId ?? '(not recorded)'}`,
      '  The credentials are in the secret; tenantctl never prints them.',
      '',
    ].join('\n');
  }
  const where = result.failedStep ? ` at step ${result.failedStep}` : '';
  const lines = [
    `✖ Onboarding of ${result.tenantId} failed${where} (${clock(result.elapsedSeconds)})`,
    `  reason    ${result.reason}`,
    `  execution ${result.executionArn}`,
  ];
  if (result.tenantStatus === 'ROLLBACK_FAILED') {
    lines.push(
      `  status    ROLLBACK_FAILED: rollback could not remove ${result.leftovers?.join(', ') || 'everything'}`,
      '  next      the platform alarm has fired; remove the leftovers (see the runbook) before onboarding again',
    );
  } else if (result.tenantStatus === 'FAILED') {
    lines.push(
      '  status    FAILED: rollback removed what this attempt created',
      '  next      fix the reason above, then run the same command again: it starts the next attempt',
    );
  }
  return `${lines.join('\n')}\n`;
}
