/**
 * The local platform's workflows in real time: the state machines of a real `cdk.out` (synthesized once for this
 * file, about 40 s) run with the bundled handlers against the AWS double on the wall clock, every instance backed by
 * the workflow-harness PostgreSQL server.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TenantRecord } from '../../../../lambdas/shared/contracts';
import { progressOf } from '../../../../lib/cli/progress';
import { AwsDouble, installAwsDouble } from '../../../../lib/local/aws';
import { followWallClock, type RealTimeClock } from '../../../../lib/local/aws/real-time';
import { createResources, synthesizedResources } from '../../../../lib/local/daemon/resources';
import { type LocalWorkflows, startLocalWorkflows } from '../../../../lib/local/workflows';
import { readCloudAssembly } from '../../../../lib/local/workflows/template';
import { startWorkflowDatabase, type WorkflowDatabase } from '../../../support/workflow-harness';

jest.setTimeout(200_000);

const ROOT = path.resolve(__dirname, '../../../..');

interface Described {
  status: string;
  input: string;
  output?: string;
  error?: string;
  startDate: Date;
  stopDate?: Date;
}

let cdkOut: string;
let stateDir: string;
let database: WorkflowDatabase;
let wallClock: RealTimeClock;
let double: AwsDouble;
let restore: () => void;
let workflows: LocalWorkflows;
let outputs: Record<string, string>;
const logLines: string[] = [];

const sfn = (command: string, input: Record<string, unknown>) =>
  workflows.dispatch({ service: 'sfn', command, region: 'us-east-1', input });

async function finished(executionArn: string, timeoutMs = 60_000): Promise<Described> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const described = (await sfn('DescribeExecution', { executionArn })) as Described;
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function record(tenantId: string): Promise<TenantRecord | undefined> {
  const items = (await double.dynamodb.items(outputs.RegistryTableName as string)) as unknown as TenantRecord[];
  return items.find((item) => item.tenantId === tenantId);
}

async function runToEnd(output: string, input: Record<string, unknown>) {
  const { executionArn } = (await sfn('StartExecution', {
    stateMachineArn: outputs[output],
    input: JSON.stringify(input),
  })) as { executionArn: string };
  return { executionArn, ...(await finished(executionArn)) };
}

const start = () =>
  startLocalWorkflows({ double, cdkOut, caFile: database.caFile, stateDir, log: (line) => logLines.push(line) });

beforeAll(async () => {
  // Inside the project, so the bundles find its node_modules (the SDK is external in them).
  cdkOut = mkdtempSync(path.join(ROOT, '.cdk.out-test-'));
  stateDir = mkdtempSync(path.join(tmpdir(), 'local-workflows-'));
  execFileSync('npx', ['cdk', 'synth', '--quiet', '-o', cdkOut], { cwd: ROOT, stdio: 'ignore' });
  database = await startWorkflowDatabase();
  wallClock = followWallClock();
  double = new AwsDouble({ clock: wallClock.clock });
  double.rds.backingServer = database.backingServer;
  Object.assign(double.rds.timings, {
    creationMs: 1000,
    backingUpMs: 500,
    deletionMs: 500,
    replicationPendingMs: 500,
    storageOptimizationMs: 500,
    stoppingMs: 500,
    startingMs: 500,
  });
  Object.assign(double.rdsSnapshots.timings, { snapshotMs: 500, copyMs: 500 });
  restore = installAwsDouble(double);
  workflows = await start();
  const described = (await workflows.dispatch({
    service: 'cloudformation',
    command: 'DescribeStacks',
    region: 'us-east-1',
    input: { StackName: 'tenant-db-workflow' },
  })) as { Stacks: { Outputs: { OutputKey: string; OutputValue: string }[] }[] };
  outputs = Object.fromEntries((described.Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  // What the stack creates and the handlers expect to find, as the daemon creates it.
  const target = { region: double.region, account: double.account };
  createResources(double, synthesizedResources(readCloudAssembly(cdkOut), target));
}, 300_000);

afterAll(async () => {
  await workflows?.stop();
  restore?.();
  wallClock?.stop();
  await database?.stop();
  if (cdkOut) rmSync(cdkOut, { recursive: true, force: true });
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('local workflows in real time', () => {
  it('provisions a tenant end to end with the bundled handlers: ACTIVE, its secret, a readable history', async () => {
    // Act
    const run = await runToEnd('StateMachineArn', { tenantId: 'acme', tier: 'starter' });

    // Assess
    expect({ status: run.status, error: run.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    const acme = await record('acme');
    expect(acme?.status).toBe('ACTIVE');
    const secret = await import('@aws-sdk/client-secrets-manager').then(
      async ({ SecretsManagerClient, GetSecretValueCommand }) =>
        new SecretsManagerClient({ region: 'us-east-1' }).send(
          new GetSecretValueCommand({ SecretId: acme?.secretArn }),
        ),
    );
    const { username, password } = JSON.parse(secret.SecretString ?? '{}') as { username: string; password: string };
    await expect(database.logIn(username, password)).resolves.toBe(username);
    const history = (await sfn('GetExecutionHistory', { executionArn: run.executionArn, maxResults: 1000 })) as {
      events: { type: string; timestamp: Date; id: number; previousEventId: number }[];
    };
    expect(history.events[0]?.type).toBe('ExecutionStarted');
    expect(history.events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(
      history.events.every((e, i) => e.timestamp instanceof Date && e.id === i + 1 && e.previousEventId === i),
    ).toBe(true);
    const progress = progressOf(history.events as never);
    expect(progress.end?.status).toBe('SUCCEEDED');
    expect(progress.completed.map((s) => s.step)).toEqual(
      expect.arrayContaining(['ValidateInput', 'RunMigrations', 'MarkActive']),
    );
    expect(progress.completed.every((s) => s.status === 'succeeded')).toBe(true);
    expect(logLines.some((line) => line.includes('step finished'))).toBe(true);
  });

  it('suspends, resumes, changes the tier and offboards the tenant', async () => {
    // Act & Assess
    const suspended = await runToEnd('SuspensionStateMachineArn', {
      tenantId: 'acme',
      operation: 'suspend',
      requestedBy: 'tests',
    });
    expect({ status: suspended.status, record: (await record('acme'))?.status }).toEqual({
      status: 'SUCCEEDED',
      record: 'SUSPENDED',
    });
    const resumed = await runToEnd('SuspensionStateMachineArn', {
      tenantId: 'acme',
      operation: 'resume',
      requestedBy: 'tests',
    });
    expect({ status: resumed.status, record: (await record('acme'))?.status }).toEqual({
      status: 'SUCCEEDED',
      record: 'ACTIVE',
    });
    const changed = await runToEnd('TierChangeStateMachineArn', {
      tenantId: 'acme',
      operation: 'change-tier',
      to: 'pro',
      when: 'now',
      requestedBy: 'tests',
    });
    expect({ status: changed.status, error: changed.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect((await record('acme'))?.tier).toBe('pro');
    // Its snapshot and deletion waits poll 30 s apart in AWS: locally, within maxWaitSeconds.
    const { executionArn } = (await sfn('StartExecution', {
      stateMachineArn: outputs.OffboardingStateMachineArn,
      input: JSON.stringify({ tenantId: 'acme', operation: 'offboard', requestedBy: 'tests' }),
    })) as { executionArn: string };
    const offboarded = await finished(executionArn, 30_000);
    expect({ status: offboarded.status, error: offboarded.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect((await record('acme'))?.status).toBe('OFFBOARDED');
  });

  it.each([
    ['the same name and input while it runs: the same execution', 'same', undefined],
    ['the same name with another input', 'other-input', 'ExecutionAlreadyExists'],
    ['an invalid name', 'invalid-name', 'InvalidName'],
    ['an unknown state machine', 'unknown-machine', 'StateMachineDoesNotExist'],
  ])('StartExecution with %s', async (_case, kind, errorName) => {
    // Prepare
    const tenantId = `idem-${kind}`;
    const input = JSON.stringify({ tenantId, tier: 'starter' });
    const first = (await sfn('StartExecution', {
      stateMachineArn: outputs.StateMachineArn,
      name: tenantId,
      input,
    })) as {
      executionArn: string;
    };

    // Act
    const again = sfn('StartExecution', {
      stateMachineArn: kind === 'unknown-machine' ? `${outputs.StateMachineArn}-nope` : outputs.StateMachineArn,
      name: kind === 'invalid-name' ? 'a name with spaces' : tenantId,
      input: kind === 'other-input' ? JSON.stringify({ tenantId, tier: 'pro' }) : input,
    });

    // Assess
    if (errorName) await expect(again).rejects.toMatchObject({ name: errorName });
    else await expect(again).resolves.toMatchObject({ executionArn: first.executionArn });
  });

  it('refuses a name already used by a closed execution, whatever the input', async () => {
    // Prepare
    const input = JSON.stringify({ tenantId: 'closed', tier: 'starter' });
    const { executionArn } = (await sfn('StartExecution', {
      stateMachineArn: outputs.StateMachineArn,
      name: 'closed',
      input,
    })) as {
      executionArn: string;
    };
    await finished(executionArn);
    expect(logLines.length).toBeGreaterThan(0);

    // Act & Assess
    await expect(
      sfn('StartExecution', { stateMachineArn: outputs.StateMachineArn, name: 'closed', input }),
    ).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
  });

  it('answers DescribeStacks with the outputs tenantctl looks up, and ValidationError for an unknown stack', async () => {
    // Assess
    expect(outputs.StateMachineArn).toMatch(/^arn:aws:states:us-east-1:123456789012:stateMachine:/);
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['RegistryTableName', 'SuspensionStateMachineArn', 'OffboardingScheduleFunctionName']),
    );
    await expect(
      workflows.dispatch({
        service: 'cloudformation',
        command: 'DescribeStacks',
        region: 'us-east-1',
        input: { StackName: 'nope' },
      }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('starts the target state machine of a one-time schedule when it is due, with its input', async () => {
    // Prepare
    const { CreateScheduleCommand, SchedulerClient } = await import('@aws-sdk/client-scheduler');
    const list = async () =>
      (
        (await sfn('ListExecutions', { stateMachineArn: outputs.SuspensionStateMachineArn })) as {
          executions: { executionArn: string }[];
        }
      ).executions;
    const before = (await list()).length;
    const input = JSON.stringify({ tenantId: 'scheduled', operation: 'suspend', requestedBy: 'schedule' });

    // Act
    await new SchedulerClient({ region: 'us-east-1' }).send(
      new CreateScheduleCommand({
        Name: 'scheduled-suspension',
        GroupName: process.env.OFFBOARDING_SCHEDULE_GROUP,
        ScheduleExpression: `at(${new Date().toISOString().slice(0, 19)})`,
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: outputs.SuspensionStateMachineArn,
          RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
          Input: input,
        },
      }),
    );
    let executions = await list();
    for (let i = 0; i < 50 && executions.length === before; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      executions = await list();
    }

    // Assess
    expect(executions).toHaveLength(before + 1);
    const newest = await finished(executions[0]?.executionArn as string);
    expect(newest).toMatchObject({ input });
  });

  it('aborts at restart an execution the previous run left RUNNING, and the reaper releases the tenant', async () => {
    // Prepare: an instance that takes long to create keeps the execution running.
    double.rds.timings.creationMs = 60_000;
    const { executionArn } = (await sfn('StartExecution', {
      stateMachineArn: outputs.StateMachineArn,
      name: 'stuck',
      input: JSON.stringify({ tenantId: 'stuck', tier: 'starter' }),
    })) as { executionArn: string };
    for (let i = 0; i < 100 && (await record('stuck'))?.status !== 'PROVISIONING'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(workflows.running()).toBeGreaterThanOrEqual(1);

    // Act
    await workflows.stop();
    workflows = await start();

    // Assess
    await expect(sfn('DescribeExecution', { executionArn })).resolves.toMatchObject({ status: 'ABORTED' });
    let status = (await record('stuck'))?.status;
    for (let i = 0; i < 100 && status === 'PROVISIONING'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await record('stuck'))?.status;
    }
    expect(status).not.toBe('PROVISIONING');
  });
});
