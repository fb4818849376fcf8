/**
 * The local platform's daemon, assembled: real PostgreSQL servers behind the local RDS, the AWS double on the wall
 * clock with its state in the state directory, the synthesized workflows running the bundled handlers, and the
 * loopback server tenantctl and the client library call. One daemon per state directory.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DescribeStacksOutput } from '@aws-sdk/client-cloudformation';
import { DEFAULT_STACK_NAME } from '../../cli/targets';
import { AwsDouble, installAwsDouble } from '../aws';
import { hostBackend } from '../aws/host-backend';
import { followWallClock } from '../aws/real-time';
import { DoubleStateFile } from '../aws/store';
import { LocalInstanceHost } from '../host';
import { doubleDispatcher } from '../remote/double-dispatcher';
import type { AwsDispatcher, AwsRequest } from '../remote/protocol';
import { startPlatformServer } from '../remote/server';
import { removeEndpoint, writeEndpoint } from '../state-dir';
import { startLocalWorkflows } from '../workflows';
import { readCloudAssembly } from '../workflows/template';
import { createResources, synthesizedResources } from './resources';
import { instancesToResume } from './resume';
import type { LocalStatus } from './status';
import { listTenants } from './tenants';
import { localTimings } from './timings';

export interface LocalPlatformOptions {
  /** Where everything lives (see docs/local-platform.md); created when missing. */
  readonly stateDir: string;
  /** The synthesized app (`cdk.out`) whose workflows and bundled handlers run. */
  readonly cdkOut: string;
  /** Receives the daemon's and the handlers' log lines. */
  readonly log: (line: string) => void;
  /** The local platform's Region. @default AWS_REGION, else us-east-1 */
  readonly region?: string;
  /** How often the AWS state is saved while calls come in, in ms. @default 1000 */
  readonly saveIntervalMs?: number;
}

/** A running daemon. */
export interface LocalPlatform {
  readonly port: number;
  status(): Promise<LocalStatus>;
  /** Closes the port, stops the workflows, saves the state and stops every server (data kept). */
  shutdown(): Promise<void>;
  /** Settles once a shutdown finished, whoever asked for it (a signal, or `tenantctl local down`). */
  readonly stopped: Promise<void>;
}

/** Bytes of the bearer token: as strong as a 256-bit key. */
const TOKEN_BYTES = 32;
/** Calls kept in the double's log: enough to explain a recent failure, bounded for a daemon that runs for days. */
const CALL_LOG_LIMIT = 2_000;

/** Routes each forwarded call to the workflows (Step Functions, CloudFormation, Lambda) or to the double. */
function combinedDispatcher(
  workflows: { handles(service: AwsRequest['service']): boolean } & AwsDispatcher,
  double: AwsDispatcher,
): AwsDispatcher {
  return {
    dispatch: (request) => (workflows.handles(request.service) ? workflows : double).dispatch(request),
  };
}

/**
 * Starts the daemon's parts in dependency order and returns once the server listens and `endpoint.json` names it.
 * On a failure the parts already started are stopped again.
 *
 * @example
 * ```ts
 * const platform = await startLocalPlatform({ stateDir, cdkOut: 'cdk.out', log: (line) => logFile.write(line) });
 * process.once('SIGTERM', () => void platform.shutdown().then(() => process.exit(0)));
 * ```
 */
export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const { stateDir, log } = options;
  const startedAt = new Date().toISOString();
  // What to undo, last started first, when a later part fails to start or on shutdown.
  const undo: (() => unknown)[] = [];
  const unwind = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    const host = new LocalInstanceHost({ stateDir });
    await host.reattach();
    undo.push(() => host.stopAll());
    // The AWS state holds secret values: only the daemon's user may enter its folder.
    const awsDir = join(stateDir, 'aws');
    mkdirSync(awsDir, { recursive: true, mode: 0o700 });
    chmodSync(awsDir, 0o700);

    const wallClock = followWallClock();
    undo.push(() => wallClock.stop());
    const timings = localTimings();
    const double = new AwsDouble({
      clock: wallClock.clock,
      region: options.region,
      dynamodbPath: join(awsDir, 'dynamodb'),
      callLogLimit: CALL_LOG_LIMIT,
      instanceBackend: hostBackend(host),
    });
    undo.push(() => double.close());
    Object.assign(double.rds.timings, timings.rds);
    Object.assign(double.rdsSnapshots.timings, timings.snapshots);
    const stateFile = new DoubleStateFile(join(awsDir, 'state.json'));
    stateFile.load(double);
    const target = { region: double.region, account: double.account };
    createResources(double, synthesizedResources(readCloudAssembly(options.cdkOut), target));
    // Servers `local down` stopped come back for the instances RDS still counts as running.
    for (const instanceId of instancesToResume(double.rds.listInstances(), host.list())) {
      log(`starting the server of ${instanceId} again`);
      await host.start(instanceId);
    }

    undo.push(installAwsDouble(double));
    const save = () => stateFile.save(double);
    // On the way down the state is saved once the workflows have stopped, before the servers do.
    undo.push(save);
    const workflows = await startLocalWorkflows({ double, cdkOut: options.cdkOut, caFile: host.caFile, stateDir, log });
    undo.push(() => workflows.stop());
    const saver = setInterval(save, options.saveIntervalMs ?? 1_000);
    saver.unref();
    undo.push(() => clearInterval(saver));
    const registryTable = await registryTableOf(workflows, double.region);

    const status = async (): Promise<LocalStatus> => ({
      stateDir,
      pid: process.pid,
      port: server.port,
      startedAt,
      tenants: await listTenants(double, registryTable),
      instances: host.list().map((instance) => ({
        instanceId: instance.instanceId,
        server: instance.status,
        port: instance.port,
        sizeBytes: instance.sizeBytes,
      })),
      executionsRunning: workflows.running(),
    });
    let markStopped: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      markStopped = resolve;
    });
    let shuttingDown: Promise<void> | undefined;
    const shutdown = (): Promise<void> => {
      shuttingDown ??= (async () => {
        log('shutting down');
        try {
          await unwind();
          log('stopped');
        } finally {
          markStopped();
        }
      })();
      return shuttingDown;
    };
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const server = await startPlatformServer({
      dispatcher: combinedDispatcher(workflows, doubleDispatcher(double)),
      control: { status, shutdown },
      token,
    });
    undo.push(() => server.close());
    writeEndpoint(stateDir, { pid: process.pid, port: server.port, token, startedAt, stateDir, region: double.region });
    undo.push(() => removeEndpoint(stateDir));
    log(`listening on 127.0.0.1:${server.port}`);
    return {
      port: server.port,
      status,
      shutdown,
      stopped,
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/** The registry table's name, as the workflow stack's output gives it to tenantctl. */
async function registryTableOf(workflows: AwsDispatcher, region: string): Promise<string> {
  const { Stacks } = (await workflows.dispatch({
    service: 'cloudformation',
    command: 'DescribeStacks',
    region,
    input: { StackName: DEFAULT_STACK_NAME },
  })) as DescribeStacksOutput;
  const name = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'RegistryTableName')?.OutputValue;
  if (!name) throw new Error(`the synthesized stack ${DEFAULT_STACK_NAME} has no RegistryTableName output`);
  return name;
}
