import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { failedHistory, MIGRATION_FAILURE, succeededHistory } from '../../support/cli/history';
import { type CliRun, runTenantctl } from '../../support/cli/run-cli';

const sfn = mockClient(SFNClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const cloudFormation = mockClient(CloudFormationClient);

const SM = 'arn:aws:states:us-east-1:111122223333:stateMachine:tenant-db-provisioning';
const execution = (name: string) => `arn:aws:states:us-east-1:111122223333:execution:tenant-db-provisioning:${name}`;
/** A value that must never reach the output, planted in registry items as an attribute nobody allow-listed. */
const PLANTED_SECRET = 'pl4nted-S3cret-value';

let cdkJson: string;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tenantctl-commands-'));
  cdkJson = join(dir, 'cdk.json');
  writeFileSync(cdkJson, JSON.stringify({ context: {} }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  sfn.reset();
  dynamo.reset();
  cloudFormation.reset();
});

const tenantctl = (...args: string[]): Promise<CliRun> => runTenantctl(args);

const WORKFLOW = ['--state-machine-arn', SM, '--registry-table', 'registry'];
const onboard = (...args: string[]) =>
  tenantctl('onboard', 'acme-corp', '--tier', 'pro', '--cdk-json', cdkJson, ...WORKFLOW, ...args);

function record(fields: Partial<TenantRecord>): TenantRecord & { masterPassword: string } {
  return {
    tenantId: 'acme-corp',
    tier: 'pro',
    status: 'PROVISIONING',
    attempt: 1,
    requestId: 'acme-corp-pro-1',
    requestedBy: 'jane',
    executionArn: execution('acme-corp-pro-1'),
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:00:01Z',
    masterPassword: PLANTED_SECRET,
    ...fields,
  };
}

const activeRecord = record({
  status: 'ACTIVE',
  instanceId: 'tenant-acme-corp',
  endpointAddress: 'tenant-acme-corp.c1abc.us-east-1.rds.amazonaws.com',
  endpointPort: 5432,
  secretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:saas/tenant/acme-corp/app-AbCdEf',
  provisionedAt: '2026-11-20T10:11:43Z',
});

const anyAwsCall = () => sfn.calls().length + dynamo.calls().length + cloudFormation.calls().length;

describe('tenantctl onboard', () => {
  it.each([
    ['a bad tenant id', ['onboard', 'Acme', '--tier', 'pro'], 'tenantId: may contain only lower-case letters'],
    ['an unknown tier', ['onboard', 'acme-corp', '--tier', 'gold'], 'tier: must be one of starter, pro, enterprise'],
    [
      'an empty --requested-by',
      ['onboard', 'acme-corp', '--tier', 'pro', '--requested-by', ''],
      'requestedBy: must be a string of 1-128',
    ],
    [
      'a bad --poll-interval',
      ['onboard', 'acme-corp', '--tier', 'pro', '--poll-interval', 'soon'],
      '--poll-interval: must be a positive number',
    ],
    ['a missing --tier', ['onboard', 'acme-corp'], "required option '--tier <tier>' not specified"],
  ])('rejects %s with exit 2 before any AWS call', async (_name, args, message) => {
    // Act
    const run = await tenantctl(...args, '--cdk-json', cdkJson, ...WORKFLOW);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(anyAwsCall()).toBe(0);
  });

  it('refuses an ACTIVE tenant with exit 4 and starts nothing', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: activeRecord });

    // Act
    const run = await onboard();

    // Assess
    expect(run.code).toBe(4);
    expect(run.err).toContain('refused: tenant acme-corp is already ACTIVE on tier pro');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('starts the next attempt, named and keyed for idempotency', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'FAILED', attempt: 2 }) });
    sfn.on(StartExecutionCommand).resolves({ executionArn: execution('acme-corp-pro-3'), startDate: new Date() });

    // Act
    const run = await onboard();

    // Assess
    expect(run.code).toBe(0);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(SM);
    expect(start?.name).toBe('acme-corp-pro-3');
    expect(JSON.parse(start?.input ?? '')).toEqual({
      tenantId: 'acme-corp',
      tier: 'pro',
      requestedBy: 'jane',
      requestId: 'acme-corp-pro-3',
    });
    expect(run.out).toContain('Started onboarding of acme-corp on tier pro: execution acme-corp-pro-3');
    expect(run.out).toContain('Follow it with: tenantctl watch acme-corp');
  });

  it('joins the execution an earlier run started instead of starting a second one', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Execution Already Exists'), { name: 'ExecutionAlreadyExists' }));
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: execution('acme-corp-pro-1'),
      status: 'RUNNING',
      stateMachineArn: SM,
      startDate: new Date(),
    });

    // Act
    const run = await onboard('--json', '--requested-by', 'ops@example.com');

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual({
      tenantId: 'acme-corp',
      tier: 'pro',
      action: 'already-started',
      executionArn: execution('acme-corp-pro-1'),
      executionStatus: 'RUNNING',
      attempt: 1,
      skippedExecutions: [],
    });
    // Metadata only: the state machine's customer-managed key is not needed to read a name and a status.
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({
      executionArn: execution('acme-corp-pro-1'),
      includedData: 'METADATA_ONLY',
    });
  });

  /** Names held by earlier executions, with their status; every other name is free. */
  function takenNames(statuses: Record<string, ExecutionStatus>): void {
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => {
      if (statuses[input.name] === undefined) return { executionArn: execution(input.name), startDate: new Date() };
      throw Object.assign(new Error('Execution Already Exists'), { name: 'ExecutionAlreadyExists' });
    });
    sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => ({
      executionArn: input.executionArn,
      stateMachineArn: SM,
      status: statuses[input.executionArn.split(':').pop() as string],
      startDate: new Date(),
    }));
  }

  it.each<[string, Record<string, ExecutionStatus>, number, string[], string[]]>([
    [
      'passes over a name held by an execution that ended before claiming and starts the next attempt',
      { 'acme-corp-pro-2': 'FAILED', 'acme-corp-pro-3': 'TIMED_OUT' },
      0,
      ['acme-corp-pro-2', 'acme-corp-pro-3', 'acme-corp-pro-4'],
      [
        'Execution names acme-corp-pro-2, acme-corp-pro-3 are held by executions that ended without owning the tenant.',
        'Started onboarding of acme-corp on tier pro: execution acme-corp-pro-4 (attempt 4)',
        'Follow it with: tenantctl watch acme-corp',
      ],
    ],
    [
      'joins a running execution found after an ended one',
      { 'acme-corp-pro-2': 'ABORTED', 'acme-corp-pro-3': 'RUNNING' },
      0,
      ['acme-corp-pro-2', 'acme-corp-pro-3'],
      ['Execution acme-corp-pro-3 already exists (RUNNING): an earlier run started it'],
    ],
    [
      'gives up with exit 1 after five more names, all held by ended executions',
      Object.fromEntries([2, 3, 4, 5, 6, 7].map((n) => [`acme-corp-pro-${n}`, 'FAILED'])),
      1,
      [2, 3, 4, 5, 6, 7].map((n) => `acme-corp-pro-${n}`),
      [
        'Execution acme-corp-pro-7 already exists and has ended (FAILED); no new attempt was started.',
        'Nothing was started. See why it ended (tenantctl status acme-corp',
      ],
    ],
  ])('%s', async (_name, statuses, code, tried, messages) => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'FAILED', attempt: 1 }) });
    takenNames(statuses);

    // Act
    const run = await onboard();

    // Assess
    expect(run.code).toBe(code);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual(tried);
    for (const message of messages) expect(run.out).toContain(message);
  });

  it('reports the names it passed over and the attempt it started as JSON', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'FAILED', attempt: 1 }) });
    takenNames({ 'acme-corp-pro-2': 'FAILED' });

    // Act
    const run = await onboard('--json');

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({
      action: 'started',
      executionArn: execution('acme-corp-pro-3'),
      attempt: 3,
      skippedExecutions: ['acme-corp-pro-2'],
    });
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[1]?.args[0].input.input ?? '')).toMatchObject({
      requestId: 'acme-corp-pro-3',
    });
  });

  it("starts past the tenant's own execution when its name is ahead of the registry's attempt", async () => {
    // Prepare
    // An earlier run skipped names 2 and 3: ClaimTenant recorded attempt 2 for execution acme-corp-pro-4.
    dynamo.on(GetCommand).resolves({
      Item: record({ status: 'FAILED', attempt: 2, executionArn: execution('acme-corp-pro-4') }),
    });
    takenNames({ 'acme-corp-pro-2': 'FAILED', 'acme-corp-pro-3': 'FAILED', 'acme-corp-pro-4': 'FAILED' });

    // Act
    const run = await onboard();

    // Assess
    expect(run.code).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual(['acme-corp-pro-5']);
  });

  it('follows a tenant already PROVISIONING on the same tier without starting anything', async () => {
    // Prepare
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: record({}) })
      .resolves({ Item: activeRecord });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: succeededHistory() });

    // Act
    const run = await onboard('--wait');

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('already being provisioned on tier pro by execution acme-corp-pro-1');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('with --wait prints each step and ends with the endpoint and secret ARN, never a secret value', async () => {
    // Prepare
    // Each run reads the registry before starting (no record yet) and after the execution (ACTIVE).
    dynamo
      .on(GetCommand)
      .resolvesOnce({})
      .resolvesOnce({ Item: activeRecord })
      .resolvesOnce({})
      .resolves({ Item: activeRecord });
    sfn.on(StartExecutionCommand).resolves({ executionArn: execution('acme-corp-pro-1'), startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: succeededHistory() });

    // Act
    const text = await onboard('--wait');
    const json = await onboard('--wait', '--json');

    // Assess
    expect(text.code).toBe(0);
    expect(text.out).toContain('✔ CreateInstance     0:42');
    expect(text.out).toContain('✔ MarkActive         11:43');
    expect(text.out).toContain('endpoint  tenant-acme-corp.c1abc.us-east-1.rds.amazonaws.com:5432');
    expect(text.out).toContain(
      'secret    arn:aws:secretsmanager:us-east-1:111122223333:secret:saas/tenant/acme-corp/app-AbCdEf',
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      action: 'started',
      executionStatus: 'SUCCEEDED',
      tenantStatus: 'ACTIVE',
    });
    for (const output of [text.out, text.err, json.out, json.err]) expect(output).not.toContain(PLANTED_SECRET);
  });

  it('with --wait exits 1 naming the failed step and the reason', async () => {
    // Prepare
    dynamo
      .on(GetCommand)
      .resolvesOnce({})
      .resolves({ Item: record({ status: 'FAILED', failedStep: 'RunMigrations', failureReason: MIGRATION_FAILURE }) });
    sfn.on(StartExecutionCommand).resolves({ executionArn: execution('acme-corp-pro-1'), startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: failedHistory() });

    // Act
    const run = await onboard('--wait');

    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain(`✖ RunMigrations      6:03  MigrationError: ${MIGRATION_FAILURE}`);
    expect(run.out).toContain('failed at step RunMigrations');
    expect(run.out).toContain(`reason    ${MIGRATION_FAILURE}`);
    expect(run.out).toContain('run the same command again');
  });

  it('exits 3 naming every way to locate the workflow when none is set', async () => {
    // Prepare
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id tenant-db-workflow does not exist'), { name: 'ValidationError' }),
      );

    // Act
    const run = await tenantctl('onboard', 'acme-corp', '--tier', 'pro', '--cdk-json', cdkJson);

    // Assess
    expect(run.code).toBe(3);
    expect(run.err).toContain('--state-machine-arn');
    expect(run.err).toContain('TENANTCTL_STATE_MACHINE_ARN');
    expect(run.err).toContain('--stack');
  });
});

