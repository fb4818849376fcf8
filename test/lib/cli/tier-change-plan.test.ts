import { ValidationError } from '../../../lambdas/shared/errors';
import { type DeploymentSettings, settingsFromCdkJson } from '../../../lib/cli/deployment';
import { buildTierChangePlan, renderTierChangePlan } from '../../../lib/cli/tier-change-plan';
import { runTenantctl } from '../../support/cli/run-cli';

const builtIn: DeploymentSettings = settingsFromCdkJson({}, 'built-in');
const NOW = new Date('2026-12-01T00:00:00Z');
const plan = (from: string, to: string, when?: string, region = 'us-east-1', settings = builtIn) =>
  buildTierChangePlan('acme-corp', from, to, when, region, settings, NOW);

describe('buildTierChangePlan', () => {
  it('prices what a downgrade keeps: the 500 GiB RDS cannot shrink', () => {
    // Act
    const view = plan('enterprise', 'starter');

    // Assess
    expect(view).toMatchObject({ tenantId: 'acme-corp', instanceIdentifier: 'tenant-acme-corp', when: 'now' });
    expect(view.blocked).toEqual([
      expect.objectContaining({ field: 'storage.allocatedGiB', requested: 20, applied: 500, monthlyCostUsd: 71.16 }),
      expect.objectContaining({ field: 'storage.maxAllocatedGiB', requested: 100, applied: 550, monthlyCostUsd: 0 }),
    ]);
    expect(view.cost).toMatchObject({ regionPriced: true, fromMonthlyUsd: 1029.66, toMonthlyUsd: 87.21 });
    expect(view.cost.deltaMonthlyUsd).toBe(-942.45);
  });

  it('leaves blocked changes unpriced in a Region the price table lacks', () => {
    // Act
    const view = plan('pro', 'starter', undefined, 'us-west-2');

    // Assess
    expect(view.blocked[0]).not.toHaveProperty('monthlyCostUsd');
    expect(view.cost.regionPriced).toBe(false);
  });

  it.each([
    ['an unknown target tier', 'pro', 'gold', 'now', 'tier: must be one of starter, pro, enterprise (got "gold")'],
    [
      'an unknown current tier',
      'silver',
      'pro',
      'now',
      '--from: must be one of starter, pro, enterprise (got "silver")',
    ],
    [
      'an unknown timing',
      'pro',
      'starter',
      'tonight',
      '--when: must be one of now, maintenance-window (got "tonight")',
    ],
  ])('rejects %s, naming the option and the rule', (_name, from, to, when, message) => {
    // Act / Assess
    expect(() => plan(from, to, when)).toThrow(ValidationError);
    expect(() => plan(from, to, when)).toThrow(message);
  });
});

