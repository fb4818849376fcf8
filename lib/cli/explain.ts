/**
 * One mapping from whatever ended a command to the exit code and a message a person can act on: what went wrong,
 * where, and the fix. Raw SDK and Node errors never reach the output as they are.
 *
 * @module
 */
import { ConfigurationError, TenantConflictError, ValidationError } from '../../lambdas/shared/errors';
import { TierCatalogError } from '../../lambdas/shared/tiers';
import { DeadlineExceededError } from './deadline';
import { EXIT, type ExitCode } from './exit-codes';
import { unknownRegionHint } from './regions';
import { type AwsCall, callOf, endpointSource, iamAction, SERVICES } from './services';

/** What the message may mention about the command's AWS setup. */
export interface ErrorFacts {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly region?: string;
  readonly profile?: string;
}

export interface Explanation {
  readonly exitCode: ExitCode;
  /** A stable name for scripts reading `--json` output. */
  readonly name: string;
  readonly message: string;
}

/** Where the README lists the IAM permissions of each command. */
export const PERMISSIONS_DOC = 'the README section "Permissions to run tenantctl"';

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'NotAuthorized',
]);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'RequestExpired']);
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMED_OUT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** The message without the "Error: " prefixes that wrapped errors pile up. */
export function plainMessage(message: string): string {
  return message.replace(/^(?:\w*Error: )+/, '').trim();
}

const what = (call: AwsCall | undefined): string =>
  call ? `${SERVICES[call.service].label} ${call.operation}` : 'an AWS request';

const profileHint = (facts: ErrorFacts): string => {
  const profile = facts.profile ?? facts.env.AWS_PROFILE;
  return profile
    ? `sign in with \`aws sso login --profile ${profile}\` (or check the profile's keys in ~/.aws)`
    : 'pass --profile <name> (or set AWS_PROFILE) after `aws sso login --profile <name>`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
};

function region(facts: ErrorFacts): string | undefined {
  return facts.region ?? facts.env.AWS_REGION ?? facts.env.AWS_DEFAULT_REGION;
}

