import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import type { StepName } from './contracts';
import { awsErrorName, toPlatformError } from './errors';
import { METRICS_NAMESPACE, SERVICE_NAME } from './telemetry';
import { retryingThrottles } from './throttle-retry';

/**
 * Powertools for every handler: JSON logs with the Lambda context (request id, cold start, function) and the
 * invocation's keys (tenant id, tier, execution), CloudWatch metrics in embedded metric format, and X-Ray tracing of
 * the AWS SDK clients. Constructed when this module loads, which only a handler does: the CDK app reads the names
 * from `telemetry.ts`.
 */
export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
const tracer = new Tracer({ serviceName: SERVICE_NAME });

export { MetricUnit };

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

interface Identifiable {
  state?: Identifiable;
  request?: { tenantId?: string; tier?: string; executionArn?: string };
  input?: { tenantId?: unknown; tier?: unknown };
  executionArn?: string;
  tenantId?: unknown;
  tier?: unknown;
}

/** The log keys of an event, from the validated request when there is one, else from the raw input. */
function logKeysOf(event: unknown): Record<string, string> {
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
 * A Lambda handler as the runtime calls it: the event and the invocation's context in, the result out. The work a
 * wrapper is given has the same shape; most ignore the context.
 */
export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

/** How {@link lambdaHandler} frames each invocation of a function. */
interface HandlerOptions<E> {
  /** Log messages of an invocation; `started` and `finished` are logged only when given. */
  readonly messages: { readonly failed: string; readonly started?: string; readonly finished?: string };
  /** The invocation's log keys, read from its event. @default none */
  readonly keys?: (event: E) => Record<string, string>;
  /** The error the function throws for the one its work threw. @default the work's error itself */
  readonly mapError?: (error: unknown) => unknown;
}

/**
 * Turns `work` into a Lambda handler, as Powertools' `injectLambdaContext` and `logMetrics` would: every log line
 * of the invocation carries the Lambda context and the invocation's keys (those of the previous invocation of a
 * warm sandbox are dropped first), a failure is logged with the name and message of the error the function
 * throws, and the metrics counted meanwhile are published, even when the work fails. Handlers use its two shapes,
 * {@link stepHandler} and {@link eventHandler}.
 *
 * @example
 * ```ts
 * export const handler = lambdaHandler(
 *   { messages: { failed: 'rotation failed' }, keys: (event: RotationEvent) => ({ secretId: event.SecretId }) },
 *   async (event) => rotate(event, deps),
 * );
 * ```
 */
function lambdaHandler<E, R>(options: HandlerOptions<E>, work: LambdaHandler<E, R>): LambdaHandler<E, R> {
  const { messages, keys, mapError = (error: unknown) => error } = options;
  return async (event: E, context: Context): Promise<R> => {
    logger.addContext(context);
    logger.resetKeys();
    if (keys) logger.appendKeys(keys(event));
    if (messages.started) logger.info(messages.started);
    try {
      const result = await work(event, context);
      if (messages.finished) logger.info(messages.finished);
      return result;
    } catch (error) {
      const thrown = mapError(error);
      logger.error(messages.failed, {
        errorName: awsErrorName(thrown),
        reason: (thrown as Error | undefined)?.message,
      });
      throw thrown;
    } finally {
      // Only what was counted: an empty flush makes Powertools warn, on every run of a schedule.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

/**
 * The handler of a workflow step: logs its start and end under the step's name and the request's keys (see
 * {@link logKeysOf}), and maps any error to a {@link PlatformError} whose `name` the workflow's Retry/Catch match;
 * an error it maps is kept as the `cause` of the one it throws.
 *
 * @example
 * ```ts
 * export const handler = stepHandler(STEPS.configureAlarms, async (state: WorkflowState) => configureAlarms(state));
 * ```
 */
export function stepHandler<E, R>(step: StepName | string, work: LambdaHandler<E, R>): LambdaHandler<E, R> {
  return lambdaHandler(
    {
      messages: { started: 'step started', finished: 'step finished', failed: 'step failed' },
      keys: (event) => ({ ...logKeysOf(event), step }),
      mapError: (error) => toPlatformError(error, step),
    },
    work,
  );
}

/**
 * The handler of a function outside the workflow (an EventBridge rule's target, a schedule, a rotation): its errors
 * are thrown as they are, so the invoker's own retry sees them, and logged with `failed`, which says what happens
 * next.
 *
 * @example
 * ```ts
 * export const handler = eventHandler(
 *   { failed: 'reaping failed; the event will be retried' },
 *   async (event: ExecutionStatusChangeEvent) => reapExecution(clients, event),
 * );
 * ```
 */
export function eventHandler<E, R>(
  options: { readonly failed: string; readonly keys?: (event: E) => Record<string, string> },
  work: LambdaHandler<E, R>,
): LambdaHandler<E, R> {
  return lambdaHandler({ messages: { failed: options.failed }, keys: options.keys }, work);
}
