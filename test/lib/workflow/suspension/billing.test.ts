import { BILLING_SUSPENSION_DETAIL_TYPES } from '../../../../lambdas/shared/contracts';
import { billingSuspensionPattern, REJECTED_BILLING_SUSPENSION_PATTERN } from '../../../../lib/triggers/event-patterns';
import { matchesEventPattern } from '../../../support/event-pattern';
import { renderInput } from '../../../support/input-transformer';
import { registryRecord, runWorkflow } from '../../../support/workflow-harness';
import { useWorkflow } from '../provisioning/fixtures';
import { billingFixtures, transformerFor } from './fixtures';

/** Billing's "Tenant Suspended" and "Tenant Resumed": routing, the input the rule renders, and idempotency. */

const fixtures = (kind: 'valid' | 'invalid') => billingFixtures('billing-suspension-events', kind);
const starts = (['suspend', 'resume'] as const).map((operation) => billingSuspensionPattern(operation));

describe('billing suspension events', () => {
  it.each(fixtures('valid'))('%s starts exactly one rule and is not rejected', (_file, event) => {
    expect(starts.filter((p) => matchesEventPattern(p, event))).toHaveLength(1);
    expect(matchesEventPattern(REJECTED_BILLING_SUSPENSION_PATTERN, event)).toBe(false);
  });

  it.each(fixtures('invalid'))('%s lands in the rejected-events queue only', (_file, event) => {
    expect(starts.filter((p) => matchesEventPattern(p, event))).toHaveLength(0);
    expect(matchesEventPattern(REJECTED_BILLING_SUSPENSION_PATTERN, event)).toBe(true);
  });

  describe('through the workflow', () => {
    const workflow = useWorkflow();

    it('suspends on "Tenant Suspended" with the event id as request id, and a redelivery does nothing twice', async () => {
      // Prepare
      await workflow.provision('acme-corp', 'starter');
      const [, event] = fixtures('valid').find(([file]) => file === 'suspended.json') ?? [];
      const input = renderInput(transformerFor(BILLING_SUSPENSION_DETAIL_TYPES.suspend), event);
      const run = () =>
        runWorkflow(input, { machine: 'suspension', double: workflow.double(), database: workflow.database() });

      // Act
      const first = await run();
      const redelivered = await run();

      // Assess
      expect(input).toEqual({
        tenantId: 'acme-corp',
        operation: 'suspend',
        requestedBy: 'billing',
        requestId: 'inv-2026-000124',
      });
      expect(first.status).toBe('SUCCEEDED');
      expect(redelivered.endState).toBe('AlreadyHandled');
      const record = await registryRecord(workflow.double(), 'acme-corp');
      expect(record?.status).toBe('SUSPENDED');
      expect(record?.lifecycleHistory).toEqual([
        expect.objectContaining({ operation: 'suspend', requestedBy: 'billing', requestId: 'inv-2026-000124' }),
      ]);
    });
  });
});
