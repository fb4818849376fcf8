/**
 * How a handler's thrown error reaches Step Functions through Lambda: the error's `name` is Lambda's `errorType`,
 * which Retry and Catch match on, and the cause is the `{"errorType","errorMessage","trace"}` JSON Step Functions
 * records. Shared by the workflow test harness and the local platform.
 *
 * @module
 */

/** The error Step Functions sees for a handler's thrown error: Lambda's `errorType` is the error's name. */
export function lambdaError(thrown: unknown): Error {
  const e = thrown instanceof Error ? thrown : new Error(String(thrown));
  const error = new Error(JSON.stringify(lambdaErrorPayload(e)));
  error.name = e.name;
  return error;
}

/** The payload Lambda returns for a function error (Invoke's `Payload` with `FunctionError: 'Unhandled'`). */
export function lambdaErrorPayload(error: Error): { errorType: string; errorMessage: string; trace: string[] } {
  return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
}
