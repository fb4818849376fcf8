import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localUpCommand } from '../../../lib/cli/commands/local';
import type { LocalStatus } from '../../../lib/local/daemon/status';
import { endpointFile, writeEndpoint } from '../../../lib/local/state-dir';
import { runTenantctl } from '../../support/cli/run-cli';
import { startTestPlatform, type TestPlatform } from '../../support/local-platform';

/** A process standing in for the daemon's: it ends when the fake daemon is asked to shut down. */
let daemonProcess: ChildProcess;
let platform: TestPlatform;
/** What the fake daemon answers to GET /status instead of STATUS, when set. */
let statusOverride: LocalStatus | undefined;

const STATUS = (stateDir: string, pid: number): LocalStatus => ({
  stateDir,
  pid,
  port: 41234,
  startedAt: '2026-12-04T10:00:00.000Z',
  tenants: [
    { tenantId: 'demo', tier: 'starter', status: 'ACTIVE', endpoint: '127.0.0.1:54321' },
    { tenantId: 'globex', tier: 'pro', status: 'PROVISIONING' },
  ],
  instances: [{ instanceId: 'tenant-demo', server: 'running', port: 54321, sizeBytes: 40 * 1024 * 1024 }],
  executionsRunning: 1,
});

beforeEach(async () => {
  daemonProcess = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  const pid = daemonProcess.pid as number;
  platform = await startTestPlatform({
    status: async () => statusOverride ?? STATUS(platform.stateDir, pid),
    shutdown: async () => {
      daemonProcess.kill();
    },
  });
  writeEndpoint(platform.stateDir, { ...platform.endpoint, pid });
  mkdirSync(join(platform.stateDir, 'instances', 'tenant-demo'), { recursive: true });
  writeFileSync(join(platform.stateDir, 'index.json'), '{}');
});
afterEach(async () => {
  statusOverride = undefined;
  daemonProcess.kill();
  await platform.close();
});

const local = (...args: string[]) => runTenantctl(['local', ...args, '--state-dir', platform.stateDir]);

describe('tenantctl local status', () => {
  it('shows the daemon, its tenants and its servers as a table', async () => {
    // Act
    const run = await local('status');
    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain(`Local platform running: pid ${daemonProcess.pid}, port 41234`);
    expect(run.out).toContain('workflow executions running: 1');
    expect(run.out).toMatch(/demo\s+starter\s+ACTIVE\s+127\.0\.0\.1:54321/);
    expect(run.out).toMatch(/globex\s+pro\s+PROVISIONING/);
    expect(run.out).toMatch(/tenant-demo\s+running\s+54321\s+40\.0 MiB/);
  });

  it('prints the status as JSON with --json', async () => {
    // Act
    const run = await local('status', '--json');
    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual(STATUS(platform.stateDir, daemonProcess.pid as number));
  });

  it('says the platform is not running when no daemon wrote an endpoint', async () => {
    // Act
    const run = await runTenantctl(['local', 'status', '--state-dir', '/nonexistent/tenant-db']);
    // Assess
    expect(run.code).toBe(3);
    expect(run.err).toContain('the local platform is not running (state dir /nonexistent/tenant-db)');
  });
});

describe('tenantctl local down', () => {
  it('asks the daemon to stop, waits for its process to end, and keeps the data', async () => {
    // Act
    const run = await local('down');
    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toBe(`stopped; data kept in ${platform.stateDir}\n`);
    expect(daemonProcess.exitCode !== null || daemonProcess.signalCode !== null).toBe(true);
    expect(platform.shutdowns).toBe(1);
    expect(existsSync(endpointFile(platform.stateDir))).toBe(false);
    expect(existsSync(join(platform.stateDir, 'index.json'))).toBe(true);
  });

  it('exits 0 saying it is not running when no daemon wrote an endpoint', async () => {
    // Act
    const run = await runTenantctl(['local', 'down', '--state-dir', '/nonexistent/tenant-db']);
    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toBe('the local platform is not running (state dir /nonexistent/tenant-db): nothing to stop\n');
  });

  it('exits 0 saying it is not running, and removes the endpoint, when the daemon died without removing it', async () => {
    // Prepare
    daemonProcess.kill();
    await new Promise((resolve) => daemonProcess.once('exit', resolve));
    await platform.close();
    mkdirSync(platform.stateDir, { recursive: true });
    writeEndpoint(platform.stateDir, { ...platform.endpoint, pid: daemonProcess.pid as number });
    // Act
    const run = await local('down');
    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toBe(`the local platform is not running (state dir ${platform.stateDir}): nothing to stop\n`);
    expect(existsSync(endpointFile(platform.stateDir))).toBe(false);
  });
});

