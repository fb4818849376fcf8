import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { StepName } from './contracts';
import { toPlatformError } from './errors';
import { retryingThrottles } from './throttle-retry';

/**
 * Powertools for every handler: JSON logs with tenant id, tier and execution as persistent keys, CloudWatch
 * metrics in embedded metric format, and X-Ray tracing of the AWS SDK clients.
 */
export const SERVICE_NAME = 'tenant-db-provisioning';
export const METRICS_NAMESPACE = 'TenantDbPlatform';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

export { MetricUnit };

/** Metric names the dashboard and alarms read. */
export const METRIC_NAMES = {
  provisioned: 'TenantProvisioned',
  failed: 'ProvisioningFailed',
  duration: 'ProvisioningDuration',
  rollbackFailed: 'RollbackFailed',
  rejected: 'RequestRejected',
} as const;

/**
 * SDK client settings for every handler: adaptive retry mode backs off with jitter on throttling before the
 * workflow's own Retry does, and each attempt is bounded. The SDK's Node handler has no timeouts by default, so a
 * connection that hangs would hold the Lambda until its own timeout, which Step Functions only sees as
 * `Sandbox.Timedout`. `throwOnRequestTimeout` makes a request that outlives `requestTimeout` fail with
 * `TimeoutError` (which the SDK retries and {@link toPlatformError} reports as retryable) instead of only logging a
 * warning. The handler options are given as a plain object, which the clients turn into their own NodeHttpHandler.
 */
export const CLIENT_CONFIG = {
  maxAttempts: 5,
  retryMode: 'adaptive',
  requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
} as const;

/**
 * Wraps an AWS SDK v3 client for X-Ray, with throttled calls retried inside the handler (see
 * {@link retryingThrottles}).
 */
export function traced<T extends { send(...args: never[]): Promise<unknown> }>(client: T): T {
  return retryingThrottles(tracer.captureAWSv3Client(client));
}

const PERSISTENT_KEYS = ['tenantId', 'tier', 'executionArn'] as const;

interface Identifiable {
  state?: Identifiable;
  request?: { tenantId?: string; tier?: string; executionArn?: string };
  input?: { tenantId?: unknown; tier?: unknown };
  executionArn?: string;
  tenantId?: unknown;
  tier?: unknown;
}

/** The log keys of an event, from the validated request when there is one, else from the raw input. */
export function logKeysOf(event: unknown): Record<string, string> {
  const envelope = (event ?? {}) as Identifiable;
  // RecordFailure receives `{ state, executionArn }`; every other step receives the state itself.
  const e = { ...envelope.state, ...envelope };
  const raw = e.request ?? e.input ?? e;
  const keys: Record<string, unknown> = {
    tenantId: raw.tenantId,
    tier: raw.tier,
    executionArn: e.request?.executionArn ?? e.executionArn,
  };
  return Object.fromEntries(
    Object.entries(keys).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/**
 * Turns a step's work function into a Lambda handler: sets the persistent log keys, logs start and end, maps any
 * error to a {@link PlatformError} whose `name` the workflow's Retry/Catch match, and flushes metrics.
 *
 * @example
 * ```ts
 * export const handler = stepHandler(STEPS.configureAlarms, async (state: WorkflowState) => configureAlarms(state));
 * ```
 */
export function stepHandler<E, R>(step: StepName, work: (event: E) => Promise<R>): (event: E) => Promise<R> {
  return async (event: E): Promise<R> => {
    logger.removePersistentKeys([...PERSISTENT_KEYS]);
    logger.appendPersistentKeys({ ...logKeysOf(event), step });
    logger.info('step started');
    try {
      const result = await work(event);
      logger.info('step finished');
      return result;
    } catch (error) {
      const platformError = toPlatformError(error, step);
      logger.error('step failed', { errorName: platformError.name, reason: platformError.message });
      throw platformError;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
