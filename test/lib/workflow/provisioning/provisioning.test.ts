import { RUNTIME_ENV } from '../../../../lambdas/shared/config';
import { OUTCOME_DETAIL_TYPES, STEPS } from '../../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import {
  APP_USERNAME,
  alarmNames,
  appSecretName,
  DATABASE_NAME,
  instanceIdentifier,
} from '../../../../lambdas/shared/naming';
import { MIGRATIONS_DIR } from '../../../../lambdas/shared/schema/bundling';
import { shippedMigrations } from '../../../../lambdas/shared/schema/runner';
import { DEFAULT_TIERS } from '../../../../lambdas/shared/tiers';
import { DEFAULT_SIGNAL_CHECK_INTERVAL_MS } from '../../../../lambdas/wait-for-instance/poll';
import starterBillingEvent from '../../../fixtures/billing-events/valid/starter-minimal.json';
import { renderInput } from '../../../support/input-transformer';
import {
  findLeaks,
  READINESS_LISTENER,
  registryRecord,
  runWorkflow,
  synthesizedWorkflow,
  type WorkflowRun,
} from '../../../support/workflow-harness';
import { handlerEnvironment } from '../../../support/workflow-harness/environment';
import { describeSecret, useWorkflow } from './fixtures';

/**
 * The synthesized workflow end to end, for every tier: real handlers, the AWS double, a real PostgreSQL behind the
 * instance. Then what an hour-long RDS creation costs in state transitions, with and without the RDS event, and
 * the onboardings that must not provision: the same request started twice at once, and a new request for a
 * tenant that is already live.
 */

const workflow = useWorkflow();
const MINUTE = 60_000;

describe('a successful onboarding', () => {
  it.each([
    ['starter', false],
    ['pro', false],
    ['enterprise', true],
  ])('%s tier: ends ACTIVE with a database the application can log in to', async (tier, replicates) => {
    // Prepare
    const double = workflow.double();
    const tenantId = `happy-${tier}`;
    const platformKey = handlerEnvironment(synthesizedWorkflow())[RUNTIME_ENV.kmsKeyArn.name];

    // Act
    const run = await workflow.provision(tenantId, tier);

    // Assess: the execution and the registry
    expect(run).toMatchObject({ status: 'SUCCEEDED', endState: 'Provisioned' });
    const inventory = double.inventory();
    const [instance] = inventory.instances;
    const [secret] = inventory.secrets;
    expect(inventory.instances).toHaveLength(1);
    expect(instance?.identifier).toBe(instanceIdentifier(tenantId));
    expect(double.rds.describeInstance(instanceIdentifier(tenantId), double.region)?.DBInstanceClass).toBe(
      DEFAULT_TIERS[tier]?.instanceClass,
    );
    expect(inventory.secrets).toHaveLength(1);
    expect(secret?.name).toBe(appSecretName(tenantId));
    const { backingServer } = workflow.database();
    expect(await registryRecord(double, tenantId)).toMatchObject({
      status: 'ACTIVE',
      instanceId: instanceIdentifier(tenantId),
      endpointAddress: backingServer.address,
      endpointPort: backingServer.port,
      secretArn: secret?.arn,
      // The schema version the migrations left, and the master secret a schema rollout logs in with.
      schemaVersion: shippedMigrations(MIGRATIONS_DIR).at(-1),
      masterSecretArn: expect.stringContaining(':secret:rds!db-'),
    });

    // Assess: the announcement, without any secret
    const provisioned = run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.provisioned);
    expect(provisioned).toHaveLength(1);
    expect(provisioned[0]?.detail).toMatchObject({ tenantId, tier, secretArn: secret?.arn });
    expect(findLeaks([run], [...double.allSecretValues(), ...workflow.database().passwords])).toEqual([]);

    // Assess: alarms and backups
    expect(inventory.alarms.map((a) => a.name).sort()).toEqual(alarmNames(tenantId).sort());
    expect(inventory.replications.map((r) => r.region)).toEqual(replicates ? ['us-west-2'] : []);

    // Assess: the application secret in the standard RDS shape, under the platform key, and it works
    expect((await describeSecret(secret?.arn ?? '')).KmsKeyId).toBe(platformKey);
    const value = JSON.parse(double.secretsManager.currentValue(secret?.arn ?? '', double.region) ?? '{}');
    expect(Object.keys(value).sort()).toEqual(['dbname', 'engine', 'host', 'password', 'port', 'username']);
    expect(value).toMatchObject({
      engine: 'postgres',
      host: backingServer.address,
      port: backingServer.port,
      username: APP_USERNAME,
      dbname: DATABASE_NAME,
    });
    await expect(workflow.database().logIn(APP_USERNAME, value.password)).resolves.toBe(APP_USERNAME);

    // Assess: every step logged structured JSON carrying the tenant, tier and execution, and the metrics were emitted
    const json = run.logLines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    const stepLogs = json.filter((entry) => typeof entry.step === 'string');
    expect(new Set(stepLogs.map((entry) => entry.step))).toEqual(
      new Set([
        STEPS.validate,
        STEPS.claim,
        STEPS.createInstance,
        STEPS.waitForInstance,
        STEPS.storeCredentials,
        STEPS.runMigrations,
        STEPS.enableRotation,
        STEPS.configureBackups,
        STEPS.configureAlarms,
        STEPS.markActive,
      ]),
    );
    for (const entry of stepLogs) {
      expect(entry).toMatchObject({
        level: expect.any(String),
        service: 'tenant-db-provisioning',
        tenantId,
        tier,
        executionArn: expect.stringContaining(run.executionName),
      });
    }
    const emf = json.filter((entry) => entry._aws !== undefined);
    expect(emf).toContainEqual(expect.objectContaining({ TenantProvisioned: 1, tier }));
    expect(emf).toContainEqual(expect.objectContaining({ ProvisioningDuration: expect.any(Number), tier }));
  });
});

