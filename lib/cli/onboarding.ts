import type { ProvisioningRequest, TenantRecord } from '../../lambdas/shared/contracts';
import { TenantConflictError } from '../../lambdas/shared/errors';
import { executionName } from '../../lambdas/shared/naming';

/**
 * Decisions of `tenantctl onboard`, from the registry record alone. Idempotency rests on the execution name:
 * `<tenant>-<tier>-<attempt>`, with attempt = the recorded attempt + 1, is also the request id, so running the
 * command twice computes the same name and Step Functions refuses a second execution of it.
 */

export type OnboardDecision =
  | { readonly kind: 'start'; readonly attempt: number; readonly executionName: string }
  | { readonly kind: 'follow'; readonly executionArn: string };

/**
 * What to do for `tenantId` on `tier` given its registry record.
 *
 * - no record, FAILED or ROLLBACK_FAILED: start attempt `record.attempt + 1` (the claim step decides whether a
 *   ROLLBACK_FAILED tenant's leftovers allow it);
 * - PROVISIONING on the same tier: follow the running execution;
 * - PROVISIONING on another tier, or ACTIVE: refuse.
 *
 * @throws TenantConflictError when the onboarding is refused.
 */
export function decideOnboarding(record: TenantRecord | undefined, tenantId: string, tier: string): OnboardDecision {
  if (record?.status === 'ACTIVE') {
    throw new TenantConflictError(
      `tenant ${tenantId} is already ACTIVE on tier ${record.tier} (since ${record.provisionedAt ?? record.updatedAt}); nothing to do`,
    );
  }
  if (record?.status === 'PROVISIONING') {
    if (record.tier !== tier) {
      throw new TenantConflictError(
        `tenant ${tenantId} is being provisioned on tier ${record.tier} by ${record.executionArn}; wait for it to finish`,
      );
    }
    return { kind: 'follow', executionArn: record.executionArn };
  }
  const attempt = (record?.attempt ?? 0) + 1;
  return { kind: 'start', attempt, executionName: executionName(tenantId, tier, attempt) };
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
