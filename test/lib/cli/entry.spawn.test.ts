import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  awsError,
  dbInstanceXml,
  type FakeAws,
  item,
  startFakeAws,
  startSilentServer,
  wire,
} from '../../support/cli/fake-aws';
import { failedHistory, MIGRATION_FAILURE, runningHistory, succeededHistory } from '../../support/cli/history';
import { BASE_ENV, FAKE_CREDENTIALS, installTenantctl, type Run, run } from '../../support/cli/installed';

/**
 * The packed and installed binary, run as sales ops run it: from the prefix `npm install -g` put it in, in a folder
 * outside the repository, with no AWS credentials or fake ones pointed at a local fake AWS. Every case is started
 * at once in beforeAll: each costs a process.
 */

const SM = 'arn:aws:states:us-east-1:111122223333:stateMachine:tenant-db-provisioning';
const EXECUTION = 'arn:aws:states:us-east-1:111122223333:execution:tenant-db-provisioning:acme-corp-pro-2';

const previousAttempt = {
  tenantId: 'acme-corp',
  tier: 'pro',
  status: 'FAILED',
  attempt: 1,
  requestId: 'acme-corp-pro-1',
  requestedBy: 'jane',
  executionArn: EXECUTION.replace(/-2$/, '-1'),
  createdAt: '2026-11-19T10:00:00Z',
  updatedAt: '2026-11-19T10:20:00Z',
  failedStep: 'CreateInstance',
  failureReason: 'an older failure',
};
const thisAttempt = {
  ...previousAttempt,
  attempt: 2,
  requestId: 'acme-corp-pro-2',
  executionArn: EXECUTION,
  failedStep: 'RunMigrations',
  failureReason: MIGRATION_FAILURE,
};

const STATUS = ['status', 'acme-corp', '--registry-table', 'tenant-registry'];

/** Tenants of the watch cases, by id: their registry record and execution history over successive polls. */
const WATCHED: Record<
  string,
  { status: string; polls: 'succeeded' | 'failed' | 'running-then-succeeded' | 'running' }
> = {
  'done-corp': { status: 'ACTIVE', polls: 'succeeded' },
  'fail-corp': { status: 'FAILED', polls: 'failed' },
  'run-corp': { status: 'PROVISIONING', polls: 'running-then-succeeded' },
  'live-corp': { status: 'PROVISIONING', polls: 'running' },
};
const watchedExecution = (tenant: string) => `${EXECUTION.replace(/acme-corp-pro-2$/, '')}${tenant}-pro-1`;

function startWatchedAws(): Promise<FakeAws> {
  const polls: Record<string, number> = {};
  return startFakeAws({
    'DynamoDB_20120810.GetItem': (body) => {
      const tenant = String((body.Key as { tenantId: { S: string } }).tenantId.S);
      const watched = WATCHED[tenant];
      if (!watched) return {};
      const ended = watched.polls === 'running-then-succeeded' && (polls[tenant] ?? 0) > 2;
      return {
        Item: item({
          ...previousAttempt,
          tenantId: tenant,
          status: ended ? 'ACTIVE' : watched.status,
          executionArn: watchedExecution(tenant),
          ...(watched.status === 'FAILED' ? { failedStep: 'RunMigrations', failureReason: MIGRATION_FAILURE } : {}),
        }),
      };
    },
    'AWSStepFunctions.GetExecutionHistory': (body) => {
      const tenant =
        String(body.executionArn)
          .split(':')
          .pop()
          ?.replace(/-pro-1$/, '') ?? '';
      polls[tenant] = (polls[tenant] ?? 0) + 1;
      const watched = WATCHED[tenant];
      const running =
        watched?.polls === 'running' || (watched?.polls === 'running-then-succeeded' && (polls[tenant] ?? 0) <= 2);
      return {
        events: wire(running ? runningHistory() : watched?.polls === 'failed' ? failedHistory() : succeededHistory()),
      };
    },
    'RDS.DescribeDBInstances': (body) => dbInstanceXml(String(body.DBInstanceIdentifier), 'creating'),
  });
}

