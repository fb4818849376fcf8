import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeAws, item, startFakeAws, wire } from './fake-aws';
import { failedHistory, MIGRATION_FAILURE } from './history';

/**
 * The installed binary, run as sales ops run it: `node bin/tenantctl.mjs ...` in a child process, with no AWS
 * credentials (or fake ones pointed at a local fake AWS). Few cases, all started at once: each costs a process.
 */

const BIN = join(__dirname, '..', '..', 'bin', 'tenantctl.mjs');
const SM = 'arn:aws:states:us-east-1:111122223333:stateMachine:tenant-db-provisioning';
const EXECUTION = 'arn:aws:states:us-east-1:111122223333:execution:tenant-db-provisioning:acme-corp-pro-2';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: no AWS variables from the test process (test/setup-env.js sets fake ones). */
const BASE_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

// An empty working directory: no cdk.json, so the built-in tier catalog whatever the repository's context says.
let cwd: string;

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...BASE_ENV, ...env }, timeout: 45_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

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

let fake: FakeAws;
let runs: Record<'plan' | 'planJson' | 'badTenant' | 'unknownTier' | 'failedOnboarding', Run>;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'tenantctl-spawn-'));
  let started = false;
  fake = await startFakeAws({
    'DynamoDB_20120810.GetItem': () => ({ Item: item(started ? thisAttempt : previousAttempt) }),
    'AWSStepFunctions.StartExecution': () => {
      started = true;
      return { executionArn: EXECUTION, startDate: Date.now() / 1000 };
    },
    'AWSStepFunctions.GetExecutionHistory': () => ({ events: wire(failedHistory()) }),
  });
  const [plan, planJson, badTenant, unknownTier, failedOnboarding] = await Promise.all([
    run(['plan', 'acme-corp', '--tier', 'pro']),
    run(['plan', 'acme-corp', '--tier', 'enterprise', '--region', 'eu-west-1', '--json']),
    run(['plan', 'Acme_Corp', '--tier', 'pro']),
    run(['onboard', 'acme-corp', '--tier', 'gold', '--wait']),
    run(['onboard', 'acme-corp', '--tier', 'pro', '--wait', '--requested-by', 'jane'], {
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SFN: fake.url,
      AWS_ENDPOINT_URL_DYNAMODB: fake.url,
      TENANTCTL_STATE_MACHINE_ARN: SM,
      TENANTCTL_REGISTRY_TABLE: 'tenant-registry',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }),
  ]);
  runs = { plan, planJson, badTenant, unknownTier, failedOnboarding };
});

afterAll(async () => {
  await fake.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('tenantctl binary', () => {
  it('plan prints what onboarding creates and its monthly estimate, without credentials', () => {
    // Assess
    const { code, stdout } = runs.plan;
    expect(code).toBe(0);
    expect(stdout).toContain('identifier           tenant-acme-corp');
    expect(stdout).toContain('Multi-AZ             yes');
    expect(stdout).toContain('Estimated monthly cost in us-east-1');
    expect(stdout).toMatch(/\$\d+\.\d\d {2}total/);
  });

  it('plan --json prints the plan as JSON', () => {
    // Assess
    const { code, stdout } = runs.planJson;
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      tenantId: 'acme-corp',
      tier: 'enterprise',
      instance: { identifier: 'tenant-acme-corp', instanceClass: 'db.r7g.xlarge' },
      estimate: { region: 'eu-west-1', currency: 'USD', pricesAsOf: expect.any(String) },
    });
  });

  it.each([
    [
      'a bad tenant id',
      'badTenant',
      'tenantId: may contain only lower-case letters a-z, digits 0-9 and hyphens (got "Acme_Corp")',
    ],
    ['an unknown tier', 'unknownTier', 'tier: must be one of starter, pro, enterprise (got "gold")'],
  ] as const)('exits 2 on %s, naming the field and the rule', (_name, key, message) => {
    // Assess
    const { code, stdout, stderr } = runs[key];
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
  });

  it('follows a failed onboarding against AWS and exits 1 naming the step and the reason', () => {
    // Assess
    const { code, stdout, stderr } = runs.failedOnboarding;
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
});
