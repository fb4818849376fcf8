/**
 * Starting an onboarding execution. Step Functions keeps execution names unique for 90 days: when the name is
 * taken by a live execution (an earlier run of the same command), that execution is joined instead of starting a
 * second one; when it is taken by an execution that ended without owning the tenant, the next attempt is tried.
 *
 * @module
 */
import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { awsErrorName } from '../../lambdas/shared/errors';
import { executionName } from '../../lambdas/shared/naming';
import { canSkipTakenName, executionArnOf, MAX_EXTRA_ATTEMPTS, onboardingRequest } from './onboarding';

export interface StartRequest {
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  readonly tenantId: string;
  readonly tier: string;
  readonly requestedBy: string;
  readonly firstAttempt: number;
  /** The execution the registry record names, which is never skipped over. */
  readonly ownerExecutionArn?: string;
}

export interface StartResult {
  /** `started`: this run started the execution; `already-started`: it joined one that held the name. */
  readonly action: 'started' | 'already-started';
  readonly executionArn: string;
  /** The attempt number in the execution's name. */
  readonly attempt: number;
  /** Status of the joined execution (`already-started` only). */
  readonly status?: ExecutionStatus;
  /** Names passed over because executions that ended without owning the tenant hold them. */
  readonly skipped: readonly string[];
}

/** Starts execution `name`; undefined when the name is taken. */
async function tryStart(request: StartRequest, name: string): Promise<string | undefined> {
  const input = onboardingRequest(request.tenantId, request.tier, request.requestedBy, name);
  try {
    const started = await request.sfn.send(
      new StartExecutionCommand({ stateMachineArn: request.stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return started.executionArn ?? executionArnOf(request.stateMachineArn, name);
  } catch (error) {
    if (awsErrorName(error) === 'ExecutionAlreadyExists') return undefined;
    throw error;
  }
}

/**
 * Starts the first attempt whose name is free, from `firstAttempt` up to {@link MAX_EXTRA_ATTEMPTS} more, or joins
 * the execution holding a name it may not skip (a live one, the registry's own, or the last it may try).
 *
 * DescribeExecution asks for metadata only: the state machine is encrypted with a customer-managed key, and name,
 * status and dates need no kms:Decrypt.
 */
export async function startOrJoin(request: StartRequest): Promise<StartResult> {
  const skipped: string[] = [];
  const lastAttempt = request.firstAttempt + MAX_EXTRA_ATTEMPTS;
  for (let attempt = request.firstAttempt; ; attempt += 1) {
    const name = executionName(request.tenantId, request.tier, attempt);
    const started = await tryStart(request, name);
    if (started) return { action: 'started', executionArn: started, attempt, skipped };
    const executionArn = executionArnOf(request.stateMachineArn, name);
    const existing = await request.sfn.send(
      new DescribeExecutionCommand({ executionArn, includedData: 'METADATA_ONLY' }),
    );
    if (attempt >= lastAttempt || !canSkipTakenName(existing, request.ownerExecutionArn)) {
      return {
        action: 'already-started',
        executionArn: existing.executionArn ?? executionArn,
        attempt,
        status: existing.status,
        skipped,
      };
    }
    skipped.push(name);
  }
}
