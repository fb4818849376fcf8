/**
 * Starting a lifecycle operation (suspend, resume, offboard) on one tenant, shared by its commands: the same check
 * the workflow's first step makes (a tenant that is busy, unknown or in the wrong status is refused here, before
 * anything starts, with the operation in progress named), the execution started, and with `--wait` followed to its
 * end.
 *
 * @module
 */
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { TenantConflictError, ValidationError } from '../../lambdas/shared/errors';
import { decideTake, type OperationName } from '../../lambdas/shared/lifecycle/operations';
import { getTenant } from '../../lambdas/shared/registry';
import type { AwsClients } from './aws';
import { type CliContext, writeJson } from './context';
import { EXIT, type ExitCode } from './exit-codes';
import { assertSeconds } from './options';

/** One lifecycle operation to start. */
export interface LifecycleRun {
  readonly operation: OperationName;
  readonly tenantId: string;
  readonly stateMachineArn: string;
  readonly registryTable: string;
  readonly requestedBy: string;
  readonly wait: boolean;
  readonly json: boolean;
  /** `--poll-interval` as given. @default '5' */
  readonly pollInterval?: string;
}

/** How a lifecycle command follows its execution, from its `--wait`, `--json` and `--poll-interval`. */
export function followOf(options: {
  readonly wait?: boolean;
  readonly json?: boolean;
  readonly pollInterval?: string;
}): Pick<LifecycleRun, 'wait' | 'json' | 'pollInterval'> {
  return {
    wait: options.wait === true,
    json: options.json === true,
    ...(options.pollInterval === undefined ? {} : { pollInterval: options.pollInterval }),
  };
}

/** The execution name: the tenant, the operation and the time to the second (unique per tenant and operation). */
export function lifecycleExecutionName(tenantId: string, operation: OperationName, at: Date): string {
  return `${tenantId}-${operation}-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')}`;
}

/** `--requested-by`, or the operator's login: 1–128 characters. */
export function requestedByOf(given: string | undefined, ctx: CliContext): string {
  const requestedBy = given ?? ctx.username();
  if (requestedBy.length < 1 || requestedBy.length > 128) {
    throw new ValidationError('--requested-by', 'must be 1-128 characters', requestedBy);
  }
  return requestedBy;
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** Starts (and with `wait` follows) `run.operation` on `run.tenantId`, once the tenant may be taken for it. */
export async function runLifecycleOperation(
  run: LifecycleRun,
  clients: AwsClients,
  ctx: CliContext,
): Promise<ExitCode> {
  const { operation, tenantId, registryTable } = run;
  const pollMs = assertSeconds(run.pollInterval ?? '5', '--poll-interval') * 1000;
  const record = await getTenant(clients.registry, registryTable, tenantId);
  if (!record) throw new ValidationError('tenant', `is not in the registry table ${registryTable}`, tenantId);
  const decision = decideTake(record, operation, '(tenantctl)');
  if (decision.action === 'refuse') throw new TenantConflictError(decision.reason);
  return startLifecycleExecution(
    clients,
    {
      stateMachineArn: run.stateMachineArn,
      registryTable,
      name: lifecycleExecutionName(tenantId, operation, ctx.now?.() ?? new Date()),
      tenantId,
      operation,
      input: { tenantId, operation, requestedBy: run.requestedBy },
      wait: run.wait,
      json: run.json,
      pollMs,
    },
    ctx,
  );
}

/** A lifecycle execution to start (and follow with `wait`). */
export interface LifecycleStart {
  readonly stateMachineArn: string;
  readonly registryTable: string;
  readonly name: string;
  readonly tenantId: string;
  readonly operation: OperationName;
  readonly input: Record<string, unknown>;
  readonly wait: boolean;
  readonly json: boolean;
  readonly pollMs: number;
  /** Further fields of the JSON output (a tier change's plan). @default none */
  readonly report?: Record<string, unknown>;
}

/** Starts a lifecycle execution and, with `start.wait`, follows it to its end and reports the tenant's status. */
export async function startLifecycleExecution(
  clients: AwsClients,
  start: LifecycleStart,
  ctx: CliContext,
): Promise<ExitCode> {
  const { tenantId, operation, registryTable } = start;
  const started = await clients.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: start.stateMachineArn,
      name: start.name,
      input: JSON.stringify(start.input),
    }),
  );
  const executionArn = started.executionArn ?? '';
  if (!start.wait) {
    if (start.json) writeJson(ctx, { tenantId, operation, action: 'started', executionArn, ...start.report });
    else {
      ctx.out(
        `Started the ${operation} of ${tenantId} (execution ${executionArn}).\nFollow it with: tenantctl status ${tenantId}\n`,
      );
    }
    return EXIT.ok;
  }
  for (;;) {
    const execution = await clients.sfn.send(
      new DescribeExecutionCommand({ executionArn, includedData: 'METADATA_ONLY' }),
    );
    ctx.restartDeadline?.();
    if (execution.status && ENDED.has(execution.status)) {
      const after = await getTenant(clients.registry, registryTable, tenantId);
      const succeeded = execution.status === 'SUCCEEDED';
      if (start.json) {
        writeJson(ctx, {
          tenantId,
          operation,
          executionArn,
          executionStatus: execution.status,
          tenantStatus: after?.status,
          tier: after?.tier,
          ...start.report,
          ...(succeeded ? {} : { error: execution.error, cause: execution.cause }),
        });
      } else if (succeeded) {
        ctx.out(`The ${operation} of ${tenantId} succeeded: the tenant is ${after?.status ?? 'unknown'}.\n`);
      } else {
        ctx.out(
          `The ${operation} of ${tenantId} ended ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}\nThe tenant is ${after?.status ?? 'unknown'}; run tenantctl ${operation} ${tenantId} again to continue.\n`,
        );
      }
      if (succeeded) return EXIT.ok;
      return execution.error === 'TenantConflictError' ? EXIT.refused : EXIT.provisioningFailed;
    }
    await ctx.sleep(start.pollMs);
  }
}
