import { Client } from 'pg';
import { OUTCOME_DETAIL_TYPES } from '../../../../lambdas/shared/contracts';
import { APP_USERNAME, DATABASE_NAME } from '../../../../lambdas/shared/naming';
import { connectionTo } from '../../../support/postgres';
import { findLeaks, registryRecord } from '../../../support/workflow-harness';
import { useWorkflow } from '../provisioning/fixtures';
import { appPassword, instanceStatus, runSuspension } from './fixtures';

/** Suspend and resume from the synthesized template, against the AWS double and a real PostgreSQL. */

const workflow = useWorkflow();

describe('suspending and resuming a tenant', () => {
  it.each(['starter', 'pro', 'enterprise'])(
    'stops a %s tenant with its application cut off, then brings it back',
    async (tier) => {
      // Prepare
      const tenantId = `pause-${tier}`;
      expect((await workflow.provision(tenantId, tier)).status).toBe('SUCCEEDED');
      const password = appPassword(workflow, tenantId);
      const double = workflow.double();

      // Act: suspend
      const suspended = await runSuspension(workflow, tenantId, 'suspend');

      // Assess: stopped, the application refused, the registry and the event say so
      expect(suspended.status).toBe('SUCCEEDED');
      expect(await instanceStatus(`tenant-${tenantId}`)).toBe('stopped');
      expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'SUSPENDED' });
      expect((await registryRecord(double, tenantId))?.operation).toBeUndefined();
      expect(suspended.publishedEvents.map((e) => [e.detailType, e.detail])).toEqual([
        [
          OUTCOME_DETAIL_TYPES.suspended,
          expect.objectContaining({
            outcomeId: `suspended:${suspended.executionArn}`,
            tenantId,
            tier,
            operation: 'suspend',
            status: 'SUSPENDED',
            outcome: 'succeeded',
            requestedBy: 'workflow-tests',
          }),
        ],
      ]);
      // The test database stands for the stopped instance and is still up: the role itself refuses the login.
      await expect(workflow.database().logIn(APP_USERNAME, password)).rejects.toThrow(/not permitted to log in/);
      // Long polls: a stop that takes minutes costs a handful of transitions.
      expect(suspended.transitions).toBeLessThanOrEqual(10);

      // Act: resume
      const resumed = await runSuspension(workflow, tenantId, 'resume');

      // Assess: available, the application logs in again with its unchanged password, history of both
      expect(resumed.status).toBe('SUCCEEDED');
      expect(await instanceStatus(`tenant-${tenantId}`)).toBe('available');
      await expect(workflow.database().logIn(APP_USERNAME, password)).resolves.toBe(APP_USERNAME);
      const record = await registryRecord(double, tenantId);
      expect(record?.status).toBe('ACTIVE');
      expect(record?.lifecycleHistory?.map((e) => [e.operation, e.outcome])).toEqual([
        ['suspend', 'succeeded'],
        ['resume', 'succeeded'],
      ]);
      expect(resumed.publishedEvents.map((e) => e.detailType)).toEqual([OUTCOME_DETAIL_TYPES.resumed]);
      expect(double.violations).toEqual([]);
      expect(findLeaks([suspended, resumed], [...workflow.database().passwords, password])).toEqual([]);
    },
  );

  it('ends the application sessions open when the tenant is suspended', async () => {
    // Prepare: the application holds a session on the tenant database
    const tenantId = 'connected';
    await workflow.provision(tenantId, 'starter');
    const database = workflow.database();
    const session = new Client(
      connectionTo(database.server, DATABASE_NAME, { user: APP_USERNAME, password: appPassword(workflow, tenantId) }),
    );
    // pg reports the termination, then the closed connection: both are expected here.
    const ended = new Promise<Error>((resolve) => session.on('error', resolve));
    await session.connect();

    // Act
    const run = await runSuspension(workflow, tenantId, 'suspend');

    // Assess: the step ended it, and the application saw its session terminated
    expect(run.status).toBe('SUCCEEDED');
    const login = run.stateData.find((d) => (d as { appLogin?: unknown })?.appLogin) as { appLogin: unknown };
    expect(login.appLogin).toEqual({ login: false, sessionsEnded: 1 });
    expect((await ended).message).toMatch(/terminat/);
    await session.end().catch(() => undefined);
    expect((await runSuspension(workflow, tenantId, 'resume')).status).toBe('SUCCEEDED');
  });
});
