/**
 * Errors as the AWS SDK raises them. Modeled exceptions (DBInstanceNotFoundFault, ResourceExistsException...) are
 * constructed from the SDK's own classes by the service modules; this module builds the unmodeled ones (RDS
 * `InvalidParameterCombination`, DynamoDB `ValidationException`), which the SDK raises as the service's base
 * exception class with the error code as `name`, and the errors of the double itself.
 *
 * @module
 */

/** The `$metadata` of an SDK response or error. */
export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
  totalRetryDelay?: number;
}

/** The constructor of a service's base exception (`RDSServiceException`, `DynamoDBServiceException`...). */
export type ServiceExceptionClass = new (options: {
  name: string;
  $fault: 'client' | 'server';
  message: string;
  $metadata: ResponseMetadata;
}) => Error;

export function errorMetadata(httpStatusCode: number): ResponseMetadata {
  return { httpStatusCode, attempts: 1, totalRetryDelay: 0 };
}

/** An unmodeled service error: an instance of the service's base exception whose `name` is the error code. */
export function serviceError(base: ServiceExceptionClass, name: string, message: string, httpStatusCode = 400): Error {
  return new base({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    message,
    $metadata: errorMetadata(httpStatusCode),
  });
}

/** Throttling as the SDK reports it after its own retries: retryable, throttling, HTTP 400. */
export function throttlingError(base: ServiceExceptionClass): Error {
  const error = serviceError(base, 'ThrottlingException', 'Rate exceeded', 400);
  Object.assign(error, { $retryable: { throttling: true } });
  return error;
}

/**
 * What Lambda reports when the function process dies (out of memory, killed) after its side effect: the workflow
 * harness turns it into a crash of the Task, as Step Functions would see it.
 */
export function crashError(service: string, command: string): Error {
  const error = new Error(`Runtime exited with error: signal: killed (injected after ${service}:${command})`);
  error.name = 'Runtime.ExitError';
  return error;
}

/**
 * A request AWS would accept but the platform must never send (a publicly accessible database, say). Thrown so
 * the test fails, and also recorded in `double.violations` in case the handler swallows it.
 */
export class PlatformExpectationError extends Error {
  public override readonly name = 'PlatformExpectationError';
}

/** A command or parameter the double does not model: a gap in the double, not a bug in the handler. */
export class NotModeledError extends Error {
  public override readonly name = 'NotModeledError';
}
