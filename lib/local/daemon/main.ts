/**
 * The local platform's daemon process: `node --import tsx lib/local/daemon/main.ts --state-dir <dir> --cdk-out <dir>`.
 * `tenantctl local up` starts it in the background with its output going to `<state dir>/logs/daemon.log`; it runs
 * until `tenantctl local down` (or SIGTERM/SIGINT), which stops the workflows and servers and keeps the data.
 *
 * @module
 */
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { processExists } from '../../postgres/cluster';
import { readEndpoint } from '../state-dir';
import { startLocalPlatform } from './platform';

/**
 * The daemon's log line, written to its standard output (the log file) directly: the workflows capture what the
 * handlers write to `process.stdout` and pass it here, so writing through `process.stdout` would loop.
 */
const log = (line: string) => writeSync(1, `${new Date().toISOString()} ${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'state-dir': { type: 'string' }, 'cdk-out': { type: 'string' } },
    strict: true,
  });
  const stateDir = values['state-dir'];
  const cdkOut = values['cdk-out'];
  if (!stateDir || !cdkOut) throw new Error('usage: main.ts --state-dir <dir> --cdk-out <dir>');
  const running = readEndpoint(stateDir);
  if (running && running.pid !== process.pid && processExists(running.pid)) {
    throw new Error(`a local platform already runs for ${stateDir} (pid ${running.pid})`);
  }
  // A handler's stray rejection is logged, as Lambda would log it; it must not take every tenant down with it.
  process.on('unhandledRejection', (reason) =>
    log(`unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`),
  );
  const platform = await startLocalPlatform({ stateDir, cdkOut, log });
  const stop = () => void platform.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Handler modules keep pools and clients open: the process ends when the platform has stopped, not when idle.
  await platform.stopped;
  process.exit(0);
}

main().catch((error: unknown) => {
  log(`the local platform did not start: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
