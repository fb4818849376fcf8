/**
 * The client side of the local platform: makes an SDK v3 client send its commands to the daemon instead of AWS.
 *
 * Where the call leaves the SDK: the daemon answers the LOW-LEVEL operation (DynamoDB AttributeValues), and the
 * DocumentClient marshals its input in a middleware placed before `serializerMiddleware` and unmarshals in one
 * placed before `deserializerMiddleware`, both anchored by name. So the forwarder takes the place of
 * `deserializerMiddleware` itself: the document middlewares anchor to it as they would to the real one, the input it
 * reads is already marshalled, and the output it returns is unmarshalled on the way out. Everything between runs
 * offline: the endpoint is computed, not contacted, the request is signed with a placeholder identity that never
 * leaves the process (no AWS credentials are needed), and the HTTP handler is never reached. The retry middleware
 * stays in the chain, so throttling answered by the daemon is retried as AWS's would be.
 *
 * @module
 */
import { request as httpRequest } from 'node:http';
import { ConfigurationError } from '../../../lambdas/shared/errors';
import type { LocalStatus } from '../daemon/status';
import { type DaemonEndpoint, readEndpoint } from '../state-dir';
import { decode, type EncodedError, encode, isEncodedError } from './codec';
import { type AwsRequest, type LocalServiceName, PATHS } from './protocol';

/** The daemon of a state directory does not answer. */
export class LocalPlatformNotRunningError extends Error {
  override readonly name = 'LocalPlatformNotRunningError';
  constructor(readonly stateDir: string) {
    super(
      `the local platform is not running (state dir ${stateDir}): start it with \`npm start\` or \`tenantctl local up\``,
    );
  }
}

/** The endpoint of the daemon of `stateDir`, or {@link LocalPlatformNotRunningError}. */
export function requireEndpoint(stateDir: string): DaemonEndpoint {
  const endpoint = readEndpoint(stateDir);
  if (!endpoint) throw new LocalPlatformNotRunningError(stateDir);
  return endpoint;
}

/** The SDK's `serviceId` of each client the daemon answers. */
const SERVICE_IDS: Readonly<Record<string, LocalServiceName>> = {
  SFN: 'sfn',
  DynamoDB: 'dynamodb',
  CloudFormation: 'cloudformation',
  RDS: 'rds',
  'Secrets Manager': 'secretsmanager',
  CloudWatch: 'cloudwatch',
  Lambda: 'lambda',
  EventBridge: 'eventbridge',
  SNS: 'sns',
  KMS: 'kms',
  'CloudWatch Logs': 'logs',
  S3: 's3',
  Scheduler: 'scheduler',
};

/** A longer answer than this is a daemon that hangs: the call fails instead of holding the caller forever. */
const ANSWER_TIMEOUT_MS = 120_000;

