/**
 * The AWS services tenantctl calls, with what an error message needs about each: the name people know, the IAM
 * action prefix, and the service-specific endpoint variable the SDK reads (`AWS_ENDPOINT_URL_<SERVICE ID>`).
 */
export const SERVICES = {
  sfn: { label: 'Step Functions', iamPrefix: 'states', endpointEnv: 'AWS_ENDPOINT_URL_SFN' },
  dynamodb: { label: 'DynamoDB', iamPrefix: 'dynamodb', endpointEnv: 'AWS_ENDPOINT_URL_DYNAMODB' },
  cloudformation: {
    label: 'CloudFormation',
    iamPrefix: 'cloudformation',
    endpointEnv: 'AWS_ENDPOINT_URL_CLOUDFORMATION',
  },
  rds: { label: 'RDS', iamPrefix: 'rds', endpointEnv: 'AWS_ENDPOINT_URL_RDS' },
  secretsmanager: {
    label: 'Secrets Manager',
    iamPrefix: 'secretsmanager',
    endpointEnv: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  },
  cloudwatch: { label: 'CloudWatch', iamPrefix: 'cloudwatch', endpointEnv: 'AWS_ENDPOINT_URL_CLOUDWATCH' },
  sqs: { label: 'SQS', iamPrefix: 'sqs', endpointEnv: 'AWS_ENDPOINT_URL_SQS' },
  eventbridge: { label: 'EventBridge', iamPrefix: 'events', endpointEnv: 'AWS_ENDPOINT_URL_EVENTBRIDGE' },
  lambda: { label: 'Lambda', iamPrefix: 'lambda', endpointEnv: 'AWS_ENDPOINT_URL_LAMBDA' },
} as const;

export type ServiceName = keyof typeof SERVICES;

/** One AWS call as tenantctl saw it: which service and operation, and the endpoint it was sent to. */
export interface AwsCall {
  readonly service: ServiceName;
  /** API operation, e.g. `GetItem`. */
  readonly operation: string;
  /** `https://host[:port]`, once the SDK has resolved it. */
  endpoint?: string;
}

/** Where the endpoint of `service` came from: its own variable, the global one, or the Region. */
export function endpointSource(
  service: ServiceName,
  env: Readonly<Record<string, string | undefined>>,
  region: string | undefined,
): string {
  const own = SERVICES[service].endpointEnv;
  if (env[own]) return `${own}=${env[own]}`;
  if (env.AWS_ENDPOINT_URL) return `AWS_ENDPOINT_URL=${env.AWS_ENDPOINT_URL}`;
  return region ? `Region ${region}` : 'the Region of your AWS configuration';
}

/** `service:Operation` as IAM names it, e.g. `states:StartExecution`. */
export function iamAction(call: AwsCall): string {
  return `${SERVICES[call.service].iamPrefix}:${call.operation}`;
}

const CALL = Symbol.for('tenantctl.awsCall');

/** Remembers on `error` the call that raised it, for the error message. */
export function tagError(error: unknown, call: AwsCall): void {
  if (typeof error === 'object' && error !== null && !(CALL in error)) {
    Object.defineProperty(error, CALL, { value: call, enumerable: false });
  }
}

/** The call that raised `error`, if tenantctl tagged it. */
export function callOf(error: unknown): AwsCall | undefined {
  return typeof error === 'object' && error !== null ? (error as { [CALL]?: AwsCall })[CALL] : undefined;
}
