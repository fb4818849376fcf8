import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forwardToLocalPlatform, requireEndpoint } from '../local/remote/client';
import type { DaemonEndpoint } from '../local/state-dir';
import { type AwsCall, type ServiceName, tagError } from './services';
import type { StackOutput } from './targets';

/**
 * AWS clients of tenantctl. Credentials and Region come from the standard provider chain (profile, environment,
 * SSO); `--region` and `--profile` override them. Adaptive retry backs off on throttling before a call is reported
 * as failed. Every client has a connect and a request timeout, so a silent endpoint fails a request instead of
 * holding it forever; the command's deadline (lib/cli/deadline.ts) bounds the retries on top.
 *
 * Only commands that call AWS import this module (with `import()`), so `--help` and `plan` never load the SDK.
 */
export interface AwsClients {
  readonly sfn: SFNClient;
  readonly registry: DynamoDBDocumentClient;
  readonly cloudFormation: CloudFormationClient;
  /** Read-only here: the status of a tenant's DB instance while an operation is followed. */
  readonly rds: RDSClient;
}

/** What every client is configured from. */
export interface AwsSettings {
  readonly region?: string;
  readonly profile?: string;
  /** Calls in flight, for the message of a deadline that expires while one waits. */
  readonly inFlight?: Set<AwsCall>;
  /** `--local`: every client sends its calls to the daemon of this state directory instead of AWS. */
  readonly local?: { readonly stateDir: string };
}

/** A TCP connection not established after this long fails the attempt. */
export const CONNECT_TIMEOUT_MS = 3_000;
/** A request with no response after this long fails the attempt. */
export const REQUEST_TIMEOUT_MS = 15_000;
const MAX_ATTEMPTS = 4;

/** The daemon the clients of `settings` talk to, or undefined when they talk to AWS. */
const localEndpoint = (settings: AwsSettings): DaemonEndpoint | undefined =>
  settings.local ? requireEndpoint(settings.local.stateDir) : undefined;

/**
 * Client configuration shared by every service. Locally, the Region defaults to the daemon's and the endpoint names
 * the daemon, so an error message says where the call went.
 */
export function clientConfig(settings: AwsSettings, local?: DaemonEndpoint) {
  const region = settings.region ?? local?.region;
  return {
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'adaptive',
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    ...(region === undefined ? {} : { region }),
    ...(settings.profile === undefined || local ? {} : { profile: settings.profile }),
    ...(local ? { endpoint: `http://127.0.0.1:${local.port}` } : {}),
  } as const;
}

/** `client` with its calls tracked, and sent to the daemon when `local` is set. */
function tracked<C extends { middlewareStack: unknown }>(
  client: C,
  service: ServiceName,
  settings: AwsSettings,
  local: DaemonEndpoint | undefined,
): C {
  trackCalls(client, service, settings);
  return local ? forwardToLocalPlatform(client, local) : client;
}

interface Stack {
  add(middleware: unknown, options: { step: string; name: string; override?: boolean }): void;
}

/**
 * Records every call of `client`: which operation, at which endpoint, in flight or not, and tags an error with the
 * call that raised it, so the message can name the endpoint and the IAM action.
 */
export function trackCalls(client: { middlewareStack: unknown }, service: ServiceName, settings: AwsSettings): void {
  const stack = client.middlewareStack as Stack;
  const calls = new WeakMap<object, AwsCall>();
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const call: AwsCall = { service, operation: String(context.commandName ?? 'Request').replace(/Command$/, '') };
      calls.set(context, call);
      settings.inFlight?.add(call);
      try {
        return await next(args);
      } catch (error) {
        tagError(error, call);
        throw error;
      } finally {
        settings.inFlight?.delete(call);
      }
    },
    { step: 'initialize', name: 'tenantctlCallTracking', override: true },
  );
  stack.add(
    (next: (args: { request?: unknown }) => Promise<unknown>, context: object) =>
      async (args: { request?: unknown }) => {
        const call = calls.get(context);
        const request = args.request as { protocol?: string; hostname?: string; port?: number } | undefined;
        if (call && request?.hostname) {
          call.endpoint = `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
        }
        return next(args);
      },
    { step: 'build', name: 'tenantctlEndpointTracking', override: true },
  );
}

export function createClients(settings: AwsSettings): AwsClients {
  const local = localEndpoint(settings);
  const config = clientConfig(settings, local);
  const sfn = tracked(new SFNClient(config), 'sfn', settings, local);
  const dynamo = tracked(new DynamoDBClient(config), 'dynamodb', settings, local);
  const cloudFormation = tracked(new CloudFormationClient(config), 'cloudformation', settings, local);
  const rds = tracked(new RDSClient(config), 'rds', settings, local);
  return { sfn, registry: DynamoDBDocumentClient.from(dynamo), cloudFormation, rds };
}

/** Clients of `tenantctl billing redrive`: the billing dead-letter queue and the bus. */
export interface BillingClients {
  readonly sqs: SQSClient;
  readonly events: EventBridgeClient;
}

export function createBillingClients(settings: AwsSettings): BillingClients {
  const config = clientConfig(settings);
  const sqs = new SQSClient(config);
  const events = new EventBridgeClient(config);
  trackCalls(sqs, 'sqs', settings);
  trackCalls(events, 'eventbridge', settings);
  return { sqs, events };
}

/** Clients of `tenantctl reset`, which checks a failed rollback's leftovers (see lib/cli/leftovers.ts). */
export interface RecoveryClients {
  readonly secretsManager: SecretsManagerClient;
  readonly cloudWatch: CloudWatchClient;
  readonly rdsIn: (region: string) => RDSClient;
}

export function createRecoveryClients(settings: AwsSettings): RecoveryClients {
  const local = localEndpoint(settings);
  const config = clientConfig(settings, local);
  return {
    secretsManager: tracked(new SecretsManagerClient(config), 'secretsmanager', settings, local),
    cloudWatch: tracked(new CloudWatchClient(config), 'cloudwatch', settings, local),
    rdsIn: (region) => tracked(new RDSClient({ ...config, region }), 'rds', settings, local),
  };
}

/** Clients of `tenantctl rotation enable`, which turns on the rotation of application secrets. */
export interface RotationClients {
  readonly secretsManager: SecretsManagerClient;
}

export function createRotationClients(settings: AwsSettings): RotationClients {
  const local = localEndpoint(settings);
  return {
    secretsManager: tracked(new SecretsManagerClient(clientConfig(settings, local)), 'secretsmanager', settings, local),
  };
}

/** Outputs of a CloudFormation stack, or undefined when it does not exist. */
export async function describeStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<readonly StackOutput[] | undefined> {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id ... does not exist".
    const e = error as { name?: string; message?: string };
    if (e.name === 'ValidationError' && e.message?.includes('does not exist')) return undefined;
    throw error;
  }
}
