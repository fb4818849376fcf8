import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { colorsEnabled, stateText } from '../../../lib/cli/wait-view';
import {
  failedHistory,
  HISTORY_START,
  MIGRATION_FAILURE,
  runningHistory,
  succeededHistory,
} from '../../support/cli/history';
import { runTenantctl } from '../../support/cli/run-cli';

const sfn = mockClient(SFNClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const rds = mockClient(RDSClient);

const EXECUTION = 'arn:aws:states:us-east-1:111122223333:execution:tenant-db-provisioning:acme-corp-pro-1';

beforeEach(() => {
  sfn.reset();
  dynamo.reset();
  rds.reset();
});

function record(fields: Partial<TenantRecord>): TenantRecord {
  return {
    tenantId: 'acme-corp',
    tier: 'pro',
    status: 'PROVISIONING',
    attempt: 1,
    requestId: 'acme-corp-pro-1',
    requestedBy: 'jane',
    executionArn: EXECUTION,
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:00:01Z',
    ...fields,
  };
}

async function watch(...args: string[]) {
  const interrupt: { note?: string } = {};
  const { code, out, err } = await runTenantctl(['watch', 'acme-corp', '--registry-table', 'registry', ...args], {
    // Five minutes after the histories started.
    now: () => new Date(HISTORY_START.getTime() + 300_000),
    interrupt,
  });
  return { code, out: out + err, interrupt };
}

/** Only reads: no call that starts or changes anything reached AWS. */
function expectReadOnly(): void {
  const operations = [...sfn.calls(), ...dynamo.calls(), ...rds.calls()].map((c) => c.args[0].constructor.name);
  expect(operations.every((name) => /^(Get|Describe)/.test(name))).toBe(true);
}

describe('tenantctl watch', () => {
  it.each([
    [
      'a finished onboarding',
      record({ status: 'ACTIVE', endpointAddress: 'tenant-acme-corp.c1.rds.amazonaws.com', endpointPort: 5432 }),
      succeededHistory(),
      0,
      ['has ended; the tenant is ACTIVE', '✔ MarkActive', '✔ Tenant acme-corp is ACTIVE on tier pro'],
    ],
    [
      'a failed onboarding',
      record({ status: 'FAILED', failedStep: 'RunMigrations', failureReason: MIGRATION_FAILURE }),
      failedHistory(),
      1,
      ['has ended; the tenant is FAILED', '✖ Onboarding of acme-corp failed at step RunMigrations', MIGRATION_FAILURE],
    ],
  ])('shows how %s ended at once, with its exit code', async (_name, registry, history, exitCode, expected) => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: registry });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: history });

    // Act
    const run = await watch();

    // Assess
    expect(run.code).toBe(exitCode);
    for (const text of expected) expect(run.out).toContain(text);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(1);
    expectReadOnly();
  });

  it('follows a running onboarding with the step, the RDS status and the elapsed time, to its end', async () => {
    // Prepare
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: record({}) })
      .resolves({ Item: record({ status: 'ACTIVE', endpointAddress: 'h', endpointPort: 5432 }) });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: runningHistory() })
      .resolvesOnce({ events: runningHistory() })
      .resolves({ events: succeededHistory() });
    rds
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'creating' }] })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'backing-up' }] });

    // Act
    const run = await watch();

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('Watching the onboarding of acme-corp on tier pro: execution acme-corp-pro-1');
    expect(run.out).toContain('… WaitForInstance · RDS creating · 5:00 elapsed');
    expect(run.out).toContain('… WaitForInstance · RDS backing-up · 5:00 elapsed');
    expect(run.out).toContain('✔ Tenant acme-corp is ACTIVE on tier pro');
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'tenant-acme-corp',
    });
    expect(run.interrupt.note).toBe(
      'Stopped watching. The operation on acme-corp goes on in AWS (execution acme-corp-pro-1).\nWatch it again with: tenantctl watch acme-corp',
    );
    expectReadOnly();
  });

  it('keeps watching when the RDS status cannot be read', async () => {
    // Prepare
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: record({}) })
      .resolves({ Item: record({ status: 'ACTIVE' }) });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: runningHistory() })
      .resolves({ events: succeededHistory() });
    rds.on(DescribeDBInstancesCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    // Act
    const run = await watch();

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('RDS unknown (no rds:DescribeDBInstances permission)');
  });

  it('prints only the result as JSON with --json', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'FAILED', failedStep: 'RunMigrations' }) });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: failedHistory() });

    // Act
    const run = await watch('--json');

    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out)).toMatchObject({ tenantId: 'acme-corp', executionStatus: 'FAILED', exitCode: 1 });
  });

  it('exits 2 for a tenant the registry does not know', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const run = await watch();

    // Assess
    expect(run.code).toBe(2);
    expect(run.out).toContain('tenant: is not in the registry table registry');
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('stateText', () => {
  it.each([
    [{ elapsedSeconds: 0 }, 'starting · 0:00 elapsed'],
    [
      { step: 'WaitForInstance', rdsStatus: 'creating', elapsedSeconds: 754 },
      'WaitForInstance · RDS creating · 12:34 elapsed',
    ],
  ])('describes %j', (state, expected) => {
    // Act / Assess
    expect(stateText(state)).toBe(expected);
  });
});

describe('colorsEnabled', () => {
  it.each([
    ['a terminal', true, {}, true, true],
    ['a pipe', false, {}, true, false],
    ['NO_COLOR', true, { NO_COLOR: '1' }, true, false],
    ['--no-color', true, {}, false, false],
  ])('on %s: %s', (_name, isTTY, env, flag, expected) => {
    // Act / Assess
    expect(colorsEnabled(isTTY, env, flag)).toBe(expected);
  });
});
