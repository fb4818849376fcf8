import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { createClients, createRecoveryClients, createRotationClients } from '../../../lib/cli/aws';
import { forwardToLocalPlatform } from '../../../lib/local/remote/client';
import type { AwsRequest } from '../../../lib/local/remote/protocol';
import { writeEndpoint } from '../../../lib/local/state-dir';
import { runTenantctl } from '../../support/cli/run-cli';
import { LOCAL_REGION, LOCAL_REGISTRY, startTestPlatform, type TestPlatform } from '../../support/local-platform';

const STATE_MACHINE = `arn:aws:states:${LOCAL_REGION}:123456789012:stateMachine:tenant-db-provisioning`;
const PASSWORD = 'Loc4l-app:pass\\word';

let platform: TestPlatform;
beforeEach(async () => {
  platform = await startTestPlatform();
  // The workflow stack's outputs, as the local workflows answer DescribeStacks.
  platform.extra.cloudformation = async () => ({
    Stacks: [
      {
        StackName: 'tenant-db-workflow',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date('2026-12-04T10:00:00Z'),
        Outputs: [
          { OutputKey: 'RegistryTableName', OutputValue: LOCAL_REGISTRY },
          { OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE },
        ],
      },
    ],
  });
});
afterEach(() => platform.close());

/** tenantctl with the real client factories, so `--local` decides where the calls go. */
const tenantctl = (args: readonly string[], env: Record<string, string> = {}) =>
  runTenantctl(args, {
    env,
    clients: createClients,
    recoveryClients: createRecoveryClients,
    rotationClients: createRotationClients,
  });

function record(fields: Partial<TenantRecord>): Record<string, unknown> {
  const item: TenantRecord = {
    tenantId: 'acme-corp',
    tier: 'pro',
    status: 'ACTIVE',
    attempt: 1,
    requestId: 'acme-corp-pro-1',
    requestedBy: 'jane',
    executionArn: `arn:aws:states:${LOCAL_REGION}:123456789012:execution:tenant-db-provisioning:acme-corp-pro-1`,
    createdAt: '2026-12-04T10:00:00Z',
    updatedAt: '2026-12-04T10:05:00Z',
    ...fields,
  };
  return { ...item };
}

