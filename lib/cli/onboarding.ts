/**
 * Decisions of `tenantctl onboard`, from the registry record alone. Idempotency rests on the execution name:
 * `<tenant>-<tier>-<attempt>` is also the request id, so running the command twice computes the same name and Step
 * Functions refuses a second execution of it.
 *
 * Step Functions keeps a name taken for 90 days after its execution ends, and only ClaimTenant moves the registry's
 * attempt on. An execution that ended before it claimed the tenant (its claim retries ran out, the deployed tier
 * catalog disagreed with the local cdk.json, the tenant was ROLLBACK_FAILED...) therefore leaves its name taken
 * without a registry trace; the command then tries the next attempt numbers, a few at most.
 *
 * @module
 */
import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import type { ProvisioningRequest, TenantRecord } from '../../lambdas/shared/contracts';
import { TenantConflictError } from '../../lambdas/shared/errors';
import { activeTenantReason } from '../../lambdas/shared/lifecycle/tier-change';
import { executionName } from '../../lambdas/shared/naming';
import { rollbackFailedReason } from '../../lambdas/shared/registry';
import { type RestoreSource, restoreSourceOf } from './restore-source';

/** How many attempt numbers after the first the command tries when their names are taken by ended executions. */
export const MAX_EXTRA_ATTEMPTS = 5;

export type OnboardDecision =
  | {
      readonly kind: 'start';
      readonly attempt: number;
      readonly executionName: string;
      /** Set when the tenant was offboarded: the workflow restores this snapshot instead of an empty database. */
      readonly restore?: RestoreSource;
    }
  | { readonly kind: 'follow'; readonly executionArn: string };

/** Statuses after offboarding that onboarding takes (as the claim step does), unless an operation holds the tenant. */
const ONBOARDABLE_AGAIN = new Set(['OFFBOARDED', 'PURGED']);

/**
 * The attempt number of `executionArn` when it is a tenantctl execution name of `tenantId` on `tier`.
 *
 * @example
 * ```ts
 * attemptOfExecution('arn:aws:states:us-east-1:111122223333:execution:sm:acme-pro-4', 'acme', 'pro'); // 4
 * ```
 */
export function attemptOfExecution(executionArn: string, tenantId: string, tier: string): number | undefined {
  const name = executionArn.slice(executionArn.lastIndexOf(':') + 1);
  const attempt = Number(name.match(/-([1-9][0-9]{0,8})$/)?.[1]);
  return attempt > 0 && executionName(tenantId, tier, attempt) === name ? attempt : undefined;
}

/**
 * The first attempt to start after `record`: past both the registry's attempt and the attempt its execution's name
 * carries. The two differ once a run skipped taken names (ClaimTenant counts claims, not names); starting past the
 * name keeps every later run from walking into the tenant's own ended execution.
 */
export function firstAttemptAfter(record: TenantRecord | undefined, tenantId: string, tier: string): number {
  if (!record) return 1;
  return Math.max(record.attempt, attemptOfExecution(record.executionArn, tenantId, tier) ?? 0) + 1;
}

/** True while an execution is running or about to run again (a redrive was requested). */
export function isLiveExecution(status: ExecutionStatus | undefined): boolean {
  return status === 'RUNNING' || status === 'PENDING_REDRIVE';
}

/**
 * Whether a run may pass over the execution that holds the name it wanted and try the next attempt: only when that
 * execution has ended and is not the one the registry record names. A live execution is followed; the registry's
 * own execution is reported, never skipped, since its outcome is the tenant's current state.
 */
export function canSkipTakenName(
  existing: { readonly executionArn?: string; readonly status?: ExecutionStatus },
  ownerExecutionArn: string | undefined,
): boolean {
  if (existing.status === undefined || isLiveExecution(existing.status)) return false;
  return existing.executionArn !== ownerExecutionArn;
}

/**
 * What to do for `tenantId` on `tier` given its registry record.
 *
 * - no record or FAILED: start the attempt after the recorded one ({@link firstAttemptAfter});
 * - PROVISIONING on the same tier: follow the running execution;
 * - PROVISIONING on another tier, ACTIVE, or ROLLBACK_FAILED (the claim step rejects it until an operator has removed
 *   the leftovers and set the record to FAILED): refuse;
 * - OFFBOARDED or PURGED with no operation holding it: start, restoring the final snapshot of an OFFBOARDED tenant
 *   (an undelete) or creating an empty database for a PURGED one;
 * - any other lifecycle status (SUSPENDED, busy with an operation): refuse.
 *
 * @throws TenantConflictError when the onboarding is refused.
 */
export function decideOnboarding(record: TenantRecord | undefined, tenantId: string, tier: string): OnboardDecision {
  if (record?.status === 'ACTIVE') {
    const since = ` (since ${record.provisionedAt ?? record.updatedAt})`;
    throw new TenantConflictError(activeTenantReason(tenantId, record.tier, tier, since));
  }
  if (record?.status === 'ROLLBACK_FAILED') throw new TenantConflictError(rollbackFailedReason(record));
  if (record?.status === 'PROVISIONING') {
    if (record.tier !== tier) {
      throw new TenantConflictError(
        `tenant ${tenantId} is being provisioned on tier ${record.tier} by ${record.executionArn}; wait for it to finish`,
      );
    }
    return { kind: 'follow', executionArn: record.executionArn };
  }
  const again = record !== undefined && ONBOARDABLE_AGAIN.has(record.status) && record.operation === undefined;
  if (record && record.status !== 'FAILED' && !again) {
    // Suspended, offboarded or busy with a lifecycle operation: the claim step would reject it too.
    throw new TenantConflictError(
      `tenant ${tenantId} is ${record.status} on tier ${record.tier}; onboarding needs a new or FAILED tenant`,
    );
  }
  const attempt = firstAttemptAfter(record, tenantId, tier);
  const restore = restoreSourceOf(record);
  return {
    kind: 'start',
    attempt,
    executionName: executionName(tenantId, tier, attempt),
    ...(restore ? { restore } : {}),
  };
}

/** The workflow input of an onboarding started by tenantctl: the request id is the execution name. */
export function onboardingRequest(
  tenantId: string,
  tier: string,
  requestedBy: string,
  name: string,
): ProvisioningRequest {
  return { tenantId, tier, requestedBy, requestId: name };
}

/**
 * ARN of execution `name` of a Standard state machine:
 * `arn:<partition>:states:<region>:<account>:stateMachine:<sm>` → `...:execution:<sm>:<name>`.
 */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
