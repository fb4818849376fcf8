import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { passwordCommand } from '../../../lib/cli/commands/credentials';
import { runTenantctl } from '../../support/cli/run-cli';

const dynamo = mockClient(DynamoDBDocumentClient);
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:saas/tenant/acme-corp/app-AbCdEf';
const PLANTED_PASSWORD = 'pl4nted-Passw0rd';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tenantctl-everyday-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => dynamo.reset());

const tenantctl = (...args: string[]) => runTenantctl(args);

const record = (fields: Partial<TenantRecord>) => ({
  tenantId: 'acme-corp',
  tier: 'pro',
  status: 'ACTIVE',
  attempt: 1,
  requestId: 'acme-corp-pro-1',
  requestedBy: 'jane',
  executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:sm:acme-corp-pro-1',
  createdAt: '2026-11-20T10:00:00Z',
  updatedAt: '2026-11-20T10:20:00Z',
  masterPassword: PLANTED_PASSWORD,
  ...fields,
});

describe('tenantctl tiers', () => {
  it('shows the catalog of the cdk.json it reads, naming the file', async () => {
    // Prepare
    const cdkJson = join(dir, 'cdk.json');
    writeFileSync(
      cdkJson,
      JSON.stringify({
        context: {
          tiers: {
            starter: null,
            team: {
              instanceClass: 'db.m7g.large',
              multiAz: false,
              description: 'Team tier',
              engineVersion: '17',
              storage: { type: 'gp3', allocatedGiB: 50, maxAllocatedGiB: 200 },
              backup: { retentionDays: 7, preferredWindow: '03:00-03:30', crossRegionReplication: false },
              preferredMaintenanceWindow: 'sun:05:00-sun:05:30',
              deletionProtection: false,
              monitoring: {
                databaseInsightsMode: 'standard',
                performanceInsights: false,
                enhancedMonitoringIntervalSeconds: 0,
                logExports: ['postgresql'],
              },
              alarms: {
                cpuUtilizationPercent: 80,
                freeStoragePercent: 10,
                freeableMemoryMiB: 256,
                databaseConnections: 100,
                readLatencyMs: 20,
                writeLatencyMs: 20,
                periodSeconds: 60,
                evaluationPeriods: 5,
              },
              provisioningBudgetMinutes: 45,
              appSecretRotationDays: 45,
            },
          },
        },
      }),
    );

    // Act
    const text = await tenantctl('tiers', '--cdk-json', cdkJson);
    const json = await tenantctl('tiers', '--cdk-json', cdkJson, '--json');

    // Assess
    expect(text.code).toBe(0);
    expect(text.out).toContain(`Tier catalog: ${cdkJson}`);
    expect(text.out).toMatch(/^team\s+db\.m7g\.large\s+no\s+gp3 50-200 GiB\s+7 d\s+45 min\s+45 d\s+Team tier$/m);
    expect(text.out).not.toMatch(/^starter/m);
    expect(Object.keys(JSON.parse(json.out).tiers)).toEqual(['pro', 'enterprise', 'team']);
  });
});

describe('tenantctl credentials', () => {
  it('shows how to connect and the command that fetches the password, never the password', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({
      Item: record({
        endpointAddress: 'tenant-acme-corp.c1.eu-west-1.rds.amazonaws.com',
        endpointPort: 5432,
        secretArn: SECRET_ARN,
      }),
    });

    // Act
    const text = await tenantctl('credentials', 'acme-corp', '--registry-table', 'registry');
    const json = await tenantctl('credentials', 'acme-corp', '--registry-table', 'registry', '--json');

    // Assess
    expect(text.code).toBe(0);
    for (const line of [
      'endpoint  tenant-acme-corp.c1.eu-west-1.rds.amazonaws.com',
      'port      5432',
      'database  tenant',
      'user      tenant_app',
      `secret    ${SECRET_ARN}`,
      passwordCommand(SECRET_ARN),
    ]) {
      expect(text.out).toContain(line);
    }
    expect(JSON.parse(json.out)).toEqual({
      tenantId: 'acme-corp',
      endpoint: 'tenant-acme-corp.c1.eu-west-1.rds.amazonaws.com',
      port: 5432,
      database: 'tenant',
      user: 'tenant_app',
      secretArn: SECRET_ARN,
      passwordCommand: passwordCommand(SECRET_ARN),
    });
    for (const output of [text.out, json.out]) expect(output).not.toContain(PLANTED_PASSWORD);
  });

  it('fetches the password in the Region of the secret', () => {
    // Act / Assess
    expect(passwordCommand(SECRET_ARN)).toBe(
      `aws secretsmanager get-secret-value --secret-id '${SECRET_ARN}' --region eu-west-1 --query SecretString --output text | jq -r .password`,
    );
  });

  it.each([
    [
      'PROVISIONING',
      4,
      'refused: tenant acme-corp is PROVISIONING: it has credentials once it is ACTIVE (follow it with: tenantctl watch acme-corp)',
    ],
    ['FAILED', 4, 'refused: tenant acme-corp is FAILED'],
  ])('refuses a %s tenant with exit %i', async (status, code, message) => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record({ status: status as TenantRecord['status'] }) });

    // Act
    const run = await tenantctl('credentials', 'acme-corp', '--registry-table', 'registry');

    // Assess
    expect(run.code).toBe(code);
    expect(run.err).toContain(message);
  });
});

describe('tenantctl completion', () => {
  it.each([['bash'], ['zsh']])('prints a %s script that names every command and parses', async (shell) => {
    // Act
    const run = await tenantctl('completion', shell);

    // Assess
    expect(run.code).toBe(0);
    for (const command of ['plan', 'onboard', 'watch', 'status', 'list', 'tiers', 'credentials', 'completion']) {
      expect(run.out).toContain(command);
    }
    const file = join(dir, `completion.${shell}`);
    writeFileSync(file, run.out);
    if (shell === 'bash') expect(() => execFileSync('bash', ['-n', file])).not.toThrow();
    else expect(run.out.startsWith('#compdef tenantctl')).toBe(true);
  });

  it('refuses another shell as a usage error', async () => {
    // Act
    const run = await tenantctl('completion', 'fish');

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('Allowed choices are bash, zsh');
  });
});

describe('examples in every --help', () => {
  it.each([['plan'], ['onboard'], ['watch'], ['status'], ['list'], ['tiers'], ['credentials'], ['completion']])(
    'tenantctl %s --help shows examples',
    async (command) => {
      // Act
      const run = await tenantctl(command, '--help');

      // Assess
      expect(run.code).toBe(0);
      expect(run.out).toContain('Examples:');
      expect(run.out).toContain(`$ tenantctl ${command}`);
    },
  );
});