describe('tenantctl --local', () => {
  it.each([
    ['--local --state-dir', (dir: string) => [['--local', '--state-dir', dir], {}]],
    [
      'TENANT_DB_LOCAL=1 and TENANT_DB_LOCAL_DIR',
      (dir: string) => [[], { TENANT_DB_LOCAL: '1', TENANT_DB_LOCAL_DIR: dir }],
    ],
  ] as const)('reads the registry of the local platform with %s, in its Region', async (_how, select) => {
    // Prepare
    await platform.double.dynamodb.seed(LOCAL_REGISTRY, record({ endpointAddress: '127.0.0.1', endpointPort: 54321 }));
    const [flags, env] = select(platform.stateDir) as [string[], Record<string, string>];
    // Act
    const run = await tenantctl([...flags, 'status', 'acme-corp', '--json'], env);
    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ tenantId: 'acme-corp', status: 'ACTIVE' });
    expect(platform.requests.map((r) => `${r.service} ${r.command} ${r.region}`)).toEqual([
      `cloudformation DescribeStacks ${LOCAL_REGION}`,
      `dynamodb GetItem ${LOCAL_REGION}`,
    ]);
  });

  it('joins the execution that holds the name when Step Functions answers ExecutionAlreadyExists', async () => {
    // Prepare
    const executionArn = `arn:aws:states:${LOCAL_REGION}:123456789012:execution:tenant-db-provisioning:acme-corp-pro-1`;
    platform.extra.sfn = async (request: AwsRequest) => {
      if (request.command === 'StartExecution') {
        throw Object.assign(new Error(`Execution Already Exists: '${executionArn}'`), {
          name: 'ExecutionAlreadyExists',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return { executionArn, stateMachineArn: STATE_MACHINE, status: 'RUNNING', startDate: new Date() };
    };
    // Act
    const run = await tenantctl([
      'onboard',
      'acme-corp',
      '--tier',
      'pro',
      '--local',
      '--state-dir',
      platform.stateDir,
      '--json',
    ]);
    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ action: 'already-started', executionArn, executionStatus: 'RUNNING' });
  });

  it('lists local tenants', async () => {
    // Prepare
    await platform.double.dynamodb.seed(LOCAL_REGISTRY, record({}));
    await platform.double.dynamodb.seed(LOCAL_REGISTRY, record({ tenantId: 'globex', status: 'SUSPENDED' }));
    // Act
    const run = await tenantctl(['list', '--local', '--state-dir', platform.stateDir]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/acme-corp\s+pro\s+ACTIVE/);
    expect(run.out).toMatch(/globex\s+pro\s+SUSPENDED/);
  });

  it.each([
    ['reads the local registry without credentials', [], ['cloudformation DescribeStacks', 'dynamodb GetItem']],
    ['stays offline with --offline', ['--offline'], []],
  ])('plan --local %s', async (_what, flags, calls) => {
    // Act
    const run = await tenantctl([
      'plan',
      'acme-corp',
      '--tier',
      'pro',
      '--local',
      '--state-dir',
      platform.stateDir,
      ...flags,
    ]);
    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(platform.requests.map((r) => `${r.service} ${r.command}`)).toEqual(calls);
  });

  it('says billing redrive is not available locally, before any call', async () => {
    // Act
    const run = await tenantctl([
      'billing',
      'redrive',
      '--local',
      '--state-dir',
      platform.stateDir,
      '--queue-url',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/billing-dlq',
    ]);
    // Assess
    expect(run.code).toBe(3);
    expect(run.err).toContain('billing redrive is not available on the local platform');
    expect(platform.requests).toEqual([]);
  });

  it.each([
    ['its state dir has no daemon', async () => '/nonexistent/tenant-db'],
    [
      'its daemon stopped answering',
      async () => {
        await platform.close();
        return platform.stateDir;
      },
    ],
  ])('says the platform is not running when %s, in one line', async (_what, prepare) => {
    // Prepare
    const stateDir = await prepare();
    if (stateDir === platform.stateDir) {
      // The endpoint a daemon that died left behind.
      mkdirSync(stateDir, { recursive: true });
      writeEndpoint(stateDir, platform.endpoint);
    }
    // Act
    const run = await tenantctl(['status', 'acme-corp', '--local', '--state-dir', stateDir]);
    // Assess
    expect(run.code).toBe(3);
    expect(run.err).toBe(
      `tenantctl: the local platform is not running (state dir ${stateDir}): start it with \`npm start\` or \`tenantctl local up\`\n`,
    );
  });
});

describe('tenantctl credentials --local', () => {
  async function activeTenant(): Promise<string> {
    const secrets = forwardToLocalPlatform(new SecretsManagerClient({ region: LOCAL_REGION }), platform.endpoint);
    const { ARN } = await secrets.send(
      new CreateSecretCommand({
        Name: 'saas/tenant/acme-corp/app',
        SecretString: JSON.stringify({ username: 'app_user', password: PASSWORD }),
      }),
    );
    await platform.double.dynamodb.seed(
      LOCAL_REGISTRY,
      record({ endpointAddress: '127.0.0.1', endpointPort: 54321, secretArn: ARN }),
    );
    return ARN as string;
  }

  it.each([
    ['text', []],
    ['JSON', ['--json']],
  ])('gives a psql command over verified TLS and never the password (%s)', async (_format, extra) => {
    // Prepare
    await activeTenant();
    // Act
    const run = await tenantctl(['credentials', 'acme-corp', '--local', '--state-dir', platform.stateDir, ...extra]);
    // Assess
    expect(run.out + run.err).not.toContain(PASSWORD);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out + run.err).not.toContain('Loc4l');
    const pgpass = join(platform.stateDir, 'credentials', 'acme-corp.pgpass');
    const ca = join(platform.stateDir, 'ca', 'ca.pem');
    expect(run.out).toContain(
      `PGPASSFILE='${pgpass}' psql 'host=127.0.0.1 port=54321 dbname=tenant user=app_user sslmode=verify-full sslrootcert=${ca}'`,
    );
    expect(readFileSync(pgpass, 'utf8')).toBe('127.0.0.1:54321:tenant:app_user:Loc4l-app\\:pass\\\\word\n');
    expect(statSync(pgpass).mode & 0o777).toBe(0o600);
    expect(platform.log.join('\n')).not.toContain(PASSWORD);
  });
});
