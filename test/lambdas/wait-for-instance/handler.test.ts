import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { clock } from '../../../lambdas/shared/clock';
import type { ReadinessResult, ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { handler } from '../../../lambdas/wait-for-instance/handler';
import {
  POLL_BUDGET_SECONDS,
  pollBudgetSecondsWithin,
  WAIT_FUNCTION_TIMEOUT_SECONDS,
} from '../../../lambdas/wait-for-instance/options';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';
import { assertSleepAdvances, runawayGuard } from '../../support/runaway';

const MINUTE = 60_000;
const CREATED = Date.parse('2026-11-26T10:00:00.000Z');
const ENDPOINT = { Address: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com', Port: 5432 };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf';

function stateFor(tier: string): WorkflowState {
  const tierDefinition = DEFAULT_TIERS[tier] as TierDefinition;
  const request: ValidatedRequest = {
    tenantId: 'acme',
    tier,
    tierDefinition,
    requestedBy: 'ops',
    requestId: 'r1',
    metadata: {},
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-1',
    executionName: 'acme-1',
  };
  return {
    request,
    claim: { outcome: 'CLAIMED', attempt: 1 },
    instance: {
      instanceId: 'tenant-acme',
      instanceArn: 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme',
      deadline: new Date(CREATED + tierDefinition.provisioningBudgetMinutes * MINUTE).toISOString(),
    },
  };
}

const rds = mockClient(RDSClient);
const ddb = mockClient(DynamoDBDocumentClient);
let now = CREATED;

/** RDS creating the instance for `minutes`, then available; the registry signal appears at `signalAfter`. */
function arrange(minutes: number, signalAfter?: number) {
  rds.on(DescribeDBInstancesCommand).callsFake(() => ({
    DBInstances: [
      now < CREATED + minutes * MINUTE
        ? { DBInstanceIdentifier: 'tenant-acme', DBInstanceStatus: 'creating' }
        : {
            DBInstanceIdentifier: 'tenant-acme',
            DBInstanceStatus: 'available',
            Endpoint: ENDPOINT,
            MasterUserSecret: { SecretArn: SECRET_ARN, SecretStatus: 'active' },
          },
    ],
  }));
  ddb.on(GetCommand).callsFake(() => ({
    Item:
      signalAfter !== undefined && now >= CREATED + signalAfter * MINUTE
        ? { tenantId: 'acme', readySignalAt: new Date(CREATED + signalAfter * MINUTE).toISOString() }
        : { tenantId: 'acme' },
  }));
}

/** Runs the step the way the workflow's Choice loop does: again and again while it answers PENDING. */
async function runWait(state: WorkflowState): Promise<{ result: ReadinessResult; invocations: number }> {
  let current = state;
  const invocation = runawayGuard('the handler', 100);
  for (let invocations = 1; ; invocations += 1) {
    invocation();
    const result = await handler(current, lambdaContext());
    if (result.status === 'AVAILABLE') return { result, invocations };
    current = { ...current, readiness: result };
  }
}

beforeEach(() => {
  rds.reset();
  ddb.reset();
  now = CREATED;
  const step = runawayGuard('clock.now()', 20_000);
  jest.spyOn(clock, 'now').mockImplementation(() => {
    step();
    return now;
  });
  jest.spyOn(clock, 'sleep').mockImplementation(async (ms) => {
    assertSleepAdvances(ms);
    now += ms;
  });
  jest.spyOn(Math, 'random').mockReturnValue(0.5);
  process.env.REGISTRY_TABLE_NAME = 'tenant-registry';
  delete process.env.POLL_BUDGET_SECONDS;
});

afterEach(() => jest.restoreAllMocks());

describe('WaitForInstance handler', () => {
  it.each<[string, number, number]>([
    ['starter', 12, 1],
    ['pro', 40, 4],
    ['enterprise', 60, 5],
  ])('waits out a %s creation of %i minutes in %i invocations', async (tier, minutes, expectedInvocations) => {
    // Prepare
    arrange(minutes);

    // Act
    const { result, invocations } = await runWait(stateFor(tier));

    // Assess
    expect(invocations).toBe(expectedInvocations);
    expect(result).toEqual({
      status: 'AVAILABLE',
      endpointAddress: ENDPOINT.Address,
      endpointPort: 5432,
      masterSecretArn: SECRET_ARN,
      // What ConfigureBackups needs of the instance, as the last describe reported it.
      instance: expect.objectContaining({
        DBInstanceIdentifier: 'tenant-acme',
        DBInstanceAutomatedBackupsReplications: [],
      }),
      polls: rds.commandCalls(DescribeDBInstancesCommand).length,
    });
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'tenant-acme' });
  });

  it('notices the instance within seconds of the readiness signal', async () => {
    // Prepare
    arrange(20, 20);

    // Act
    await runWait(stateFor('pro'));

    // Assess
    expect(now - (CREATED + 20 * MINUTE)).toBeLessThanOrEqual(5_000);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'tenant-registry', Key: { tenantId: 'acme' } });
  });

  it('hands back PENDING after the configured budget', async () => {
    // Prepare
    arrange(30);
    process.env.POLL_BUDGET_SECONDS = '300';

    // Act
    const result = await handler(stateFor('pro'), lambdaContext());

    // Assess: the first look waits 90 s (half the 180 s jitter at random 0.5), then a describe every 30 s
    expect(result).toEqual({ status: 'PENDING', polls: 7 });
    expect(now - CREATED).toBe(300_000);
  });

  it('fails with the workflow-visible InstanceFailedError on a failed status', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'incompatible-parameters' }] });
    ddb.on(GetCommand).resolves({});

    // Act
    const result = handler(stateFor('starter'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'InstanceFailedError', message: /incompatible-parameters/ });
  });

  it('fails with ProvisioningTimeoutError once the tier deadline has passed', async () => {
    // Prepare
    arrange(24 * 60);
    now = CREATED + 46 * MINUTE;

    // Act
    const result = handler(stateFor('starter'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ProvisioningTimeoutError' });
  });

  it('fails with ConfigurationError when the state has no instance', async () => {
    // Prepare
    const { instance: _omitted, ...state } = stateFor('pro');

    // Act
    const result = handler(state, lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ConfigurationError', message: /\$\.instance/ });
  });
});

describe('POLL_BUDGET_SECONDS', () => {
  it.each<[string | undefined, number]>([
    [undefined, 780],
    ['60', 60],
    ['840', 840],
  ])('reads POLL_BUDGET_SECONDS=%s as %i s', (raw, expected) => {
    expect(POLL_BUDGET_SECONDS.parse(raw)).toBe(expected);
  });

  it.each(['0', '841', '12.5', 'soon'])('rejects POLL_BUDGET_SECONDS=%s', (raw) => {
    expect(() => POLL_BUDGET_SECONDS.parse(raw)).toThrow(
      /POLL_BUDGET_SECONDS must be a whole number of seconds from 1 to 840/,
    );
  });

  it('is derived from the function timeout, leaving two minutes of Lambda time for the last describe', () => {
    expect(pollBudgetSecondsWithin(WAIT_FUNCTION_TIMEOUT_SECONDS)).toBe(780);
  });
});
