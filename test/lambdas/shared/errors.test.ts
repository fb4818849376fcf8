import { ERROR_NAMES } from '../../../lambdas/shared/error-names';
import {
  AwsRequestError,
  awsErrorName,
  isTransientAwsError,
  OutcomePendingError,
  OwnershipConflictError,
  RetryableError,
  toPlatformError,
  ValidationError,
} from '../../../lambdas/shared/errors';

/** An error shaped like the AWS SDK's (or Node's network layer's). */
function sdkError(fields: { name?: string; code?: string; status?: number; retryable?: boolean }): Error {
  const error = new Error('boom') as Error & Record<string, unknown>;
  if (fields.name) error.name = fields.name;
  if (fields.code) error.code = fields.code;
  if (fields.status) error.$metadata = { httpStatusCode: fields.status };
  if (fields.retryable) error.$retryable = { throttling: true };
  return error;
}

describe('isTransientAwsError', () => {
  it.each([
    ['throttling by name', sdkError({ name: 'ThrottlingException' }), true],
    ['RDS throttling', sdkError({ name: 'Throttling' }), true],
    ['DynamoDB throughput', sdkError({ name: 'ProvisionedThroughputExceededException' }), true],
    ['the SDK marking it retryable', sdkError({ name: 'Whatever', retryable: true }), true],
    ['HTTP 429', sdkError({ name: 'Unknown', status: 429 }), true],
    ['HTTP 503', sdkError({ name: 'Unknown', status: 503 }), true],
    ['a connection reset (Node sets code, not name)', sdkError({ code: 'ECONNRESET' }), true],
    ['a DNS hiccup', sdkError({ code: 'EAI_AGAIN' }), true],
    ['a socket timeout', sdkError({ code: 'ETIMEDOUT' }), true],
    ['access denied', sdkError({ name: 'AccessDeniedException', status: 400 }), false],
    ['an invalid parameter', sdkError({ name: 'InvalidParameterValue', status: 400 }), false],
    ['a quota', sdkError({ name: 'InstanceQuotaExceededFault', status: 400 }), false],
    ['not an object', 'boom', false],
  ])('%s → %s', (_case, error, transient) => {
    // Act & Assess
    expect(isTransientAwsError(error)).toBe(transient);
  });
});

describe('toPlatformError', () => {
  it.each([
    ['a transient fault becomes RetryableError', sdkError({ code: 'ECONNRESET' }), RetryableError],
    ['a permanent refusal becomes AwsRequestError', sdkError({ name: 'AccessDeniedException' }), AwsRequestError],
    ['a platform error passes through', new OwnershipConflictError('not ours'), OwnershipConflictError],
  ])('%s', (_case, error, expected) => {
    // Act
    const mapped = toPlatformError(error, 'CreateDBInstance');

    // Assess
    expect(mapped).toBeInstanceOf(expected);
  });

  it('names the action and the AWS error in the message', () => {
    // Act
    const mapped = toPlatformError(sdkError({ name: 'AccessDeniedException' }), 'CreateDBInstance');

    // Assess
    expect(mapped.message).toBe('CreateDBInstance failed: AccessDeniedException: boom');
    expect(mapped.name).toBe(ERROR_NAMES.awsRequest);
  });
});

describe('error names', () => {
  it.each(Object.entries(ERROR_NAMES))('%s errors are named %s for Step Functions', (_key, name) => {
    expect(name).toMatch(/^[A-Z][A-Za-z]+Error$/);
  });

  it('ValidationError names the field, the rule and the value', () => {
    // Act
    const error = new ValidationError('tier', 'must be one of starter, pro', 'gold');

    // Assess
    expect(error).toMatchObject({ name: 'ValidationError', field: 'tier', retryable: false });
    expect(error.message).toBe('tier: must be one of starter, pro (got "gold")');
    expect(awsErrorName(error)).toBe('ValidationError');
  });

  it('OutcomePendingError is retried by name and never means a rollback', () => {
    // Act
    const error = new OutcomePendingError('tenant acme is ACTIVE; its provisioned event is pending');

    // Assess
    expect(error).toMatchObject({ name: 'OutcomePendingError', retryable: true });
    expect(ERROR_NAMES.outcomePending).toBe('OutcomePendingError');
    expect(toPlatformError(error, 'PutEvents')).toBe(error);
  });

  it.each<[string, unknown, RegExp]>([
    ['a 100 KB string', 'r'.repeat(100_000), /^requestedBy: must be short \(got "r{62}… \(100002 characters\)\)$/],
    ['a 100 KB array', Array.from({ length: 20_000 }, () => 'abcd'), /\(got \["abcd",.*… \(\d+ characters\)\)$/],
    ['a line break that would forge a log line', 'ops\nlevel=INFO approved', /\(got "ops\\nlevel=INFO approved"\)$/],
    ['a right-to-left override', 'acme\u202egpj.exe', /\(got "acme\\u\{202e\}gpj\.exe"\)$/],
  ])('ValidationError quotes %s short and escaped', (_case, received, message) => {
    // Act
    const error = new ValidationError('requestedBy', 'must be short', received);

    // Assess
    expect(error.message).toMatch(message);
    expect(error.message.length).toBeLessThanOrEqual(200);
    expect(error.message).not.toMatch(/\p{C}/u);
  });
});
