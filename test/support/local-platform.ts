import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsDouble, registryTable } from '../../lib/local/aws';
import type { LocalStatus } from '../../lib/local/daemon/status';
import { doubleDispatcher } from '../../lib/local/remote/double-dispatcher';
import type { AwsRequest, LocalServiceName } from '../../lib/local/remote/protocol';
import { type ControlHandlers, startPlatformServer } from '../../lib/local/remote/server';
import { type DaemonEndpoint, writeEndpoint } from '../../lib/local/state-dir';

/** Region of the test daemon: not the SDK default, so a call that ignores it lands nowhere. */
export const LOCAL_REGION = 'eu-west-1';
export const LOCAL_REGISTRY = 'tenant-registry';

/** An in-process local platform: the HTTP server over an AWS double, in a temporary state dir. */
export interface TestPlatform {
  readonly double: AwsDouble;
  readonly endpoint: DaemonEndpoint;
  readonly stateDir: string;
  /** Log lines of the server. */
  readonly log: string[];
  /** Answers of the services the double lacks (Step Functions, CloudFormation, Lambda), set by each test. */
  readonly extra: Partial<Record<LocalServiceName, (request: AwsRequest) => Promise<unknown>>>;
  /** Requests the server dispatched, in order. */
  readonly requests: AwsRequest[];
  readonly shutdowns: number;
  /** Stops the server (once) and removes the state dir. */
  close(): Promise<void>;
}

/** Starts a {@link TestPlatform}; `control` replaces the status and shutdown handlers. */
export async function startTestPlatform(control?: Partial<ControlHandlers>): Promise<TestPlatform> {
  const double = new AwsDouble({ region: LOCAL_REGION });
  double.dynamodb.defineTable(registryTable(LOCAL_REGISTRY));
  const base = doubleDispatcher(double);
  const stateDir = mkdtempSync(join(tmpdir(), 'local-platform-'));
  const token = randomBytes(24).toString('hex');
  const log: string[] = [];
  const extra: TestPlatform['extra'] = {};
  const requests: AwsRequest[] = [];
  let shutdowns = 0;
  let closed = false;
  const server = await startPlatformServer({
    token,
    log: (line) => log.push(line),
    dispatcher: {
      dispatch: (request) => {
        requests.push(request);
        return extra[request.service]?.(request) ?? base.dispatch(request);
      },
    },
    control: {
      status: async (): Promise<LocalStatus> => ({
        stateDir,
        pid: process.pid,
        port: 0,
        startedAt: '2026-12-04T10:00:00.000Z',
        tenants: [],
        instances: [],
        executionsRunning: 0,
      }),
      ...control,
      shutdown: async () => {
        shutdowns += 1;
        await control?.shutdown?.();
      },
    },
  });
  const endpoint: DaemonEndpoint = {
    pid: process.pid,
    port: server.port,
    token,
    startedAt: new Date().toISOString(),
    stateDir,
    region: LOCAL_REGION,
  };
  writeEndpoint(stateDir, endpoint);
  return {
    double,
    endpoint,
    stateDir,
    log,
    extra,
    requests,
    get shutdowns() {
      return shutdowns;
    },
    close: async () => {
      if (!closed) {
        closed = true;
        await server.close();
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