describe('an hour-long RDS creation', () => {
  const notice = (run: WorkflowRun) => run.noticeDelayMs ?? Number.POSITIVE_INFINITY;
  // The waiter's jitter (first look, describe interval) is drawn from Math.random: fixed here, so that no describe
  // lands on the very instant the instance becomes available and the run is the same every time.
  beforeEach(() => jest.spyOn(Math, 'random').mockReturnValue(0.37));
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['without the RDS event, by polling', undefined, 60_000],
    ['with the RDS event 1 s after', { deliveryDelaySeconds: 1 }, 1_000 + DEFAULT_SIGNAL_CHECK_INTERVAL_MS],
  ])('costs at most 25 transitions and is noticed %s', async (_how, rdsEvent, noticeWithinMs) => {
    // Prepare: 58 minutes creating plus 2 backing up; enterprise, whose budget (90 min) allows it
    Object.assign(workflow.double().rds.timings, { creationMs: 58 * MINUTE, backingUpMs: 2 * MINUTE });

    // Act
    const run = await workflow.provision('slow-rds', 'enterprise', { rdsEvent });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.instanceAvailableAt).toBe(run.startedAt + 60 * MINUTE);
    expect(run.transitions).toBeLessThanOrEqual(25);
    expect(notice(run)).toBeGreaterThanOrEqual(0);
    expect(notice(run)).toBeLessThanOrEqual(noticeWithinMs);
    const listened = run.invocations.filter((i) => i.name === READINESS_LISTENER);
    expect(listened).toHaveLength(rdsEvent ? 1 : 0);
    expect(run.invocations.filter((i) => i.name === STEPS.waitForInstance).length).toBeLessThanOrEqual(5);
  });
});

