import { createServer, type Server, type Socket } from 'node:net';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { toPlatformError } from '../../lambdas/shared/errors';
import { CLIENT_CONFIG } from '../../lambdas/shared/runtime';

/**
 * The SDK client settings every handler uses bound a single AWS call: against a server that accepts the connection
 * and never answers, only the client's own request timeout ends the call. Timers are faked so 30 s pass at once;
 * the sockets are real.
 */

let server: Server;
let port: number;
const sockets: Socket[] = [];
let connected: Promise<void>;
let client: RDSClient | undefined;

beforeAll(async () => {
  server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  connected = new Promise((resolve) => server.once('connection', () => resolve()));
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});

afterEach(() => {
  jest.useRealTimers();
  client?.destroy();
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** Lets real I/O callbacks, and the promise chains they start, run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

it.each([
  { elapsedMs: 29_000, outcome: 'is still waiting', error: undefined },
  { elapsedMs: 30_000, outcome: 'has failed, as retryable', error: 'RetryableError' },
])('$elapsedMs ms without an answer: the call $outcome', async ({ elapsedMs, error }) => {
  // Prepare: one attempt, so the test sees the bound of a single request; the client is connected
  client = new RDSClient({ ...CLIENT_CONFIG, maxAttempts: 1, endpoint: `http://127.0.0.1:${port}` });
  let failure: unknown;
  client.send(new DescribeDBInstancesCommand({})).catch((caught: unknown) => {
    failure = caught;
  });
  await connected;
  await settle();

  // Act
  jest.advanceTimersByTime(elapsedMs);
  await settle();

  // Assess
  expect(failure && toPlatformError(failure, 'DescribeDBInstances').name).toBe(error);
  if (failure) expect(failure).toMatchObject({ name: 'TimeoutError' });
});
