import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app-builder';
import { PlatformConfigError } from '../../lib/config';
import { REPOSITORY_ROOT } from '../support/paths';

const ROOT = REPOSITORY_ROOT;

/** Two broken tiers: gp3 IOPS below the 400 GiB threshold, and more backup days than RDS keeps. */
const INVALID_TIERS = {
  starter: { storage: { iops: 3000 } },
  pro: { backup: { retentionDays: 40 } },
};

const EXPECTED_LINES = [
  'cdk.json context "tiers": Invalid tier catalog:',
  expect.stringMatching(
    /^ {2}tier "starter", field storage\.iops: gp3 IOPS and throughput can be provisioned only at 400 GiB/,
  ),
  '  tier "pro", field backup.retentionDays: must be a whole number of days from 1 to 35 (0 would turn automated backups off) (got 40)',
];

function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('an invalid tier in cdk.json context', () => {
  it('stops the app from being built, naming tier, field and rule', () => {
    // Prepare
    const app = new App({ context: { tiers: INVALID_TIERS } });

    // Act
    const error = thrownBy(() => buildApp(app));

    // Assess
    expect(error).toBeInstanceOf(PlatformConfigError);
    expect(error.message.split('\n')).toEqual(EXPECTED_LINES);
    expect(app.node.children).toHaveLength(0);
  });

  it('makes the CDK app entry point exit 1 with only the message on stderr', () => {
    // Prepare: run bin/app.ts the way the CDK CLI does, with the context in CDK_CONTEXT_JSON.
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    const env = { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ tiers: INVALID_TIERS }), CDK_OUTDIR: outdir };

    try {
      // Act
      const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });

      // Assess
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual(EXPECTED_LINES);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
