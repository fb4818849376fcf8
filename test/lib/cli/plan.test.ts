import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, ValidationError } from '../../../lambdas/shared/errors';
import { pricingRegion } from '../../../lib/cli/commands/plan';
import { type DeploymentSettings, loadDeploymentSettings, settingsFromCdkJson } from '../../../lib/cli/deployment';
import { buildPlan, renderPlan } from '../../../lib/cli/plan';

const builtIn: DeploymentSettings = settingsFromCdkJson({}, 'built-in');

describe('buildPlan', () => {
  it('shows what onboarding creates, from the tier catalog and the naming rules', () => {
    // Act
    const plan = buildPlan('acme-corp', 'enterprise', 'us-east-1', builtIn);

    // Assess
    expect(plan.instance).toMatchObject({
      identifier: 'tenant-acme-corp',
      instanceClass: 'db.r7g.xlarge',
      engineVersion: '17',
      multiAz: true,
      deletionProtection: true,
    });
    expect(plan.storage).toEqual({
      type: 'gp3',
      allocatedGiB: 500,
      maxAllocatedGiB: 4000,
      iops: 12000,
      throughputMiBps: 500,
      baselinePerformance: false,
    });
    expect(plan.backups).toEqual({
      retentionDays: 35,
      preferredWindow: '03:00-03:30',
      crossRegionReplication: true,
      replicationRetentionDays: 14,
    });
    expect(plan.secretName).toBe('saas/tenant/acme-corp/app');
    expect(plan.alarms).toContainEqual({
      name: 'tenant-alarm-acme-corp-free-storage',
      metric: 'FreeStorageSpace',
      condition: '< 15% of allocated (75 GiB) for 5 × 60 s',
    });
    expect(plan.alarms).toHaveLength(6);
    expect(plan.estimate.region).toBe('us-east-1');
  });

  it.each([
    ['an upper-case tenant id', 'Acme', 'pro', 'us-east-1', 'tenantId: may contain only lower-case letters'],
    ['a too short tenant id', 'ab', 'pro', 'us-east-1', 'tenantId: must be 3-32 characters long'],
    ['an unknown tier', 'acme', 'gold', 'us-east-1', 'tier: must be one of starter, pro, enterprise (got "gold")'],
  ])('rejects %s with the field and the rule', (_name, tenantId, tier, region, message) => {
    // Act / Assess
    expect(() => buildPlan(tenantId, tier, region, builtIn)).toThrow(ValidationError);
    expect(() => buildPlan(tenantId, tier, region, builtIn)).toThrow(message);
  });

  it('renders every part of the plan and the estimate with its date and source', () => {
    // Act
    const text = renderPlan(buildPlan('acme-corp', 'starter', 'us-east-1', builtIn));

    // Assess
    for (const expected of [
      'identifier           tenant-acme-corp',
      'class                db.t4g.micro',
      'gp3, 20 GiB, autoscaling up to 100 GiB, 3000 IOPS, 125 MiB/s (baseline)',
      'Multi-AZ             no',
      'deletion protection  no',
      '7 days, window 03:00-03:30 UTC, no cross-Region copy',
      'tenant-alarm-acme-corp-cpu-utilization',
      'secret               saas/tenant/acme-corp/app',
      '$16.05  total',
      'as of 2025-06-01 (AWS public pricing pages',
      'not a quote',
    ]) {
      expect(text).toContain(expected);
    }
  });
});