describe('tenantctl status and list', () => {
  it('shows the allow-listed fields of a record, as text and as JSON', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: activeRecord });

    // Act
    const text = await tenantctl('status', 'acme-corp', '--registry-table', 'registry');
    const json = await tenantctl('status', 'acme-corp', '--registry-table', 'registry', '--json');

    // Assess
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/status\s+ACTIVE/);
    expect(text.out).toMatch(/endpointAddress\s+tenant-acme-corp\.c1abc/);
    expect(JSON.parse(json.out)).toMatchObject({ tenantId: 'acme-corp', status: 'ACTIVE', endpointPort: 5432 });
    for (const output of [text.out, json.out]) expect(output).not.toContain(PLANTED_SECRET);
  });

  it.each([
    [
      'an unknown tenant',
      ['status', 'nobody', '--registry-table', 'registry'],
      'tenant: is not in the registry table registry',
    ],
    [
      'an invalid tenant id',
      ['status', 'No_Body', '--registry-table', 'registry'],
      'tenant: may contain only lower-case',
    ],
    ['an unknown status', ['list', '--status', 'done', '--registry-table', 'registry'], '--status: must be one of'],
  ])('exits 2 for %s', async (_name, args, message) => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const run = await tenantctl(...args);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
  });

  it('lists one status through the index and everything through a scan', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [activeRecord] });
    dynamo.on(ScanCommand).resolves({
      Items: [
        activeRecord,
        record({ tenantId: 'beta', status: 'FAILED', failedStep: 'CreateInstance', failureReason: 'quota exceeded' }),
      ],
    });

    // Act
    const active = await tenantctl('list', '--status', 'ACTIVE', '--registry-table', 'registry', '--json');
    const all = await tenantctl('list', '--registry-table', 'registry');

    // Assess
    expect(JSON.parse(active.out)).toHaveLength(1);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
    expect(all.out.split('\n')[0]).toMatch(/^TENANT\s+TIER\s+STATUS\s+ATTEMPT\s+UPDATED\s+DETAIL$/);
    expect(all.out).toMatch(
      /acme-corp\s+pro\s+ACTIVE\s+1\s+\S+\s+tenant-acme-corp\.c1abc\.us-east-1\.rds\.amazonaws\.com:5432/,
    );
    expect(all.out).toMatch(/beta\s+pro\s+FAILED\s+1\s+\S+\s+CreateInstance: quota exceeded/);
    for (const output of [active.out, all.out]) expect(output).not.toContain(PLANTED_SECRET);
  });
});

describe('tenantctl --help', () => {
  it('documents the exit codes and where the workflow is found', async () => {
    // Act
    const run = await tenantctl('--help');

    // Assess
    expect(run.code).toBe(0);
    for (const expected of [
      'Exit codes:',
      '1    the operation failed',
      '2    bad input',
      '3    AWS or configuration error',
      '4    refused',
      '5    no answer from AWS within --timeout seconds',
      '130  interrupted (Ctrl-C)',
      'TENANTCTL_REGISTRY_TABLE',
      'Examples:',
    ]) {
      expect(run.out).toContain(expected);
    }
  });
});
