import { createServer, type Server, type Socket } from 'node:net';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { toPlatformError } from '../../../lambdas/shared/errors';
import { CLIENT_CONFIG } from '../../../lambdas/shared/runtime';

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

it('29 s without an answer: the call is still waiting', async () => {
  // Prepare: one attempt, so the test sees the bound of a single request; the client is connected
  client = new RDSClient({ ...CLIENT_CONFIG, maxAttempts: 1, endpoint: `http://127.0.0.1:${port}` });
  let settled = false;
  client.send(new DescribeDBInstancesCommand({})).then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await connected;
  await settle();

  // Act
  jest.advanceTimersByTime(29_000);
  await settle();

  // Assess
  expect(settled).toBe(false);
});

it('30 s without an answer: the call has failed, as retryable', async () => {
  // Prepare
  client = new RDSClient({ ...CLIENT_CONFIG, maxAttempts: 1, endpoint: `http://127.0.0.1:${port}` });
  const call = client.send(new DescribeDBInstancesCommand({}));
  const outcome = call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  await connected;
  await settle();

  // Act
  jest.advanceTimersByTime(30_000);
  const failure = await outcome;

  // Assess
  expect(failure).toMatchObject({ name: 'TimeoutError' });
  expect(toPlatformError(failure, 'DescribeDBInstances').name).toBe('RetryableError');
});
