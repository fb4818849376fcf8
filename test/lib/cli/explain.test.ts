import { ConfigurationError, TenantConflictError, ValidationError } from '../../../lambdas/shared/errors';
import { TierCatalogError } from '../../../lambdas/shared/tiers';
import { DeadlineExceededError } from '../../../lib/cli/deadline';
import { EXIT } from '../../../lib/cli/exit-codes';
import { explainError, PERMISSIONS_DOC, plainMessage } from '../../../lib/cli/explain';
import { type AwsCall, tagError } from '../../../lib/cli/services';

const awsError = (name: string, message: string, fields: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(message), { name, ...fields });

const tagged = (error: Error, call: AwsCall): Error => {
  tagError(error, call);
  return error;
};

const getItem: AwsCall = { service: 'dynamodb', operation: 'GetItem', endpoint: 'http://127.0.0.1:9' };
const start: AwsCall = {
  service: 'sfn',
  operation: 'StartExecution',
  endpoint: 'https://states.us-east-1.amazonaws.com',
};

describe('explainError', () => {
  it.each([
    ['bad input', new ValidationError('tenantId', 'must be short', 'x'), {}, EXIT.badInput, 'invalid input: tenantId'],
    ['a refusal', new TenantConflictError('tenant acme is ACTIVE'), {}, EXIT.refused, 'refused: tenant acme is ACTIVE'],
    [
      'a broken deployment setting',
      new ConfigurationError('cannot read cdk.json'),
      {},
      EXIT.awsOrConfig,
      'cannot read cdk.json',
    ],
    ['an invalid tier catalog', new TierCatalogError([]), {}, EXIT.awsOrConfig, 'Invalid tier catalog'],
    [
      'a missing Region',
      awsError('Error', 'Region is missing'),
      {},
      EXIT.awsOrConfig,
      'no AWS Region: pass --region <region> (e.g. --region eu-west-1), set AWS_REGION',
    ],
    [
      'missing credentials',
      awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
      {},
      EXIT.awsOrConfig,
      'no AWS credentials found: pass --profile <name> (or set AWS_PROFILE) after `aws sso login --profile <name>`',
    ],
    [
      'missing credentials of a named profile',
      awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
      { profile: 'sales' },
      EXIT.awsOrConfig,
      'sign in with `aws sso login --profile sales`',
    ],
    [
      'an expired SSO session',
      awsError('ExpiredTokenException', 'The security token included in the request is expired'),
      { env: { AWS_PROFILE: 'ops' } },
      EXIT.awsOrConfig,
      'your AWS session has expired: sign in with `aws sso login --profile ops`',
    ],
    [
      'a refused connection to an endpoint from the environment',
      tagged(awsError('Error', 'connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' }), getItem),
      { env: { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' } },
      EXIT.awsOrConfig,
      'cannot reach DynamoDB GetItem at http://127.0.0.1:9 (connection refused, ECONNREFUSED); the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:9',
    ],
    [
      'an unknown host from the Region',
      tagged(awsError('Error', 'getaddrinfo ENOTFOUND states.us-esat-1.amazonaws.com', { code: 'ENOTFOUND' }), {
        ...start,
        endpoint: 'https://states.us-esat-1.amazonaws.com',
      }),
      { region: 'us-esat-1' },
      EXIT.awsOrConfig,
      'cannot reach Step Functions StartExecution at https://states.us-esat-1.amazonaws.com (host not found, ENOTFOUND); the endpoint comes from Region us-esat-1',
    ],
    [
      'access denied, quoting the action and resource',
      tagged(
        awsError(
          'AccessDeniedException',
          'User: arn:aws:sts::111122223333:assumed-role/sales/jane is not authorized to perform: states:StartExecution on resource: arn:aws:states:us-east-1:111122223333:stateMachine:sm because no identity-based policy allows the states:StartExecution action',
        ),
        start,
      ),
      {},
      EXIT.awsOrConfig,
      `access denied: your AWS identity may not call states:StartExecution on arn:aws:states:us-east-1:111122223333:stateMachine:sm; ask for the tenantctl policy in ${PERMISSIONS_DOC}`,
    ],
    [
      'access denied without a quoted action',
      tagged(awsError('AccessDeniedException', 'Access denied'), getItem),
      {},
      EXIT.awsOrConfig,
      'may not call dynamodb:GetItem',
    ],
    [
      'an SDK request timeout',
      tagged(awsError('TimeoutError', 'Connection timed out after 3000 ms'), getItem),
      {},
      EXIT.timeout,
      'DynamoDB GetItem at http://127.0.0.1:9 did not answer in time',
    ],
    [
      'the command deadline',
      new DeadlineExceededError(2, getItem),
      { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } },
      EXIT.timeout,
      'no answer from AWS within 2 s (waiting for DynamoDB GetItem at http://127.0.0.1:9); the endpoint comes from AWS_ENDPOINT_URL=http://127.0.0.1:9',
    ],
    [
      'throttling beyond retries',
      tagged(awsError('ThrottlingException', 'Rate exceeded'), start),
      {},
      EXIT.awsOrConfig,
      'AWS kept throttling Step Functions StartExecution',
    ],
    [
      'a missing registry table',
      tagged(awsError('ResourceNotFoundException', 'Requested resource not found'), getItem),
      { region: 'eu-west-1' },
      EXIT.awsOrConfig,
      'the registry table was not found in eu-west-1',
    ],
    ['a plain error', new Error('Error: Error: something broke'), {}, EXIT.awsOrConfig, 'something broke'],
  ])('explains %s', (_name, error, facts, exitCode, message) => {
    // Act
    const explained = explainError(error, { env: {}, ...facts });

    // Assess
    expect(explained.exitCode).toBe(exitCode);
    expect(explained.message).toContain(message);
    expect(explained.message).not.toMatch(/Error: Error:/);
  });
});

describe('plainMessage', () => {
  it.each([
    ['Error: Error: boom', 'boom'],
    ['TypeError: x is undefined', 'x is undefined'],
    ['no prefix', 'no prefix'],
  ])('strips the error prefixes of %j', (message, expected) => {
    // Act / Assess
    expect(plainMessage(message)).toBe(expected);
  });
});
