/**
 * A tiny local stand-in for the AWS JSON 1.0 protocol (Step Functions, DynamoDB) and, for DescribeDBInstances, the
 * Query protocol (RDS), for tests that run the tenantctl binary as a child process: point `AWS_ENDPOINT_URL_SFN` /
 * `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_RDS` at `url`. Each operation
 * (the `X-Amz-Target` header, e.g. `AWSStepFunctions.StartExecution`) is answered by a handler; an operation
 * without one fails the call, so the test sees every call the binary makes in `calls`.
 *
 * @module
 */
import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';

export interface FakeAwsError {
  readonly error: string;
  readonly message: string;
}

export type FakeHandler = (body: Record<string, unknown>) => unknown;

export interface FakeAws {
  readonly url: string;
  readonly calls: { operation: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export const awsError = (error: string, message: string): FakeAwsError => ({ error, message });

const isAwsError = (value: unknown): value is FakeAwsError =>
  typeof value === 'object' && value !== null && 'error' in value && 'message' in value;

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (String(request.headers['content-type']).includes('x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** An answer in the AWS Query protocol (RDS): the XML document, sent as it is. */
export interface FakeXml {
  readonly xml: string;
}

const isXml = (value: unknown): value is FakeXml => typeof value === 'object' && value !== null && 'xml' in value;

/** DescribeDBInstances' answer for one instance in `status`. */
export const dbInstanceXml = (identifier: string, status: string): FakeXml => ({
  xml: `<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>${identifier}</DBInstanceIdentifier><DBInstanceStatus>${status}</DBInstanceStatus></DBInstance></DBInstances></DescribeDBInstancesResult></DescribeDBInstancesResponse>`,
});

export async function startFakeAws(handlers: Record<string, FakeHandler>): Promise<FakeAws> {
  const calls: FakeAws['calls'] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    // JSON protocols name the operation in X-Amz-Target; the Query protocol (RDS) in the Action field.
    const operation = String(request.headers['x-amz-target'] ?? (body.Action ? `RDS.${body.Action}` : ''));
    calls.push({ operation, body });
    const handler = handlers[operation];
    const result = handler ? handler(body) : awsError('UnknownOperationException', `fake AWS has no ${operation}`);
    if (isXml(result)) {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(result.xml);
      return;
    }
    const failed = isAwsError(result);
    response.writeHead(failed ? 400 : 200, {
      'content-type': 'application/x-amz-json-1.0',
      ...(failed ? { 'x-amzn-errortype': result.error } : {}),
    });
    response.end(JSON.stringify(failed ? { __type: result.error, message: result.message } : result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A DynamoDB attribute value (the wire format) of a plain value. */
function attributeValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(attributeValue) };
  if (typeof value === 'object' && value !== null) return { M: item(value as Record<string, unknown>) };
  return { NULL: true };
}

/** A DynamoDB item (the wire format) of a plain object. */
export function item(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, attributeValue(value)]));
}

/** A JSON-protocol value: Dates become epoch seconds, as the AWS JSON protocols send timestamps. */
export function wire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(wire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, wire(v)]));
  }
  return value;
}

/** A TCP server that accepts connections and never answers: an endpoint that hangs every request. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
