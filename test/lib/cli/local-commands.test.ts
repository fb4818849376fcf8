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
    status: async () => STATUS(platform.stateDir, pid),
    shutdown: async () => {
      daemonProcess.kill();
    },
  });
  writeEndpoint(platform.stateDir, { ...platform.endpoint, pid });
  mkdirSync(join(platform.stateDir, 'instances', 'tenant-demo'), { recursive: true });
  writeFileSync(join(platform.stateDir, 'index.json'), '{}');
});
afterEach(async () => {
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
  it.each([
    [true, 'demo'],
    [false, 'no demo'],
  ])('hands the state dir and the demo choice (%s) to the launcher and prints its lines', async (demo, label) => {
    // Prepare
    const calls: { stateDir: string; demo?: boolean }[] = [];
    let out = '';
    const up: Parameters<typeof localUpCommand>[3] = async (options) => {
      calls.push({ stateDir: options.stateDir, demo: options.demo });
      options.out(`up with ${label}`);
      return { stateDir: options.stateDir, port: 1, started: true };
    };
    // Act
    const code = await localUpCommand(
      '/tmp/tenant-db/local',
      { demo },
      {
        out: (text) => (out += text),
        err: () => {},
        env: {},
        clients: () => ({}) as never,
        sleep: async () => {},
        username: () => 'jane',
      },
      up,
    );
    // Assess
    expect(code).toBe(0);
    expect(calls).toEqual([{ stateDir: '/tmp/tenant-db/local', demo }]);
    expect(out).toBe(`up with ${label}\n`);
  });
});
