/**
 * Error classes thrown by the provisioning handlers.
 *
 * Step Functions matches `Retry` and `Catch` clauses on the `errorType` that Lambda reports, which is the thrown
 * error's `name`. Every class therefore sets `name` explicitly (bundling may rename classes), and the workflow
 * definition refers to these names through {@link ERROR_NAMES}, never to string literals.
 *
 * @example
 * ```ts
 * throw new ValidationError('tier', 'must be one of starter, pro, enterprise', 'gold');
 * // Step Functions sees errorType "ValidationError" and the message
 * // "tier: must be one of starter, pro, enterprise (got "gold")"
 * // Rejected values are quoted as a short, escaped prefix (see quoteRejected).
 * ```
 *
 * @module
 */
import { ERROR_NAMES } from './error-names';
import { quoteRejected } from './untrusted';

/** Base class: every error the platform raises on purpose. */
export abstract class PlatformError extends Error {
  /** Whether retrying the same step later can succeed. */
  public abstract readonly retryable: boolean;
  /** A sentence an operator can act on; recorded in the registry as the failure reason. */
  public get reason(): string {
    return this.message;
  }
}

/** Input that breaks a documented rule. Never retried; nothing has been created when it is thrown. */
export class ValidationError extends PlatformError {
  public override readonly name = ERROR_NAMES.validation;
  public readonly retryable = false;
  constructor(
    public readonly field: string,
    public readonly rule: string,
    received?: unknown,
  ) {
    super(`${field}: ${rule}${received === undefined ? '' : ` (got ${quoteRejected(received)})`}`);
  }
}

/** Another schema rollout holds the platform's rollout lock. Never retried: the operator waits or stops it. */
export class RolloutConflictError extends PlatformError {
  public override readonly name = ERROR_NAMES.rolloutConflict;
  public readonly retryable = false;
}

/** The tenant is already being provisioned by another request, or is live. Never retried, never rolled back. */
export class TenantConflictError extends PlatformError {
  public override readonly name = ERROR_NAMES.tenantConflict;
  public readonly retryable = false;
}

/**
 * A resource with our deterministic name exists but belongs to another execution or tenant. The workflow must not
 * touch it: rollback skips it and the failure reason names it.
 */
export class OwnershipConflictError extends PlatformError {
  public override readonly name = ERROR_NAMES.ownershipConflict;
  public readonly retryable = false;
}

/**
 * A tier change that cannot be made: a change RDS cannot apply in place, the storage cool-down, or a ModifyDBInstance
 * RDS refused. Never retried; the tenant stays on its tier with the reason recorded.
 */
export class TierChangeRefusedError extends PlatformError {
  public override readonly name = ERROR_NAMES.tierChangeRefused;
  public readonly retryable = false;
}

/** AWS throttled us or answered with a transient fault; the step is retried with backoff and jitter. */
export class RetryableError extends PlatformError {
  public override readonly name = ERROR_NAMES.retryable;
  public readonly retryable = true;
}

/** The instance entered a state it cannot leave without an operator (failed, incompatible-*, storage-full...). */
export class InstanceFailedError extends PlatformError {
  public override readonly name = ERROR_NAMES.instanceFailed;
  public readonly retryable = false;
}

/** The tier's provisioning time budget ran out before the instance became available. */
export class ProvisioningTimeoutError extends PlatformError {
  public override readonly name = ERROR_NAMES.timeout;
  public readonly retryable = false;
}

/** A misconfigured deployment (missing environment variable, bad context value). */
export class ConfigurationError extends PlatformError {
  public override readonly name = ERROR_NAMES.configuration;
  public readonly retryable = false;
}

/** A permanent AWS refusal we do not classify further (access denied, invalid parameter, quota exceeded...). */
export class AwsRequestError extends PlatformError {
  public override readonly name = ERROR_NAMES.awsRequest;
  public readonly retryable = false;
}

/**
 * The Region's manual-snapshot quota (RDS `ManualSnapshots`, 100 by default) has no room for the final snapshot.
 * Never retried: snapshots do not free themselves; an operator deletes old ones or raises the quota.
 */
export class SnapshotQuotaExceededError extends PlatformError {
  public override readonly name = ERROR_NAMES.snapshotQuota;
  public readonly retryable = false;
}

/**
 * The tenant is ACTIVE (the point of no return has passed) but its outcome event could not be published yet. Retried;
 * when the retries run out the workflow still ends successfully and the sweeper publishes the event. Never rolls
 * anything back.
 */
export class OutcomePendingError extends PlatformError {
  public override readonly name = ERROR_NAMES.outcomePending;
  public readonly retryable = true;
}

const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'LimitExceededException',
]);

const TRANSIENT_NAMES = new Set([
  'InternalFailure',
  'InternalServerError',
  'InternalServiceError',
  'InternalServiceErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Node network error codes (on `error.code`; their `name` is just "Error"), as the SDK's own classifier reads them. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

/** True when an AWS SDK error is throttling or a transient service fault. */
export function isTransientAwsError(error: unknown): boolean {
  const e = error as AwsLikeError;
  if (!e || typeof e !== 'object') return false;
  if (e.$retryable) return true;
  if (e.name && (THROTTLING_NAMES.has(e.name) || TRANSIENT_NAMES.has(e.name))) return true;
  if (e.code && TRANSIENT_NETWORK_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || (status !== undefined && status >= 500);
}

/**
 * Maps anything a handler caught to a {@link PlatformError}, so the workflow sees one of the known names:
 * platform errors pass through, transient AWS faults become {@link RetryableError}, the rest {@link AwsRequestError},
 * with the original error as their `cause`.
 *
 * @param action - what the handler was doing, e.g. `"CreateDBInstance"`; prefixed to the message.
 */
export function toPlatformError(error: unknown, action: string): PlatformError {
  if (error instanceof PlatformError) return error;
  const e = error as AwsLikeError;
  const detail = `${action} failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
  // The original stays reachable as `cause` (its stack, its SDK metadata) for whoever logs or inspects the mapped error.
  return isTransientAwsError(error)
    ? new RetryableError(detail, { cause: error })
    : new AwsRequestError(detail, { cause: error });
}

/** The AWS SDK error name of `error`, or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  return (error as AwsLikeError)?.name;
}
