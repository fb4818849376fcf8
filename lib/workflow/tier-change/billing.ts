import * as events from 'aws-cdk-lib/aws-events';
import { BILLING_TIER_CHANGE_DETAIL_TYPE } from '../../../lambdas/shared/contracts';
import { BILLING_TIER_CHANGE_PATTERN, REJECTED_BILLING_TIER_CHANGE_PATTERN } from '../../triggers/event-patterns';
import type { LifecycleBillingTriggerProps } from '../lifecycle-billing';

/**
 * Billing's "Tenant Tier Changed" starts the tier change workflow (see `LifecycleBillingTrigger`); the change applies at
 * the new tier's `tierChangeTiming`.
 */
export const TIER_CHANGE_BILLING: Pick<LifecycleBillingTriggerProps, 'workflow' | 'rules' | 'rejectedPattern'> = {
  workflow: 'tier change',
  rules: [
    {
      id: 'TierChangedRule',
      detailType: BILLING_TIER_CHANGE_DETAIL_TYPE,
      pattern: BILLING_TIER_CHANGE_PATTERN,
      input: { operation: 'change-tier', to: events.EventField.fromPath('$.detail.tier') },
    },
  ],
  rejectedPattern: REJECTED_BILLING_TIER_CHANGE_PATTERN,
};