describe('a duplicate onboarding', () => {
  it('of the same request started twice at once provisions one database', async () => {
    // Prepare
    const double = workflow.double();
    const tenantId = 'twice';
    const request = { requestId: 'billing-evt-0001' };

    // Act
    const runs = await Promise.all(
      ['first', 'second'].map((name) =>
        workflow.provision(tenantId, 'starter', { request, executionName: `${tenantId}-starter-${name}` }),
      ),
    );

    // Assess: one provisioned, the other stopped at the claim
    expect(runs.map((r) => `${r.status}:${r.endState}`).sort()).toEqual([
      'SUCCEEDED:AlreadyRequested',
      'SUCCEEDED:Provisioned',
    ]);
    const duplicate = runs.find((r) => r.endState === 'AlreadyRequested');
    expect(duplicate?.invocations.map((i) => i.name)).toEqual([STEPS.validate, STEPS.claim]);
    const inventory = double.inventory();
    expect(inventory.instances.map((i) => i.identifier)).toEqual([instanceIdentifier(tenantId)]);
    expect(inventory.secrets).toHaveLength(1);
    expect(inventory.alarms.map((a) => a.name).sort()).toEqual(alarmNames(tenantId).sort());
    const winner = runs.find((r) => r.endState === 'Provisioned');
    expect(await registryRecord(double, tenantId)).toMatchObject({
      status: 'ACTIVE',
      executionArn: winner?.executionArn,
    });
  });

  it('of a billing event delivered twice provisions once', async () => {
    // Prepare: the sample event as the synthesized rule's input transformer hands it to the workflow
    const double = workflow.double();
    const input = renderInput(synthesizedWorkflow().billingInput, starterBillingEvent) as { tenantId: string };
    const deliver = (attempt: number) =>
      runWorkflow(input, {
        double,
        database: workflow.database(),
        // EventBridge names every execution it starts differently.
        executionName: `billing-delivery-${attempt}`,
      });

    // Act: the first delivery completes, then EventBridge delivers the same event again
    const first = await deliver(1);
    const second = await deliver(2);

    // Assess
    expect(input).toMatchObject({ tenantId: 'acme-corp', requestId: 'inv-2026-000123', requestedBy: 'billing' });
    expect([first.endState, second.endState]).toEqual(['Provisioned', 'AlreadyRequested']);
    expect(second.invocations.map((i) => i.name)).toEqual([STEPS.validate, STEPS.claim]);
    expect(double.inventory().instances.map((i) => i.identifier)).toEqual([instanceIdentifier(input.tenantId)]);
    expect(await registryRecord(double, input.tenantId)).toMatchObject({
      status: 'ACTIVE',
      executionArn: first.executionArn,
    });
  });

  it('of a tenant that is ACTIVE is rejected at the claim and leaves the live tenant untouched', async () => {
    // Prepare: the tenant is live
    const double = workflow.double();
    const tenantId = 'live';
    const live = await workflow.provision(tenantId, 'pro', { request: { requestId: 'first-request' } });
    expect(live.status).toBe('SUCCEEDED');
    const recordBefore = await registryRecord(double, tenantId);
    const inventoryBefore = double.inventory();

    // Act: another request for it
    const run = await workflow.provision(tenantId, 'pro', { request: { requestId: 'second-request' } });

    // Assess: rejected with the reason, nothing rolled back, nothing changed
    expect(run).toMatchObject({ status: 'FAILED', error: { Error: ERROR_NAMES.tenantConflict } });
    expect(run.invocations.map((i) => i.name)).toEqual([STEPS.validate, STEPS.claim, STEPS.recordFailure]);
    // A rejected request is its own outcome: a consumer keyed on the tenant must not read it as a failed tenant.
    expect(run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.failed)).toEqual([]);
    const rejected = run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.rejected);
    expect(rejected.map((e) => e.detail)).toEqual([
      expect.objectContaining({
        tenantId,
        rejectedStep: STEPS.claim,
        requestId: 'second-request',
        status: 'REJECTED',
        error: 'TenantConflictError',
      }),
    ]);
    expect(await registryRecord(double, tenantId)).toEqual(recordBefore);
    expect(double.inventory()).toEqual(inventoryBefore);
  });
});