let dir: string;
let cwd: string;
let tenantctl: string;
let watched: FakeAws;
let fake: FakeAws;
let denied: FakeAws;
let silent: Awaited<ReturnType<typeof startSilentServer>>;
const runs: Record<string, Run> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenantctl-installed-'));
  // An empty working directory: no cdk.json, so the built-in tier catalog whatever the repository's context says.
  cwd = mkdtempSync(join(tmpdir(), 'tenantctl-cwd-'));
  tenantctl = installTenantctl(dir);
  watched = await startWatchedAws();
  const watchEnv = {
    ...FAKE_CREDENTIALS,
    AWS_ENDPOINT_URL_SFN: watched.url,
    AWS_ENDPOINT_URL_DYNAMODB: watched.url,
    AWS_ENDPOINT_URL_RDS: watched.url,
    TENANTCTL_REGISTRY_TABLE: 'tenant-registry',
  };
  let started = false;
  fake = await startFakeAws({
    'DynamoDB_20120810.GetItem': () => ({ Item: item(started ? thisAttempt : previousAttempt) }),
    'AWSStepFunctions.StartExecution': () => {
      started = true;
      return { executionArn: EXECUTION, startDate: Date.now() / 1000 };
    },
    'AWSStepFunctions.GetExecutionHistory': () => ({ events: wire(failedHistory()) }),
  });
  denied = await startFakeAws({
    'DynamoDB_20120810.GetItem': () =>
      awsError(
        'AccessDeniedException',
        'User: arn:aws:sts::111122223333:assumed-role/sales/jane is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:111122223333:table/tenant-registry because no identity-based policy allows the dynamodb:GetItem action',
      ),
  });
  silent = await startSilentServer();
  const cases: Record<string, [string[], Record<string, string>?]> = {
    version: [['--version']],
    plan: [['plan', 'acme-corp', '--tier', 'pro']],
    planJson: [['plan', 'acme-corp', '--tier', 'enterprise', '--region', 'eu-west-1', '--json']],
    planUnpriced: [['plan', 'acme-corp', '--tier', 'pro'], { AWS_REGION: 'us-west-2' }],
    planChange: [['plan', 'acme-corp', '--tier', 'starter', '--from', 'enterprise']],
    planChangeJson: [
      ['plan', 'acme-corp', '--tier', 'enterprise', '--from', 'pro', '--when', 'maintenance-window', '--json'],
    ],
    badTenant: [['plan', 'Acme_Corp', '--tier', 'pro']],
    unknownTier: [['onboard', 'acme-corp', '--tier', 'gold', '--wait']],
    usageJson: [['status', '--json']],
    badRegion: [[...STATUS, '--region', 'useast1'], FAKE_CREDENTIALS],
    typoRegion: [[...STATUS, '--region', 'us-esat-1'], FAKE_CREDENTIALS],
    badArn: [
      ['onboard', 'acme-corp', '--tier', 'pro', '--state-machine-arn', 'tenant-db-provisioning'],
      FAKE_CREDENTIALS,
    ],
    noRegion: [STATUS, { AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake' }],
    noCredentials: [STATUS, { AWS_REGION: 'us-east-1' }],
    refused: [STATUS, { ...FAKE_CREDENTIALS, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' }],
    notFound: [STATUS, { ...FAKE_CREDENTIALS, AWS_ENDPOINT_URL_DYNAMODB: 'http://registry.invalid' }],
    accessDenied: [STATUS, { ...FAKE_CREDENTIALS, AWS_ENDPOINT_URL_DYNAMODB: denied.url }],
    silent: [[...STATUS, '--timeout', '2'], { ...FAKE_CREDENTIALS, AWS_ENDPOINT_URL_DYNAMODB: silent.url }],
    watchDone: [['watch', 'done-corp'], watchEnv],
    watchFailed: [['watch', 'fail-corp'], watchEnv],
    watchRunning: [['watch', 'run-corp', '--poll-interval', '0.1'], watchEnv],
    failedOnboarding: [
      ['onboard', 'acme-corp', '--tier', 'pro', '--wait', '--requested-by', 'jane'],
      {
        ...FAKE_CREDENTIALS,
        AWS_ENDPOINT_URL_SFN: fake.url,
        AWS_ENDPOINT_URL_DYNAMODB: fake.url,
        TENANTCTL_STATE_MACHINE_ARN: SM,
        TENANTCTL_REGISTRY_TABLE: 'tenant-registry',
      },
    ],
  };
  const results = await Promise.all(
    Object.entries(cases).map(async ([name, [args, env]]) => [name, await run(tenantctl, args, cwd, env)] as const),
  );
  for (const [name, result] of results) runs[name] = result;
});

afterAll(async () => {
  await Promise.all([fake?.close(), denied?.close(), silent?.close(), watched?.close()]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

const result = (name: string): Run => runs[name] as Run;

describe('tenantctl installed from its package', () => {
  it('prints its version', () => {
    // Assess
    expect(result('version')).toEqual({ code: 0, stdout: `${require('../../../package.json').version}\n`, stderr: '' });
  });

  it('loads no AWS SDK code for --help and plan: it sits in chunks only other commands import', () => {
    // Prepare: the files an ES module import of the entry, or of the plan command's chunk, evaluates.
    const root = dirname(realpathSync(tenantctl));
    const closure = (file: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(file)) return seen;
      seen.add(file);
      const text = readFileSync(join(root, file), 'utf8');
      for (const [, imported] of text.matchAll(/(?:from|import)"\.\/((?:chunks\/)?[^"]+\.mjs)"/g)) {
        closure(
          file.startsWith('chunks/') && !imported?.startsWith('chunks/') ? `chunks/${imported}` : (imported as string),
          seen,
        );
      }
      return seen;
    };
    const entry = readFileSync(join(root, 'tenantctl.mjs'), 'utf8');
    const planChunk = /import\("\.\/(chunks\/plan-[^"]+\.mjs)"\)/.exec(entry)?.[1] as string;

    // Act
    const loaded = [...closure('tenantctl.mjs'), ...closure(planChunk)];

    // Assess
    expect(planChunk).toBeDefined();
    expect(loaded.filter((file) => readFileSync(join(root, file), 'utf8').includes('x-amz-user-agent'))).toEqual([]);
  });

  it('ships the README and docs, every relative link resolving inside the installed package', () => {
    // Prepare
    const root = dirname(realpathSync(tenantctl));
    const documents = ['README.md', ...readdirSync(join(root, 'docs')).map((name) => `docs/${name}`)];

    // Act: the relative link targets (anchors dropped) that name no file of the package.
    const dangling = documents.flatMap((document) =>
      [...readFileSync(join(root, document), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
        .map(([, target]) => (target as string).split('#')[0] as string)
        .filter((path) => path !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(path))
        .filter((path) => !existsSync(join(root, dirname(document), path)))
        .map((path) => `${document} -> ${path}`),
    );

    // Assess
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/lifecycle.md', 'docs/tenantctl.md']));
    expect(dangling).toEqual([]);
    expect(readFileSync(join(root, 'docs', 'tiers.md'), 'utf8')).toContain("in the platform's repository");
  });

  it('plan prints what onboarding creates and its monthly estimate, without credentials', () => {
    // Assess
    const { code, stdout, stderr } = result('plan');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('identifier           tenant-acme-corp');
    expect(stdout).toContain('Multi-AZ             yes');
    expect(stdout).toContain('Estimated monthly cost in us-east-1');
    expect(stdout).toMatch(/\$\d+\.\d\d {2}total/);
  });

  it('plan in a Region the price table lacks prints the plan, unpriced with the reason, and exits 0', () => {
    // Assess
    const { code, stdout, stderr } = result('planUnpriced');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('identifier           tenant-acme-corp');
    expect(stdout).toContain('Estimated monthly cost in us-west-2: unpriced');
    expect(stdout).toContain('the price table has no prices for us-west-2 (it prices us-east-1, eu-west-1)');
  });

  it('plan --json prints the plan as JSON', () => {
    // Assess
    const { code, stdout } = result('planJson');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      tenantId: 'acme-corp',
      tier: 'enterprise',
      instance: { identifier: 'tenant-acme-corp', instanceClass: 'db.r7g.xlarge' },
      estimate: { region: 'eu-west-1', currency: 'USD', pricesAsOf: expect.any(String) },
    });
  });

  it('plan --from prints a tier change: every difference, what RDS keeps and the monthly difference', () => {
    // Assess
    const { code, stdout, stderr } = result('planChange');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('from tier "enterprise" to tier "starter", applied now');
    expect(stdout).toMatch(/instanceClass +db\.r7g\.xlarge → db\.t4g\.micro +brief outage +immediately/);
    expect(stdout).toContain('storage.allocatedGiB: the tier asks for 20, the instance gets 500');
    expect(stdout).toMatch(/-\$\d+\.\d\d {2}difference per month/);
  });

  it('plan --from --json prints changes, blocked and cost', () => {
    // Assess
    const { code, stdout, stderr } = result('planChangeJson');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const json = JSON.parse(stdout);
    expect(json.changes).toContainEqual(
      expect.objectContaining({
        field: 'instanceClass',
        from: 'db.m7g.large',
        to: 'db.r7g.xlarge',
        disruption: 'reboot at next maintenance window',
      }),
    );
    expect(json).toMatchObject({ blocked: [], storageCooldown: true, cost: { region: 'us-east-1', currency: 'USD' } });
    expect(json.cost.deltaMonthlyUsd).toBeGreaterThan(0);
  });

  it.each([
    [
      'a bad tenant id',
      'badTenant',
      2,
      'tenantId: may contain only lower-case letters a-z, digits 0-9 and hyphens (got "Acme_Corp")',
    ],
    ['an unknown tier', 'unknownTier', 2, 'tier: must be one of starter, pro, enterprise (got "gold")'],
    [
      'a malformed --region',
      'badRegion',
      2,
      '--region: must be an AWS Region code such as us-east-1 or eu-west-1 (got "useast1")',
    ],
    [
      'a mistyped --region',
      'typoRegion',
      3,
      'the endpoint comes from Region us-esat-1 (us-esat-1 is not a Region tenantctl knows: did you mean us-east-1?)',
    ],
    ['a malformed state machine ARN', 'badArn', 2, '--state-machine-arn: must be a state machine ARN'],
    ['no Region', 'noRegion', 3, 'no AWS Region: pass --region <region>'],
    ['no credentials', 'noCredentials', 3, 'no AWS credentials found: pass --profile <name> (or set AWS_PROFILE)'],
    [
      'a refused connection',
      'refused',
      3,
      'cannot reach DynamoDB GetItem at http://127.0.0.1:9 (connection refused, ECONNREFUSED); the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:9',
    ],
    ['an unknown host', 'notFound', 3, 'cannot reach DynamoDB GetItem at http://registry.invalid (host not found'],
    [
      'access denied',
      'accessDenied',
      3,
      'access denied: your AWS identity may not call dynamodb:GetItem on arn:aws:dynamodb:us-east-1:111122223333:table/tenant-registry; ask for the tenantctl policy in the README section "Permissions to run tenantctl"',
    ],
  ])('explains %s on one line, with its exit code and nothing on stdout', (_name, key, exitCode, message) => {
    // Assess
    const { code, stdout, stderr } = result(key);
    expect({ code, stdout }).toEqual({ code: exitCode, stdout: '' });
    expect(stderr).toContain(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/Error: Error|Warning/);
  });

  it('gives up on an endpoint that never answers at the deadline, with the timeout exit code', () => {
    // Assess
    const { code, stdout, stderr } = result('silent');
    expect({ code, stdout }).toEqual({ code: 5, stdout: '' });
    expect(stderr).toContain(`no answer from AWS within 2 s (waiting for DynamoDB GetItem at ${silent.url})`);
    expect(stderr).toContain(`the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB=${silent.url}`);
  });

  it('reports a usage error as JSON with --json', () => {
    // Assess
    const { code, stdout, stderr } = result('usageJson');
    expect({ code, stderr }).toEqual({ code: 2, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({
      error: { exitCode: 2, name: 'UsageError', message: "missing required argument 'tenant'" },
    });
  });

  it('follows a failed onboarding against AWS and exits 1 naming the step and the reason', () => {
    // Assess
    const { code, stdout, stderr } = result('failedOnboarding');
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    expect(stdout).toContain('Started onboarding of acme-corp on tier pro: execution acme-corp-pro-2');
    expect(stdout).toContain('✔ CreateInstance     0:42');
    expect(stdout).toContain(`✖ RunMigrations      6:03  MigrationError: ${MIGRATION_FAILURE}`);
    expect(stdout).toContain('failed at step RunMigrations');
    expect(stdout).toContain(`reason    ${MIGRATION_FAILURE}`);
    const start = fake.calls.find((c) => c.operation === 'AWSStepFunctions.StartExecution');
    expect(start?.body).toMatchObject({ stateMachineArn: SM, name: 'acme-corp-pro-2' });
    expect(JSON.parse(String(start?.body.input))).toEqual({
      tenantId: 'acme-corp',
      tier: 'pro',
      requestedBy: 'jane',
      requestId: 'acme-corp-pro-2',
    });
  });

  it.each([
    [
      'a finished onboarding',
      'watchDone',
      0,
      ['has ended; the tenant is ACTIVE', '✔ Tenant done-corp is ACTIVE on tier pro'],
    ],
    [
      'a failed onboarding',
      'watchFailed',
      1,
      ['has ended; the tenant is FAILED', '✖ Onboarding of fail-corp failed at step RunMigrations'],
    ],
    [
      'a running onboarding, to its end',
      'watchRunning',
      0,
      [
        'Watching the onboarding of run-corp on tier pro: execution run-corp-pro-1',
        '… WaitForInstance · RDS creating · ',
        '✔ Tenant run-corp is ACTIVE on tier pro',
      ],
    ],
  ])('watches %s and exits with its outcome', (_name, key, exitCode, expected) => {
    // Assess
    const { code, stdout, stderr } = result(key);
    expect({ code, stderr }).toEqual({ code: exitCode, stderr: '' });
    for (const text of expected) expect(stdout).toContain(text);
    expect(watched.calls.map((c) => c.operation).filter((op) => !/\.(Get|Describe)/.test(op))).toEqual([]);
  });
});

describe('tenantctl watch on a terminal', () => {
  it('spins with the step, the RDS status and the time, and on Ctrl-C says the onboarding goes on', async () => {
    // Prepare: a pseudo-terminal from util-linux script(1); Ctrl-C typed into it reaches tenantctl as SIGINT.
    const command = `stty cols 120 rows 40; ${tenantctl} watch live-corp --poll-interval 0.2`;
    const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
      cwd,
      env: {
        ...BASE_ENV,
        ...FAKE_CREDENTIALS,
        TERM: 'xterm',
        AWS_ENDPOINT_URL_SFN: watched.url,
        AWS_ENDPOINT_URL_DYNAMODB: watched.url,
        AWS_ENDPOINT_URL_RDS: watched.url,
        TENANTCTL_REGISTRY_TABLE: 'tenant-registry',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    const seen = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (screen.includes(text)) resolve();
          else child.stdout.once('data', check);
        };
        check();
      });
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    // Act
    await seen('WaitForInstance · RDS creating · ');
    // The heartbeat: the spinner has moved on to its next frame.
    await seen('⠙');
    child.stdin.write('\x03');
    const code = await exited;

    // Assess
    const sgr = '(?:\x1b\\[[0-9;]*m)*';
    expect(screen).toMatch(new RegExp(`⠋${sgr} ${sgr}WaitForInstance · RDS creating · \\d+:\\d\\d:\\d\\d elapsed`));
    expect(screen).toMatch(new RegExp(`\x1b\\[32m✔${sgr} CreateInstance`));
    expect(screen).toContain(
      'Stopped watching. The operation on live-corp goes on in AWS (execution live-corp-pro-1).\r\nWatch it again with: tenantctl watch live-corp',
    );
    expect(screen).toContain('\x1b[?25h');
    expect(code).toBe(130);
  });
});
