import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord } from '../../../../lambdas/shared/contracts';
import type { RolloutRecord } from '../../../../lambdas/shared/rollout/contracts';
import { EXIT } from '../../../../lib/cli/exit-codes';
import { runTenantctl } from '../../../support/cli/run-cli';

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:tenant-db-workflow-schema-rollout';
const V1 = '20261101000100000_tenant-data-model';
const V2 = '20261201000000000_project-labels';
const TARGETS = ['--registry-table', 'registry', '--rollout-table', 'rollouts'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tenantctl-migrations-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  dynamo.reset();
  sfn.reset();
});

const active = (tenantId: string, fields: Partial<TenantRecord> = {}) =>
  ({ tenantId, tier: 'pro', status: 'ACTIVE', schemaVersion: V1, ...fields }) as TenantRecord;

const rollout = (fields: Partial<RolloutRecord> = {}): RolloutRecord => ({
  lockId: 'schema',
  rolloutId: 'rollout-2026-12-04T10-00-00-000Z',
  executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:rollout-2026-12-04T10-00-00-000Z`,
  status: 'HALTED',
  target: V2,
  requestedBy: 'jane',
  startedAt: '2026-12-04T10:00:00.000Z',
  updatedAt: '2026-12-04T10:05:00.000Z',
  leaseExpiresAt: '2026-12-04T22:00:00.000Z',
  waves: {
    0: {
      index: 0,
      name: 'canary',
      size: 1,
      failed: 1,
      failures: [{ tenantId: 'a', error: 'MigrationFailedError', reason: 'boom' }],
    },
  },
  haltReason: 'wave 0 (canary): 1 of 1 tenants failed',
  ...fields,
});

describe('tenantctl migrations status', () => {
  it('counts ACTIVE tenants by version against the last rollout target, with failures and drift', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: rollout() });
    dynamo.on(QueryCommand).resolves({
      Items: [
        active('a', {
          rolloutFailure: { rolloutId: 'r', wave: 0, error: 'MigrationFailedError', reason: 'boom', at: 'x' },
        }),
        active('b', { schemaVersion: V2 }),
        active('c', {
          rolloutFailure: {
            rolloutId: 'r',
            wave: 1,
            error: 'SchemaDriftError',
            reason: 'schema drift: hotfix',
            at: 'x',
          },
        }),
        active('d', { schemaVersion: undefined }),
      ],
    });

    // Act
    const text = await runTenantctl(['migrations', 'status', ...TARGETS]);
    const json = await runTenantctl(['migrations', 'status', ...TARGETS, '--json']);

    // Assess
    expect(text.code).toBe(EXIT.ok);
    expect(text.out).toContain('behind the target: 3 (a, c, d)');
    expect(text.out).toContain('drift: 1');
    expect(text.out).toContain('halted: wave 0');
    expect(JSON.parse(json.out)).toMatchObject({
      target: V2,
      tenants: 4,
      byVersion: [
        { version: '(not recorded)', tenants: 1 },
        { version: V1, tenants: 2 },
        { version: V2, tenants: 1 },
      ],
      behind: ['a', 'c', 'd'],
      failures: [{ tenantId: 'a' }, { tenantId: 'c', error: 'SchemaDriftError' }],
    });
  });
});

describe('tenantctl migrations plan', () => {
  it('plans offline from a tenant list, without AWS', async () => {
    // Prepare
    const file = join(dir, 'tenants.json');
    const tenants = Array.from({ length: 12 }, (_, i) => ({
      tenantId: `t${String(i).padStart(2, '0')}`,
      tier: i < 3 ? 'enterprise' : 'pro',
      schemaVersion: V1,
    }));
    writeFileSync(
      file,
      JSON.stringify([
        ...tenants,
        { tenantId: 'done', tier: 'pro', schemaVersion: V2 },
        { tenantId: 'off', tier: 'pro', status: 'FAILED' },
      ]),
    );

    // Act
    const run = await runTenantctl([
      'migrations',
      'plan',
      '--tenants',
      file,
      '--target',
      V2,
      '--canary',
      't05',
      '--waves',
      'tier:enterprise',
      '--json',
    ]);

    // Assess
    expect(run.code).toBe(EXIT.ok);
    expect(JSON.parse(run.out)).toMatchObject({
      target: V2,
      atTarget: 1,
      waves: [
        { name: 'canary', size: 1, tenants: ['t05'] },
        { name: 'tier enterprise', size: 3 },
        { name: 'other tiers', size: 8 },
      ],
    });
    expect(dynamo.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    [['--tolerate', 'lots'], '--tolerate'],
    [['--max-concurrency', '0'], '--max-concurrency'],
    [['--waves', 'percent:10,50'], '--waves'],
    [['--canary', 'Bad Id'], '--canary'],
    [['--target', 'latest'], '--target'],
  ])('rejects %j before any call, naming %s (exit 2)', async (flags, flag) => {
    // Prepare
    const file = join(dir, 'one.json');
    writeFileSync(file, JSON.stringify([{ tenantId: 'a', tier: 'pro' }]));

    // Act
    const run = await runTenantctl(['migrations', 'plan', '--tenants', file, '--target', V2, ...flags]);

    // Assess
    expect(run.code).toBe(EXIT.badInput);
    expect(run.err).toContain(flag);
  });
});

describe('tenantctl migrations rollout', () => {
  const start = (...args: string[]) =>
    runTenantctl(
      ['migrations', 'rollout', '--rollout-state-machine-arn', MACHINE, '--rollout-table', 'rollouts', ...args],
      {
        now: () => new Date('2026-12-04T10:00:00.000Z'),
      },
    );

  it('starts the rollout with the options given', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x` });

    // Act
    const run = await start('--canary', '3', '--tolerate', '2%', '--max-concurrency', '100', '--json');

    // Assess
    expect(run.code).toBe(EXIT.ok);
    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(input?.stateMachineArn).toBe(MACHINE);
    expect(JSON.parse(input?.input ?? '{}')).toEqual({
      canary: 3,
      tolerate: '2%',
      maxConcurrency: 100,
      requestedBy: 'jane',
    });
  });

  it.each([
    ['SUCCEEDED', undefined, EXIT.ok, 'COMPLETED'],
    ['FAILED', 'RolloutHalted', EXIT.provisioningFailed, 'HALTED'],
    ['FAILED', 'RolloutConflictError', EXIT.refused, undefined],
  ])('follows it with --wait: %s %s → exit %i', async (status, error, code, recordStatus) => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x` });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({
        status: status as 'SUCCEEDED' | 'FAILED',
        ...(error ? { error, cause: 'see the rollout record' } : {}),
      });
    dynamo.on(GetCommand).resolves({
      Item: recordStatus
        ? rollout({ status: recordStatus as RolloutRecord['status'] })
        : rollout({ rolloutId: 'another' }),
    });

    // Act
    const run = await start('--wait');

    // Assess
    expect(run.code).toBe(code);
    if (recordStatus) expect(run.out).toContain('wave 0 canary: 0/1 migrated, 1 failed');
  });
});
