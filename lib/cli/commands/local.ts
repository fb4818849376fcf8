/**
 * `tenantctl local up | status | down | reset`: the local platform's daemon of a state directory. `up` starts it
 * (lib/local/launcher.ts); the others talk to it through `endpoint.json` and its HTTP server.
 *
 * @module
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigurationError, ValidationError } from '../../../lambdas/shared/errors';
import type { LocalInstanceStatus, LocalStatus, LocalTenantStatus } from '../../local/daemon/status';
import type { upLocalPlatform } from '../../local/launcher';
import { callDaemon, daemonStatus, LocalPlatformNotRunningError } from '../../local/remote/client';
import { PATHS } from '../../local/remote/protocol';
import { type DaemonEndpoint, readEndpoint, removeEndpoint } from '../../local/state-dir';
import { processExists } from '../../postgres/cluster';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { writeJson } from '../output';
import { renderColumns } from '../render';

/** How long `down` waits for the daemon's process to end: it stops every PostgreSQL server and saves its state. */
export const STOP_TIMEOUT_MS = 60_000;
const STOP_POLL_MS = 100;

/** The tenant `local up` onboards, on the cheapest tier, so that there is a database to try at once. */
export const DEMO_TENANT = 'demo';

/**
 * Registry statuses from which `local up` onboards the demo tenant: an onboarding under way (joined) or failed
 * (tried again). In any other status someone has worked with the tenant since: `local up` only reports it.
 */
const DEMO_ONBOARDS_FROM = new Set(['PROVISIONING', 'FAILED']);

/**
 * `local up`: starts the daemon (`up` is the launcher's, loaded by the caller only for this command), onboards the
 * demo tenant through the provisioning workflow unless it exists, then says how to reach it. `onboardDemo` is
 * `tenantctl onboard demo --tier starter --wait --local`, with its progress and result.
 */
