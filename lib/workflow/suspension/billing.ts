import { BILLING_SUSPENSION_DETAIL_TYPES } from '../../../lambdas/shared/contracts';
import { billingSuspensionPattern, REJECTED_BILLING_SUSPENSION_PATTERN } from '../../triggers/event-patterns';
import type { LifecycleBillingTriggerProps } from '../lifecycle-billing';

/** Billing's "Tenant Suspended" and "Tenant Resumed" start the suspension workflow (see `LifecycleBillingTrigger`). */
export const SUSPENSION_BILLING: Pick<LifecycleBillingTriggerProps, 'workflow' | 'rules' | 'rejectedPattern'> = {
  workflow: 'suspension',
  rules: (['suspend', 'resume'] as const).map((operation) => ({
    id: operation === 'suspend' ? 'SuspendRule' : 'ResumeRule',
    detailType: BILLING_SUSPENSION_DETAIL_TYPES[operation],
    pattern: billingSuspensionPattern(operation),
    input: { operation },
  })),
  rejectedPattern: REJECTED_BILLING_SUSPENSION_PATTERN,
};
