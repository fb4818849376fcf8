/**
 * The daemon's HTTP server, on 127.0.0.1 only: AWS calls forwarded by tenantctl and the client library (POST /aws),
 * the platform's status (GET /status) and its shutdown (POST /shutdown), each behind the bearer token of
 * `endpoint.json`. Requests are logged by service and operation only: their inputs carry passwords.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalStatus } from '../daemon/status';
import { decode, encode, encodeError } from './codec';
import { type AwsDispatcher, MAX_BODY_BYTES, PATHS, parseAwsRequest } from './protocol';

export interface ControlHandlers {
  status(): Promise<LocalStatus>;
  /** Stops servers, saves state, then the process exits. */
  shutdown(): Promise<void>;
}

export interface PlatformServerOptions {
  dispatcher: AwsDispatcher;
  control: ControlHandlers;
  token: string;
  /** One line per request (method, path, service, operation, status, time): never an input or an output. */
  log?: (line: string) => void;
}

export interface PlatformServer {
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    name: string,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Whether `header` carries `token`, compared in constant time (digests have one length whatever the input). */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), expected);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** The body of a refusal of the server itself, in the shape of a forwarded AWS error. */
const refusal = (error: HttpError) => ({
  error: {
    name: error.name,
    message: error.message,
    $fault: error.status >= 500 ? 'server' : 'client',
    httpStatusCode: error.status,
    fields: {},
  },
});

async function readBody(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  const tooLarge = () =>
    new HttpError(
      413,
      'RequestTooLarge',
      `the request body exceeds ${MAX_BODY_BYTES} bytes, the local platform's limit`,
    );
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new HttpError(400, 'MalformedRequest', 'the request body is not JSON');
  }
}

/** Starts the server on a free port of 127.0.0.1. */
export function startPlatformServer(options: PlatformServerOptions): Promise<PlatformServer> {
  const expected = digest(options.token);
  const log = options.log ?? (() => {});
  let shuttingDown = false;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<string> => {
    const route = `${request.method} ${request.url}`;
    if (!authorized(request.headers.authorization, expected)) {
      // The body is not read: an unauthenticated caller cannot make the daemon buffer anything.
      response.setHeader('connection', 'close');
      throw new HttpError(401, 'Unauthorized', 'missing or wrong bearer token (see endpoint.json in the state dir)');
    }
    if (route === `POST ${PATHS.aws}`) {
      const parsed = parseAwsRequest(await readBody(request));
      if (typeof parsed === 'string') throw new HttpError(400, 'InvalidLocalRequest', parsed);
      const label = `${parsed.service} ${parsed.command}`;
      let input: unknown;
      try {
        input = decode(parsed.input);
      } catch (error) {
        throw new HttpError(400, 'InvalidLocalRequest', `input: ${(error as Error).message}`);
      }
      try {
        const output = await options.dispatcher.dispatch({ ...parsed, input });
        send(response, 200, { output: encode(output ?? {}) });
      } catch (error) {
        const encoded = encodeError(error);
        send(response, encoded.httpStatusCode, { error: encoded });
        return `${label} ${encoded.name}`;
      }
      return label;
    }
    if (route === `GET ${PATHS.status}`) {
      send(response, 200, await options.control.status());
      return '';
    }
    if (route === `POST ${PATHS.shutdown}`) {
      send(response, 202, { stopping: true });
      if (!shuttingDown) {
        shuttingDown = true;
        response.once('finish', () => {
          options.control.shutdown().catch((error: unknown) => log(`shutdown failed: ${(error as Error).message}`));
        });
      }
      return '';
    }
    throw new HttpError(
      404,
      'NotFound',
      `no ${route} here: POST ${PATHS.aws}, GET ${PATHS.status}, POST ${PATHS.shutdown}`,
    );
  };

  const server = createServer((request, response) => {
    const started = Date.now();
    handle(request, response)
      .then((detail) =>
        log(`${request.method} ${request.url} ${detail} ${response.statusCode} ${Date.now() - started}ms`),
      )
      .catch((error: unknown) => {
        const http =
          error instanceof HttpError
            ? error
            : new HttpError(500, 'InternalError', (error as Error).message ?? 'failed');
        if (!response.headersSent) send(response, http.status, refusal(http));
        else response.destroy();
        log(`${request.method} ${request.url} ${http.name} ${http.status} ${Date.now() - started}ms`);
      });
  });
  server.headersTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
