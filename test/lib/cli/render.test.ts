import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { publicRecord, renderRecord } from '../../../lib/cli/render';

const SUSPENSION = 'arn:aws:states:us-east-1:123456789012:execution:suspension:acme-1';

const base: TenantRecord = {
  tenantId: 'acme',
  tier: 'pro',
  status: 'SUSPENDING',
  requestId: 'req-1',
  requestedBy: 'ops',
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1',
  attempt: 1,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  operation: {
    name: 'suspend',
    executionArn: SUSPENSION,
    requestedBy: 'billing',
    startedAt: '2026-12-01T10:00:00.000Z',
  },
  lifecycleHistory: [
    {
      operation: 'suspend',
      executionArn: `${SUSPENSION}-0`,
      requestedBy: 'ops@example.com',
      startedAt: '2026-11-28T09:00:00.000Z',
      finishedAt: '2026-11-28T09:04:00.000Z',
      outcome: 'failed',
      failedStep: 'StopInstance',
      reason: 'InvalidDBInstanceState',
    },
    {
      operation: 'resume',
      executionArn: `${SUSPENSION}-x`,
      requestedBy: 'billing',
      startedAt: '2026-11-29T09:00:00.000Z',
      finishedAt: '2026-11-29T09:09:00.000Z',
      outcome: 'succeeded',
    },
  ],
};

describe('renderRecord', () => {
  it('names the operation in progress and lists the lifecycle history, one operation per line', () => {
    // Act
    const text = renderRecord(base);

    // Assess
    expect(text).toContain(
      `operation     tenant acme is busy: suspend by billing since 2026-12-01T10:00:00.000Z (execution ${SUSPENSION})`,
    );
    expect(text).toContain(
      'history\n' +
        '  2026-11-28T09:04:00.000Z  suspend by ops@example.com, started 2026-11-28T09:00:00.000Z: failed: StopInstance: InvalidDBInstanceState\n' +
        '  2026-11-29T09:09:00.000Z  resume by billing, started 2026-11-29T09:00:00.000Z: succeeded\n',
    );
  });

  it('shows no history section for a tenant without lifecycle operations', () => {
    // Prepare
    const { operation: _o, lifecycleHistory: _h, ...provisioned } = base;

    // Act
    const text = renderRecord({ ...provisioned, status: 'ACTIVE' });

    // Assess
    expect(text).not.toMatch(/history|operation/);
  });

  it('puts the operation and history into the --json record', () => {
    // Act
    const json = publicRecord(base);

    // Assess
    expect(json.operation).toEqual(base.operation);
    expect(json.lifecycleHistory).toEqual(base.lifecycleHistory);
  });
});