describe('deployment settings from cdk.json', () => {
  it('merges context.tiers into the catalog and reads the secret name pattern, as the stacks do', () => {
    // Prepare
    const document = {
      context: {
        tiers: { starter: { backup: { retentionDays: 3 } }, team: { ...builtIn.catalog.pro, multiAz: false } },
        secretNamePattern: 'apps/{tenantId}/db',
      },
    };

    // Act
    const plan = buildPlan('acme', 'team', 'us-east-1', settingsFromCdkJson(document, 'cdk.json'));
    const starter = buildPlan('acme', 'starter', 'us-east-1', settingsFromCdkJson(document, 'cdk.json'));

    // Assess
    expect(plan.instance.multiAz).toBe(false);
    expect(plan.secretName).toBe('apps/acme/db');
    expect(starter.backups.retentionDays).toBe(3);
  });

  it.each([
    [
      'an invalid tier override',
      { context: { tiers: { starter: { backup: { retentionDays: 90 } } } } },
      'cdk.json context "tiers": Invalid tier catalog:\n  tier "starter", field backup.retentionDays',
    ],
    [
      'a misspelt tier field',
      { context: { tiers: { starter: { backup: { retentionDay: 3 } } } } },
      'cdk.json context "tiers": Invalid tier catalog:\n  tier "starter", field backup.retentionDay: is not a tier field (did you mean retentionDays?)',
    ],
    [
      'a misspelt context key',
      { context: { maxAz: 3, 'cli-telemetry': false, '@aws-cdk/core:checkSecretUsage': true } },
      'cdk.json context "maxAz": is not a context key of the platform (did you mean maxAzs?); found in cdk.json',
    ],
    [
      'a secret name pattern without {tenantId}',
      { context: { secretNamePattern: 'apps/db' } },
      'cdk.json context secretNamePattern',
    ],
  ])('treats %s as a configuration error naming the key and the file', (_name, document, message) => {
    // Act / Assess
    expect(() => settingsFromCdkJson(document, 'cdk.json')).toThrow(ConfigurationError);
    expect(() => settingsFromCdkJson(document, 'cdk.json')).toThrow(message);
  });

  describe('loadDeploymentSettings', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tenantctl-'));
      writeFileSync(join(dir, 'broken.json'), '{ "context": ');
      writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ context: { tiers: { starter: null } } }));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads the file', async () => {
      // Act
      const settings = await loadDeploymentSettings(join(dir, 'cdk.json'), true);

      // Assess
      expect(Object.keys(settings.catalog)).toEqual(['pro', 'enterprise']);
      expect(settings.source).toBe(join(dir, 'cdk.json'));
    });

    it('falls back to the built-in catalog when the default cdk.json is absent', async () => {
      // Act
      const settings = await loadDeploymentSettings(join(dir, 'absent.json'), false);

      // Assess
      expect(Object.keys(settings.catalog)).toEqual(['starter', 'pro', 'enterprise']);
      expect(settings.source).toMatch(/built-in/);
    });

    it.each([
      ['an explicit --cdk-json that does not exist', 'absent.json', /cannot read/],
      ['a file that is not JSON', 'broken.json', /is not valid JSON/],
    ])('reports %s as a configuration error', async (_name, file, message) => {
      // Act / Assess
      await expect(loadDeploymentSettings(join(dir, file), true)).rejects.toThrow(message);
      await expect(loadDeploymentSettings(join(dir, file), true)).rejects.toBeInstanceOf(ConfigurationError);
    });
  });
});

describe('plan in any Region', () => {
  it('plans a Region the price table lacks and says why it is unpriced', () => {
    // Act
    const text = renderPlan(buildPlan('acme-corp', 'pro', 'us-west-2', builtIn));

    // Assess
    expect(text).toContain('identifier           tenant-acme-corp');
    expect(text).toContain(
      'Estimated monthly cost in us-west-2: unpriced\n  the price table has no prices for us-west-2',
    );
    expect(text).not.toContain('total');
  });

  it.each([
    ['the flag first', 'ap-south-2', { AWS_REGION: 'eu-west-1' }, 'ap-south-2'],
    ['AWS_REGION', undefined, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-west-1' }, 'us-west-2'],
    ['AWS_DEFAULT_REGION', undefined, { AWS_DEFAULT_REGION: 'eu-west-1' }, 'eu-west-1'],
    ['us-east-1 by default', undefined, {}, 'us-east-1'],
  ])('prices in %s', (_name, flag, env, expected) => {
    // Act / Assess
    expect(pricingRegion(flag, env)).toBe(expected);
  });

  it.each([
    ['--region', 'useast1', {}],
    ['AWS_REGION', undefined, { AWS_REGION: 'US-EAST-1' }],
  ])('rejects a malformed %s, naming it', (name, flag, env) => {
    // Act / Assess
    expect(() => pricingRegion(flag, env)).toThrow(`${name}: must be an AWS Region code`);
  });
});
