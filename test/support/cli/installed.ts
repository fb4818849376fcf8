/**
 * tenantctl as a user gets it: built, packed with `npm pack` and installed with `npm install -g` into a temporary
 * prefix, then run from that prefix's bin folder in a folder outside the repository.
 *
 * @module
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../paths';

const REPOSITORY = REPOSITORY_ROOT;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: no AWS variables from the test process (test/setup-env.js sets fake ones). */
export const BASE_ENV: Readonly<Record<string, string>> = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Fake credentials and a Region, for runs against a local endpoint. */
export const FAKE_CREDENTIALS: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
  AWS_REGION: 'us-east-1',
};

/** Builds, packs and installs tenantctl under `dir`; returns the installed command's path. */
export function installTenantctl(dir: string): string {
  const build = join(dir, 'build');
  const prefix = join(dir, 'prefix');
  mkdirSync(prefix, { recursive: true });
  execFileSync(process.execPath, [join(REPOSITORY, 'lib', 'cli', 'package', 'build.mjs'), '--outdir', build], {
    stdio: 'pipe',
  });
  const npm = { cwd: dir, stdio: 'pipe' as const, env: { ...process.env, npm_config_update_notifier: 'false' } };
  execFileSync('npm', ['pack', build, '--pack-destination', dir, '--silent'], npm);
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${dir}`);
  execFileSync(
    'npm',
    ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', `./${tarball}`],
    npm,
  );
  return join(prefix, 'bin', 'tenantctl');
}

/** Runs `command args` in `cwd` with BASE_ENV plus `env`; never rejects. */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd, env: { ...BASE_ENV, ...env }, timeout: 45_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}