export async function localUpCommand(
  stateDir: string,
  options: { demo: boolean },
  ctx: CliContext,
  up: typeof upLocalPlatform,
  onboardDemo: () => Promise<ExitCode>,
): Promise<ExitCode> {
  const platform = await up({ stateDir, out: (line) => ctx.out(`${line}\n`) });
  ctx.out(
    `${platform.started ? 'Started' : 'Already running:'} the local platform (pid ${platform.pid}, 127.0.0.1:${platform.port}, state in ${stateDir})\n`,
  );
  if (options.demo) {
    const demo = (await daemonStatus(stateDir)).tenants.find((t) => t.tenantId === DEMO_TENANT);
    if (demo && !DEMO_ONBOARDS_FROM.has(demo.status)) {
      ctx.out(`Demo tenant ${DEMO_TENANT} (${demo.tier}) is ${demo.status}.\n`);
    } else {
      ctx.out(`Onboarding the demo tenant ${DEMO_TENANT} (starter) through the provisioning workflow\n`);
      const code = await onboardDemo();
      if (code !== EXIT.ok) return code;
    }
  }
  ctx.out(
    [
      '',
      'Next:',
      `  npx tenantctl credentials ${DEMO_TENANT} --local               # connection details and a psql command`,
      '  npx tenantctl onboard acme --tier pro --wait --local   # another tenant',
      '  npx tenantctl local status                             # tenants and their servers',
      '  npx tenantctl local down                               # stop everything, keep the data',
      `Logs: ${platform.logFile}`,
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}

const notRunning = (stateDir: string): string => `the local platform is not running (state dir ${stateDir})`;

const tenantRow = (t: LocalTenantStatus): string[] => [t.tenantId, t.tier, t.status, t.endpoint ?? ''];
const instanceRow = (i: LocalInstanceStatus): string[] => [
  i.instanceId,
  i.server,
  String(i.port),
  `${(i.sizeBytes / 1024 / 1024).toFixed(1)} MiB`,
];

function renderStatus(status: LocalStatus): string {
  const lines = [
    `Local platform running: pid ${status.pid}, port ${status.port}, since ${status.startedAt}`,
    `State dir ${status.stateDir}; workflow executions running: ${status.executionsRunning}`,
    '',
    status.tenants.length === 0
      ? 'No tenants.\n'
      : renderColumns(['TENANT', 'TIER', 'STATUS', 'ENDPOINT'], status.tenants.map(tenantRow)),
  ];
  if (status.instances.length > 0) {
    lines.push(renderColumns(['INSTANCE', 'SERVER', 'PORT', 'SIZE'], status.instances.map(instanceRow)));
  }
  return lines.join('\n');
}

/** `local status`: exit 0 with the status when the daemon answers; exit 3 when it is not running. */
export async function localStatusCommand(
  stateDir: string,
  options: { json?: boolean },
  ctx: CliContext,
): Promise<ExitCode> {
  const status = await daemonStatus(stateDir);
  if (options.json) writeJson(ctx, status);
  else ctx.out(renderStatus(status));
  return EXIT.ok;
}

/** Asks the daemon to stop, then waits for its process to end. Resolves false when nothing was running. */
async function stopDaemon(stateDir: string, endpoint: DaemonEndpoint | undefined): Promise<boolean> {
  if (!endpoint) return false;
  try {
    await callDaemon(endpoint, 'POST', PATHS.shutdown);
  } catch (error) {
    if (!(error instanceof LocalPlatformNotRunningError)) throw error;
    // The daemon died without removing its endpoint file: nothing to stop, the stale file goes.
    if (!processExists(endpoint.pid)) {
      removeEndpoint(stateDir);
      return false;
    }
    throw new ConfigurationError(
      `the local platform's process ${endpoint.pid} is alive but does not answer on port ${endpoint.port}: stop it with kill ${endpoint.pid}`,
    );
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (processExists(endpoint.pid)) {
    if (Date.now() > deadline) {
      throw new ConfigurationError(
        `the local platform (pid ${endpoint.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s; its log is in ${stateDir}`,
      );
    }
    await delay(STOP_POLL_MS);
  }
  removeEndpoint(stateDir);
  return true;
}

/** `local down`: stops the daemon and keeps its data; exit 0 as well when nothing was running. */
export async function localDownCommand(stateDir: string, ctx: CliContext): Promise<ExitCode> {
  const stopped = await stopDaemon(stateDir, readEndpoint(stateDir));
  ctx.out(stopped ? `stopped; data kept in ${stateDir}\n` : `${notRunning(stateDir)}: nothing to stop\n`);
  return EXIT.ok;
}

/** Folders `reset` never removes, whatever --state-dir says. */
function assertRemovable(stateDir: string): void {
  const path = resolve(stateDir);
  if (path === '/' || path === resolve(homedir()) || path.split('/').filter(Boolean).length < 2) {
    throw new ValidationError('--state-dir', 'must be a state directory, not / or a home directory', stateDir);
  }
}

/** `local reset`: confirmed by typing `reset` (or `--yes`), stops the daemon, then removes the state directory. */
export async function localResetCommand(
  stateDir: string,
  options: { yes?: boolean },
  ctx: CliContext,
): Promise<ExitCode> {
  assertRemovable(stateDir);
  if (!options.yes) {
    if (!ctx.ask) {
      throw new ValidationError(
        '--yes',
        'is required without a terminal: reset removes every local tenant and its data',
      );
    }
    const typed = await ctx.ask(
      `This stops the local platform and removes ${stateDir}: every local tenant, its database and snapshots.\nType reset to confirm: `,
    );
    if (typed.trim() !== 'reset')
      throw new ValidationError('confirmation', 'must be the word reset; nothing was removed', typed.trim());
  }
  const stopped = await stopDaemon(stateDir, readEndpoint(stateDir));
  if (stopped) ctx.out(`stopped the local platform of ${stateDir}\n`);
  if (!existsSync(stateDir)) {
    ctx.out(`nothing to remove: ${stateDir} does not exist\n`);
    return EXIT.ok;
  }
  const entries = readdirSync(stateDir).sort();
  try {
    // As root this includes the data folders owned by the postgres user.
    rmSync(stateDir, { recursive: true, force: true });
  } catch (error) {
    throw new ConfigurationError(
      `cannot remove ${stateDir} (${(error as NodeJS.ErrnoException).code ?? String(error)}): run tenantctl local reset as the user who started it`,
    );
  }
  ctx.out(`removed ${stateDir}${entries.length > 0 ? ` (${entries.join(', ')})` : ' (empty)'}\n`);
  return EXIT.ok;
}