function explainAws(error: ErrorLike, facts: ErrorFacts): Explanation | undefined {
  const call = callOf(error);
  const name = error.name ?? '';
  const message = plainMessage(error.message ?? '');
  const code = error.code ?? '';

  if (/Region is missing/i.test(message)) {
    return {
      exitCode: EXIT.awsOrConfig,
      name: 'RegionMissing',
      message:
        'no AWS Region: pass --region <region> (e.g. --region eu-west-1), set AWS_REGION, or set a region in your AWS profile',
    };
  }
  if (
    (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) &&
    !/expired/i.test(message)
  ) {
    return {
      exitCode: EXIT.awsOrConfig,
      name: 'NoCredentials',
      message: `no AWS credentials found: ${profileHint(facts)}`,
    };
  }
  if (EXPIRED.has(name) || /token.*expired|session.*expired/i.test(message)) {
    return {
      exitCode: EXIT.awsOrConfig,
      name: 'CredentialsExpired',
      message: `your AWS session has expired: ${profileHint(facts)}`,
    };
  }
  if (BAD_CREDENTIALS.has(name)) {
    return {
      exitCode: EXIT.awsOrConfig,
      name: 'CredentialsRejected',
      message: `AWS rejected the credentials for ${what(call)} (${name}): they are wrong or for another partition; ${profileHint(facts)}`,
    };
  }
  if (ACCESS_DENIED.has(name) || /not authorized to perform/i.test(message)) {
    const quoted = /perform: ([\w-]+:[\w-]+)(?: on resource: (\S+?))?(?: because|$|\s)/.exec(message);
    const action = quoted?.[1] ?? (call ? iamAction(call) : 'the action');
    const resource = quoted?.[2] ? ` on ${quoted[2]}` : '';
    return {
      exitCode: EXIT.awsOrConfig,
      name: 'AccessDenied',
      message: `access denied: your AWS identity may not call ${action}${resource}; ask for the tenantctl policy in ${PERMISSIONS_DOC}`,
    };
  }
  if (UNREACHABLE.has(code) || UNREACHABLE.has(name)) {
    const source = call ? endpointSource(call.service, facts.env, region(facts)) : 'your AWS configuration';
    const where = call?.endpoint ?? (call ? 'its endpoint' : 'the endpoint');
    const why =
      code === 'ECONNREFUSED' ? 'connection refused' : code === 'ECONNRESET' ? 'connection reset' : 'host not found';
    return {
      exitCode: EXIT.awsOrConfig,
      name: 'EndpointUnreachable',
      message: `cannot reach ${what(call)} at ${where} (${why}, ${code || name}); the endpoint comes from ${source}${source.startsWith('Region') ? unknownRegionHint(region(facts)) : ''}: check it, the Region and your network`,
    };
  }
  if (TIMED_OUT.has(name) || code === 'ETIMEDOUT') {
    const source = call ? endpointSource(call.service, facts.env, region(facts)) : 'your AWS configuration';
    return {
      exitCode: EXIT.timeout,
      name: 'Timeout',
      message: `${what(call)} at ${call?.endpoint ?? 'its endpoint'} did not answer in time (${message || name}); the endpoint comes from ${source}: check your network or VPN, or try again`,
    };
  }
  if (THROTTLED.has(name)) {
    return {
      exitCode: EXIT.awsOrConfig,
      name: 'Throttled',
      message: `AWS kept throttling ${what(call)} after retries: try again in a minute`,
    };
  }
  if (name === 'ResourceNotFoundException' && call?.service === 'dynamodb') {
    return {
      exitCode: EXIT.awsOrConfig,
      name: 'RegistryTableNotFound',
      message: `the registry table was not found in ${region(facts) ?? 'the Region of your AWS configuration'}: check --registry-table / TENANTCTL_REGISTRY_TABLE and --region`,
    };
  }
  if (call || error.$metadata) {
    return {
      exitCode: EXIT.awsOrConfig,
      name: name || 'AwsError',
      message: `${what(call)} failed: ${name && name !== 'Error' && !message.startsWith(name) ? `${name}: ` : ''}${message}`,
    };
  }
  return undefined;
}

/** The exit code and message for `error`. */
export function explainError(error: unknown, facts: ErrorFacts): Explanation {
  if (error instanceof DeadlineExceededError) {
    const call = error.waitingFor;
    const waiting = call ? ` (waiting for ${what(call)} at ${call.endpoint ?? 'its endpoint'})` : '';
    const source = call ? `; the endpoint comes from ${endpointSource(call.service, facts.env, region(facts))}` : '';
    return {
      exitCode: EXIT.timeout,
      name: 'Timeout',
      message: `no answer from AWS within ${error.seconds} s${waiting}${source}: check your network or VPN, or allow more time with --timeout <seconds>`,
    };
  }
  if (error instanceof ValidationError) {
    return { exitCode: EXIT.badInput, name: error.name, message: `invalid input: ${error.message}` };
  }
  if (error instanceof TenantConflictError) {
    return { exitCode: EXIT.refused, name: error.name, message: `refused: ${error.message}` };
  }
  if (error instanceof TierCatalogError) {
    return { exitCode: EXIT.awsOrConfig, name: error.name, message: plainMessage(error.message) };
  }
  if (error instanceof ConfigurationError) {
    return { exitCode: EXIT.awsOrConfig, name: error.name, message: plainMessage(error.message) };
  }
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  // Named, not imported: this module is in every run, the local platform's client only in those that call AWS.
  if (e.name === 'LocalPlatformNotRunningError') {
    return { exitCode: EXIT.awsOrConfig, name: e.name, message: plainMessage(e.message ?? '') };
  }
  const aws = explainAws(e, facts);
  if (aws) return aws;
  const name = e.name && e.name !== 'Error' ? e.name : 'Error';
  return { exitCode: EXIT.awsOrConfig, name, message: plainMessage(e.message ?? String(error)) || name };
}