describe('tenantctl local reset', () => {
  it('refuses without a terminal and without --yes, before stopping or removing anything', async () => {
    // Act
    const run = await local('reset');
    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('--yes: is required without a terminal');
    expect(platform.shutdowns).toBe(0);
    expect(existsSync(join(platform.stateDir, 'index.json'))).toBe(true);
  });

  it('refuses a confirmation other than reset', async () => {
    // Act
    const run = await runTenantctl(['local', 'reset', '--state-dir', platform.stateDir], { ask: async () => 'yes' });
    // Assess
    expect(run.code).toBe(2);
    expect(platform.shutdowns).toBe(0);
    expect(existsSync(platform.stateDir)).toBe(true);
  });

  it.each([
    ['--yes', ['--yes'], undefined],
    ['typing reset', [], async () => 'reset\n'],
  ])('stops the platform, then removes the state dir and says what it removed (%s)', async (_how, flags, ask) => {
    // Act
    const run = await runTenantctl(['local', 'reset', ...flags, '--state-dir', platform.stateDir], {
      ...(ask ? { ask } : {}),
    });
    // Assess
    expect(run.code).toBe(0);
    expect(platform.shutdowns).toBe(1);
    expect(existsSync(platform.stateDir)).toBe(false);
    expect(run.out).toBe(
      `stopped the local platform of ${platform.stateDir}\nremoved ${platform.stateDir} (index.json, instances)\n`,
    );
  });

  it.each(['/', '/tmp'])('never removes %s', async (dir) => {
    // Act
    const run = await runTenantctl(['local', 'reset', '--yes', '--state-dir', dir]);
    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('--state-dir: must be a state directory');
  });
});

describe('tenantctl local up', () => {
  const context = (output: { text: string }) => ({
    out: (text: string) => {
      output.text += text;
    },
    err: () => {},
    env: {},
    clients: () => ({}) as never,
    sleep: async () => {},
    username: () => 'jane',
  });

  it.each([
    ['demo ACTIVE', true, 'ACTIVE', false, 'Demo tenant demo (starter) is ACTIVE.'],
    ['demo SUSPENDED', true, 'SUSPENDED', false, 'Demo tenant demo (starter) is SUSPENDED.'],
    ['no demo tenant yet', true, undefined, true, 'Onboarding the demo tenant demo (starter)'],
    ['demo onboarding under way', true, 'PROVISIONING', true, 'Onboarding the demo tenant demo (starter)'],
    ['demo onboarding failed', true, 'FAILED', true, 'Onboarding the demo tenant demo (starter)'],
    ['--no-demo', false, undefined, false, 'npx tenantctl local down'],
  ])('%s: onboards the demo tenant: %s', async (_label, demo, demoStatus, onboards, says) => {
    // Prepare
    const pid = daemonProcess.pid as number;
    const base = STATUS(platform.stateDir, pid);
    statusOverride = {
      ...base,
      tenants: demoStatus
        ? [{ tenantId: 'demo', tier: 'starter', status: demoStatus }]
        : [base.tenants[1]].flatMap((t) => (t ? [t] : [])),
    };
    const launched: string[] = [];
    const up: Parameters<typeof localUpCommand>[3] = async (options) => {
      launched.push(options.stateDir);
      options.out('launcher line');
      return { stateDir: options.stateDir, port: 41234, pid, started: true, logFile: '/x/logs/daemon.log' };
    };
    let onboarded = 0;
    const output = { text: '' };

    // Act
    const code = await localUpCommand(platform.stateDir, { demo }, context(output), up, async () => {
      onboarded += 1;
      return 0;
    });

    // Assess
    expect(code).toBe(0);
    expect(launched).toEqual([platform.stateDir]);
    expect(onboarded).toBe(onboards ? 1 : 0);
    expect(output.text).toContain('launcher line\n');
    expect(output.text).toContain(`Started the local platform (pid ${pid}, 127.0.0.1:41234`);
    expect(output.text).toContain(says);
    expect(output.text).toContain('Logs: /x/logs/daemon.log');
  });

  it('returns the exit code of a demo onboarding that failed', async () => {
    // Prepare
    statusOverride = { ...STATUS(platform.stateDir, daemonProcess.pid as number), tenants: [] };
    const up: Parameters<typeof localUpCommand>[3] = async (options) => ({
      stateDir: options.stateDir,
      port: 41234,
      pid: 1,
      started: false,
      logFile: 'log',
    });

    // Act
    const code = await localUpCommand(platform.stateDir, { demo: true }, context({ text: '' }), up, async () => 4);

    // Assess
    expect(code).toBe(4);
  });
});
