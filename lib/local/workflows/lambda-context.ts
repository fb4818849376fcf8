import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** What a test can say about the invocation a {@link lambdaContext} describes. */
export interface LambdaContextOptions {
  /** @default 'tenant-db-test-function' */
  readonly functionName?: string;
  /** @default 256 */
  readonly memoryMb?: number;
  /** The function's timeout, from which `getRemainingTimeInMillis` counts down. @default 60 */
  readonly timeoutSeconds?: number;
  /** The clock the remaining time is read from (a virtual clock's in the workflow test harness). @default Date.now */
  readonly now?: () => number;
  /** @default the function's ARN in us-east-1, account 123456789012 (the AWS double's) */
  readonly invokedFunctionArn?: string;
}

/**
 * The context Lambda passes a handler with each invocation, as the Node.js runtime fills it: every call gives a new
 * request id, as every invocation does. Callback-style completion (`done`, `succeed`, `fail`) is deprecated and the
 * handlers return promises, so those throw.
 *
 * @example
 * ```ts
 * await handler(stateFor('pro'), lambdaContext());
 * await handler(event, lambdaContext({ functionName: 'ReadinessSignalFunction', now: () => clock.now() }));
 * ```
 */
export function lambdaContext(options: LambdaContextOptions = {}): Context {
  const { functionName = 'tenant-db-test-function', memoryMb = 256, timeoutSeconds = 60, now = Date.now } = options;
  const deadline = now() + timeoutSeconds * 1000;
  const callbackStyle = (): never => {
    throw new Error('lambdaContext: the handlers return promises; callback-style completion is not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: options.invokedFunctionArn ?? `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/01/01/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: callbackStyle,
    fail: callbackStyle,
    succeed: callbackStyle,
  };
}