describe('renderTierChangePlan', () => {
  it('lists every change with its disruption, what RDS keeps and the monthly difference', () => {
    // Act
    const text = renderTierChangePlan(plan('enterprise', 'pro'));

    // Assess
    for (const expected of [
      'Plan: change tenant "acme-corp" (tenant-acme-corp) from tier "enterprise" to tier "pro", applied now',
      'The application will notice: failover (instanceClass): RDS resizes the standby, then fails over to it',
      'instanceClass                                 db.r7g.xlarge → db.m7g.large',
      'failover  immediately',
      'backup.crossRegionReplication                 yes → no',
      'after the modification',
      // 400 GiB more, Multi-AZ: 800 GB × $0.115 = $92.00, plus backups of 400 GiB × 5% × 14 days × $0.095 = $26.60.
      'storage.allocatedGiB: the tier asks for 100, the instance gets 500 (+$118.60/month over the tier): RDS never shrinks allocated storage',
      '$1029.66  now, on enterprise',
      '-$634.73  difference per month',
      'not a quote',
    ]) {
      expect(text).toContain(expected);
    }
    // No storage change in this downgrade: the kept 500 GiB gp3 volume already has pro's performance.
    expect(text).not.toContain('Storage changes: RDS refuses another storage change');
  });

  it('says when the outage happens at the maintenance window, and warns about the storage cool-down', () => {
    // Act
    const text = renderTierChangePlan(plan('starter', 'pro', 'maintenance-window'));

    // Assess
    expect(text).toContain('deferred to the maintenance window where RDS allows it');
    expect(text).toContain(
      'The application will notice: reboot at next maintenance window (instanceClass): in the maintenance window sun:04:00-sun:04:30 UTC, the Single-AZ database restarts on the new class',
    );
    expect(text).toMatch(/storage\.allocatedGiB +20 → 100 +none +at the next maintenance window/);
    expect(text).toContain(
      'Storage changes: RDS refuses another storage change of this instance for at least 6 hours, or until storage optimization ends if that is later.',
    );
  });

  it('says so when the application will not notice, and when nothing changes', () => {
    // Prepare
    const settings = settingsFromCdkJson(
      {
        context: {
          tiers: {
            quiet: { ...builtIn.catalog.pro, alarms: { ...builtIn.catalog.pro?.alarms, cpuUtilizationPercent: 60 } },
          },
        },
      },
      'cdk.json',
    );

    // Act
    const quiet = renderTierChangePlan(plan('pro', 'quiet', 'now', 'us-east-1', settings));
    const same = renderTierChangePlan(plan('pro', 'pro'));

    // Assess
    expect(quiet).toContain('The application will not notice the change: no outage, reboot or failover.');
    expect(quiet).toMatch(/alarms\.cpuUtilizationPercent +80 → 60 +none +after the modification/);
    expect(same).toContain('Nothing changes: the two tiers are the same.');
    expect(same).toContain('  $0.00  difference per month');
  });
});

describe('tenantctl plan --from', () => {
  it('prints the tier change as JSON: changes, blocked and cost', async () => {
    // Act
    const { code, out, err } = await runTenantctl(
      ['plan', 'acme-corp', '--tier', 'starter', '--from', 'pro', '--when', 'maintenance-window', '--json'],
      { now: () => NOW },
    );

    // Assess
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const json = JSON.parse(out);
    expect(json).toMatchObject({ from: 'pro', to: 'starter', when: 'maintenance-window', storageCooldown: false });
    expect(json.changes).toContainEqual({
      field: 'instanceClass',
      from: 'db.m7g.large',
      to: 'db.t4g.micro',
      disruption: 'reboot at next maintenance window',
      reason: expect.stringContaining('in the maintenance window sun:04:00-sun:04:30 UTC'),
      appliedBy: 'ModifyDBInstance',
      parameter: 'DBInstanceClass',
      takesEffect: 'at the next maintenance window',
    });
    expect(json.blocked).toContainEqual(
      expect.objectContaining({ field: 'storage.allocatedGiB', reason: expect.stringContaining('never shrinks') }),
    );
    expect(json.cost).toMatchObject({ region: 'us-east-1', currency: 'USD', deltaMonthlyUsd: expect.any(Number) });
    expect(json.cost.deltaMonthlyUsd).toBeLessThan(0);
  });

  it('keeps the onboarding view without --from', async () => {
    // Act
    const { code, out } = await runTenantctl(['plan', 'acme-corp', '--tier', 'pro']);

    // Assess
    expect(code).toBe(0);
    expect(out).toContain('Plan: onboard tenant "acme-corp" on tier "pro"');
    expect(out).not.toContain('Changes');
  });

  it.each([
    [['--when', 'now'], '--when: applies to a tier change: pass --from <tier> too (got "now")'],
    [['--from', 'gold'], '--from: must be one of starter, pro, enterprise (got "gold")'],
  ])('refuses %j as bad input (exit 2), naming the option', async (extra, message) => {
    // Act
    const { code, out, err } = await runTenantctl(['plan', 'acme-corp', '--tier', 'pro', ...extra]);

    // Assess
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toContain(message);
  });
});
