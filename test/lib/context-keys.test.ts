import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { closestNames, didYouMean, editDistance } from '../../lambdas/shared/tiers/did-you-mean';
import { unknownTierFields } from '../../lambdas/shared/tiers/fields';
import { cdkJsonContext } from '../../lib/app-builder';
import { loadPlatformConfig, PLATFORM_CONTEXT_KEYS, PlatformConfigError } from '../../lib/config';
import { contextSource, PLATFORM_CONTEXT_KEY_NAMES, unknownContextKeys } from '../../lib/context-keys';
import { REPOSITORY_ROOT } from '../support/paths';

const load = (context: Record<string, unknown>) => () => loadPlatformConfig(new App({ context }).node);

describe('unknown cdk.json context keys', () => {
  it.each([
    ['maxAz', 3, '"maxAz": is not a context key of the platform (did you mean maxAzs?)'],
    [
      'alertEmails',
      'ops@example.com',
      '"alertEmails": is not a context key of the platform (did you mean alertEmail?)',
    ],
    ['vpcEndpoints', [], '"vpcEndpoints": is not a context key of the platform;'],
  ])('fail loading the configuration on %s, naming the key and the closest one', (key, value, message) => {
    // Act / Assess
    expect(load({ [key]: value })).toThrow(PlatformConfigError);
    expect(load({ [key]: value })).toThrow(message);
    expect(load({ [key]: value })).toThrow('the platform reads: platformName, vpcId, maxAzs,');
  });

  it("accepts the project's cdk.json and the AWS CDK's own keys", () => {
    // Prepare
    const context = {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:newStyleStackSynthesis': true,
      'availability-zones:account=111122223333:region=us-east-1': ['us-east-1a'],
    };

    // Act / Assess
    expect(load(context)).not.toThrow();
  });

  it('lists every unknown key, not only the first', () => {
    // Act / Assess
    expect(load({ maxAz: 3, retention: 1 })).toThrow('; also unknown: retention');
  });

  it('knows exactly the keys the table of docs/configuration.md documents', () => {
    // Act / Assess
    expect(PLATFORM_CONTEXT_KEYS.map((k) => k.key)).toEqual([...PLATFORM_CONTEXT_KEY_NAMES]);
  });

  it.each([
    ['cdk.json', { 'cdk.json': { context: { maxAz: 3 } } }, '/repo/cdk.json'],
    ['cdk.context.json', { 'cdk.json': { context: {} }, 'cdk.context.json': { maxAz: 3 } }, '/repo/cdk.context.json'],
    ['neither file', { 'cdk.json': { context: {} } }, 'a -c option or ~/.cdk.json'],
  ])('names the file a key came from: %s', (_name, files, expected) => {
    // Prepare
    const read = (path: string): string => {
      const file = (files as Record<string, unknown>)[path.replace('/repo/', '')];
      if (file === undefined) throw new Error('ENOENT');
      return JSON.stringify(file);
    };

    // Act / Assess
    expect(contextSource('maxAz', '/repo', read)).toBe(expected);
  });

  it('suggests only close names', () => {
    // Act / Assess
    expect(unknownContextKeys({ maxAz: 1, zzzzzzzz: 2 })).toEqual([
      { key: 'maxAz', suggestion: ' (did you mean maxAzs?)' },
      { key: 'zzzzzzzz', suggestion: '' },
    ]);
  });
});

describe('unknown tier fields', () => {
  it.each([
    [{ backup: { retentionDay: 3 } }, 'backup.retentionDay', 'is not a tier field (did you mean retentionDays?)'],
    [{ multiAZ: true }, 'multiAZ', 'is not a tier field (did you mean multiAz?)'],
    [{ alarms: { cpuPercent: 90 } }, 'alarms.cpuPercent', 'fields of alarms: cpuUtilizationPercent'],
    [{ constructor: {} }, 'constructor', 'is not a tier field'],
  ])('finds %j', (override, field, rule) => {
    // Act
    const [unknown, ...rest] = unknownTierFields(override);

    // Assess
    expect(rest).toEqual([]);
    expect(unknown?.field).toBe(field);
    expect(unknown?.rule).toContain(rule);
  });

  it('accepts every field of a full tier, optional ones included', () => {
    // Prepare
    const override = {
      storage: { type: 'gp3', allocatedGiB: 400, maxAllocatedGiB: 1000, iops: 12000, throughputMiBps: 500 },
      backup: { retentionDays: 7, replicationRetentionDays: 7 },
      monitoring: { performanceInsightsRetentionDays: 7 },
      provisioningBudgetMinutes: 60,
      appSecretRotationDays: 30,
    };

    // Act / Assess
    expect(unknownTierFields(override)).toEqual([]);
  });

  it('fail loading the configuration, naming the tier, the field and the closest one', () => {
    // Act / Assess
    expect(load({ tiers: { pro: { backup: { retentionDay: 3 } } } })).toThrow(
      'cdk.json context "tiers": Invalid tier catalog:\n  tier "pro", field backup.retentionDay: is not a tier field (did you mean retentionDays?)',
    );
  });
});

describe('did you mean', () => {
  it.each([
    ['maxAz', 'maxAzs', 1],
    ['retentionDay', 'retentionDays', 1],
    ['mxaAzs', 'maxAzs', 1],
    ['tiers', 'tiers', 0],
    ['', 'abc', 3],
  ])('measures %s → %s as %i edits', (a, b, distance) => {
    // Act / Assess
    expect(editDistance(a, b)).toBe(distance);
  });

  it.each([
    ['maxaz', ['maxAzs', 'vpcId'], ['maxAzs']],
    ['us-esat-1', ['us-east-1', 'us-east-2', 'eu-west-1'], ['us-east-1']],
    ['banana', ['maxAzs', 'vpcId'], []],
  ])('finds the names closest to %s', (name, known, expected) => {
    // Act / Assess
    expect(closestNames(name, known)).toEqual(expected);
    expect(didYouMean(name, known)).toBe(expected.length ? ` (did you mean ${expected.join(' or ')}?)` : '');
  });
});

describe('cdk synth', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'synth-context-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('fails on a misspelt context key, naming it and the key it resembles', async () => {
    // Act
    const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        join(REPOSITORY_ROOT, 'node_modules', '.bin', 'cdk'),
        ['synth', '--quiet', '-c', 'maxAz=3', '-o', out],
        {
          cwd: REPOSITORY_ROOT,
          env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: stdout + stderr }),
      );
    });

    // Assess
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(
      'cdk.json context "maxAz": is not a context key of the platform (did you mean maxAzs?); found in a -c option or ~/.cdk.json',
    );
  });
});