/** Sends one request to the daemon; resolves with the decoded body and the HTTP status. */
export function callDaemon(
  endpoint: DaemonEndpoint,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: endpoint.port,
        method,
        path,
        timeout: ANSWER_TIMEOUT_MS,
        headers: {
          authorization: `Bearer ${endpoint.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = raw === '' ? undefined : JSON.parse(raw);
          } catch {
            reject(new Error(`the local platform answered ${path} with something that is not JSON`));
            return;
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`the local platform did not answer ${path} in time`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET'
          ? new LocalPlatformNotRunningError(endpoint.stateDir)
          : error,
      );
    });
    req.end(text);
  });
}

/**
 * The status of the daemon of `stateDir` (GET /status). {@link LocalPlatformNotRunningError} when it has no endpoint
 * or does not answer; a ConfigurationError naming the HTTP status when it answers otherwise.
 */
export async function daemonStatus(stateDir: string): Promise<LocalStatus> {
  const { status, body } = await callDaemon(requireEndpoint(stateDir), 'GET', PATHS.status);
  if (status !== 200) throw new ConfigurationError(`the local platform answered its status with HTTP ${status}`);
  return body as LocalStatus;
}

interface ErrorRegistry {
  exceptions: Map<unknown, new (options: Record<string, unknown>) => Error>;
}

interface ForwardedConfig {
  serviceId?: string;
  region?: unknown;
  credentials?: unknown;
  useFipsEndpoint?: unknown;
  requestHandler?: unknown;
  protocolSettings?: { errorTypeRegistries?: readonly ErrorRegistry[] };
}

/**
 * The modeled exception class of `name` in the client's error registries (so `instanceof
 * ConditionalCheckFailedException` holds), else the service's base exception, else Error.
 */
function errorClass(
  config: ForwardedConfig,
  name: string,
): (new (options: Record<string, unknown>) => Error) | undefined {
  let base: (new (options: Record<string, unknown>) => Error) | undefined;
  for (const registry of config.protocolSettings?.errorTypeRegistries ?? []) {
    for (const [schema, ctor] of registry.exceptions ?? []) {
      const shapeName = Array.isArray(schema) ? schema[2] : undefined;
      if (shapeName === name) return ctor;
      if (typeof shapeName === 'string' && shapeName.endsWith('ServiceException')) base = ctor;
    }
  }
  return base;
}

/** The error the daemon answered, as the SDK would have raised it. */
function toSdkError(config: ForwardedConfig, encoded: EncodedError): Error {
  const fields = decode(encoded.fields) as Record<string, unknown>;
  const $metadata = { httpStatusCode: encoded.httpStatusCode, attempts: 1, totalRetryDelay: 0 };
  const Class = errorClass(config, encoded.name);
  const options = { ...fields, name: encoded.name, message: encoded.message, $fault: encoded.$fault, $metadata };
  const error = (
    Class ? new Class(options) : Object.assign(new Error(encoded.message), { $fault: encoded.$fault, $metadata })
  ) as Error & Record<string, unknown>;
  // Modeled exception constructors set their own name and copy their known fields; the daemon's answer wins.
  error.name = encoded.name;
  error.message = encoded.message;
  for (const [key, value] of Object.entries(fields)) {
    if (!(key in error) || error[key] === undefined) error[key] = value;
  }
  return error;
}

/** Sends one AWS call to the daemon; resolves with the SDK output or rejects with the SDK error. */
async function forwardCall(
  endpoint: DaemonEndpoint,
  request: AwsRequest,
  config: ForwardedConfig = {},
): Promise<Record<string, unknown>> {
  const { status, body } = await callDaemon(endpoint, 'POST', PATHS.aws, { ...request, input: encode(request.input) });
  const answer = body as { output?: unknown; error?: unknown } | undefined;
  if (status === 200 && answer && typeof answer.output === 'object' && answer.output !== null) {
    return decode(answer.output) as Record<string, unknown>;
  }
  if (answer && isEncodedError(answer.error)) throw toSdkError(config, answer.error);
  throw new Error(
    `the local platform answered ${request.service} ${request.command} with HTTP ${status} and no result`,
  );
}

type Middleware = (
  next: (args: { input: unknown }) => Promise<unknown>,
  context: { commandName?: string },
) => (args: { input: unknown }) => Promise<unknown>;

interface ForwardableClient {
  config: ForwardedConfig;
  middlewareStack: { add(middleware: Middleware, options: Record<string, unknown>): void };
}

/** The Region a client is configured with, or undefined (the daemon's then). */
async function configuredRegion(config: ForwardedConfig): Promise<string | undefined> {
  try {
    const region = typeof config.region === 'function' ? await (config.region as () => unknown)() : config.region;
    return typeof region === 'string' && region !== '' ? region : undefined;
  } catch {
    return undefined;
  }
}

/** The identity the offline signing step uses: it never leaves the process and grants nothing anywhere. */
const PLACEHOLDER_IDENTITY = Object.freeze({ accessKeyId: 'local-platform', secretAccessKey: 'local-platform' });
/** Endpoint rules need a Region; a client with none is answered in the daemon's, and this only names a host. */
const PLACEHOLDER_REGION = 'us-east-1';

/** Makes `client` (any SDK v3 client, DynamoDBDocumentClient included) send its commands to the daemon. */
export function forwardToLocalPlatform<C>(client: C, endpoint: DaemonEndpoint): C {
  const forwardable = client as unknown as ForwardableClient;
  const config = forwardable.config;
  const service = SERVICE_IDS[config.serviceId ?? ''];
  if (!service) {
    throw new Error(`the local platform does not answer ${config.serviceId ?? 'this'} clients`);
  }
  const regionProvider = config.region;
  const region = configuredRegion({ region: regionProvider });
  config.region = async () => (await region) ?? endpoint.region ?? PLACEHOLDER_REGION;
  config.credentials = async () => PLACEHOLDER_IDENTITY;
  // The FIPS check reads the Region the client was built with, which may be none at all.
  config.useFipsEndpoint = async () => false;
  // The forwarder answers every call; a request that reached the transport would mean it was bypassed, and must not
  // leave the machine signed with the placeholder identity.
  config.requestHandler = {
    handle: () =>
      Promise.reject(new Error(`a ${config.serviceId} call bypassed the local platform forwarding and was not sent`)),
  };
  const forwarder: Middleware = (_next, context) => async (args) => {
    const command = String(context.commandName ?? '').replace(/Command$/, '');
    const output = await forwardCall(
      endpoint,
      { service, command, region: (await region) ?? endpoint.region ?? '', input: args.input },
      config,
    );
    return {
      response: { statusCode: 200, headers: {} },
      output: { ...output, $metadata: { httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 } },
    };
  };
  forwardable.middlewareStack.add(forwarder, {
    step: 'deserialize',
    name: 'deserializerMiddleware',
    tags: ['DESERIALIZER', 'LOCAL_PLATFORM'],
    override: true,
  });
  return client;
}
