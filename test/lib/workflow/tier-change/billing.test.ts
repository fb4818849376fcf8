import { BILLING_TIER_CHANGE_DETAIL_TYPE } from '../../../../lambdas/shared/contracts';
import {
  BILLING_TIER_CHANGE_PATTERN,
  REJECTED_BILLING_TIER_CHANGE_PATTERN,
} from '../../../../lib/triggers/event-patterns';
import { matchesEventPattern } from '../../../support/event-pattern';
import { renderInput } from '../../../support/input-transformer';
import { registryRecord, runWorkflow } from '../../../support/workflow-harness';
import { useWorkflow } from '../provisioning/fixtures';
import { billingFixtures, transformerFor } from '../suspension/fixtures';

/** Billing's "Tenant Tier Changed": routing, the input the rule renders, and idempotency by event id. */

const fixtures = (kind: 'valid' | 'invalid') => billingFixtures('billing-tier-change-events', kind);

describe('billing tier change events', () => {
  it.each(fixtures('valid'))('%s starts the tier change and is not rejected', (_file, event) => {
    expect(matchesEventPattern(BILLING_TIER_CHANGE_PATTERN, event)).toBe(true);
    expect(matchesEventPattern(REJECTED_BILLING_TIER_CHANGE_PATTERN, event)).toBe(false);
  });

  it.each(fixtures('invalid'))('%s lands in the rejected-events queue only', (_file, event) => {
    expect(matchesEventPattern(BILLING_TIER_CHANGE_PATTERN, event)).toBe(false);
    expect(matchesEventPattern(REJECTED_BILLING_TIER_CHANGE_PATTERN, event)).toBe(true);
  });

  describe('through the workflow', () => {
    const workflow = useWorkflow();

    it('changes the tier with the event id as request id, and a redelivery does nothing twice', async () => {
      // Prepare
      await workflow.provision('acme-corp', 'starter');
      const [, event] = fixtures('valid').find(([file]) => file === 'upgraded.json') ?? [];
      const input = renderInput(transformerFor(BILLING_TIER_CHANGE_DETAIL_TYPE), event);
      const run = () =>
        runWorkflow(input, { machine: 'tier-change', double: workflow.double(), database: workflow.database() });

      // Act
      const first = await run();
      const redelivered = await run();

      // Assess
      expect(input).toEqual({
        tenantId: 'acme-corp',
        operation: 'change-tier',
        to: 'pro',
        requestedBy: 'billing',
        requestId: 'plan-2026-000311',
      });
      expect(first.status).toBe('SUCCEEDED');
      expect(redelivered.endState).toBe('AlreadyHandled');
      expect(redelivered.awsCalls.filter((c) => c.service === 'rds')).toEqual([]);
      const record = await registryRecord(workflow.double(), 'acme-corp');
      expect(record).toMatchObject({ status: 'ACTIVE', tier: 'pro' });
      expect(record?.lifecycleHistory).toEqual([
        expect.objectContaining({ operation: 'change-tier', requestedBy: 'billing', requestId: 'plan-2026-000311' }),
      ]);
      // Two syntheses (the rule's and the harness's) on a shared machine.
    }, 180_000);
  });
});
