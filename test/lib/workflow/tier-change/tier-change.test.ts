import { OUTCOME_DETAIL_TYPES } from '../../../../lambdas/shared/contracts';
import { DEFAULT_TIERS, type TierDefinition } from '../../../../lambdas/shared/tiers';
import { findLeaks, registryRecord } from '../../../support/workflow-harness';
import { useWorkflow } from '../provisioning/fixtures';
import { describedInstance, runTierChange } from './fixtures';

/** Tier changes from the synthesized template, against the AWS double and a real PostgreSQL. */

const workflow = useWorkflow();

const PAIRS = Object.keys(DEFAULT_TIERS).flatMap((from) =>
  Object.keys(DEFAULT_TIERS)
    .filter((to) => to !== from)
    .map((to) => [from, to] as const),
);

describe('changing a tenant tier', () => {
  it.each(PAIRS)('moves a %s tenant to %s now: instance, alarms, registry and event', async (from, to) => {
    // Prepare
    const tenantId = `move-${from}-${to}`;
    expect((await workflow.provision(tenantId, from)).status).toBe('SUCCEEDED');
    const double = workflow.double();
    const before = await describedInstance(`tenant-${tenantId}`);

    // Act
    const run = await runTierChange(workflow, tenantId, to, { when: 'now' });

    // Assess: the instance has the new class and Multi-AZ, never less storage than before
    expect(run.status).toBe('SUCCEEDED');
    const instance = await describedInstance(`tenant-${tenantId}`);
    const target = DEFAULT_TIERS[to] as TierDefinition;
    expect(instance).toMatchObject({
      DBInstanceStatus: 'available',
      DBInstanceClass: target.instanceClass,
      MultiAZ: target.multiAz,
      PendingModifiedValues: {},
    });
    expect(instance?.AllocatedStorage).toBe(Math.max(before?.AllocatedStorage ?? 0, target.storage.allocatedGiB));
    expect(instance?.TagList).toContainEqual({ Key: 'tenant-db:tier', Value: to });
    const record = await registryRecord(double, tenantId);
    expect(record).toMatchObject({ status: 'ACTIVE', tier: to });
    expect(record?.operation).toBeUndefined();
    expect(record?.lifecycleHistory?.at(-1)).toMatchObject({
      operation: 'change-tier',
      outcome: 'succeeded',
      tierChange: { from, to, when: 'now', applied: expect.arrayContaining(['DBInstanceClass', 'alarms', 'tags']) },
    });
    expect(run.publishedEvents.map((e) => [e.detailType, e.detail])).toEqual([
      [
        OUTCOME_DETAIL_TYPES.tierChanged,
        expect.objectContaining({
          outcomeId: `tierChanged:${run.executionArn}`,
          tenantId,
          tier: to,
          operation: 'change-tier',
          status: 'ACTIVE',
          outcome: 'succeeded',
          tierChange: expect.objectContaining({ from, to }),
        }),
      ],
    ]);
    expect(double.violations).toEqual([]);
    expect(findLeaks([run], workflow.database().passwords)).toEqual([]);
  });
});
