/**
 * What tenantctl and the client library send the local platform's daemon: one AWS call at a time, named as the SDK
 * names it, with the low-level input.
 *
 * @module
 */

/**
 * The services the daemon answers: the AWS double's (its `ServiceName`, which double-dispatcher.ts checks is
 * included here), plus Step Functions, CloudFormation and Lambda. Spelled out rather than imported so that the
 * client library's package does not carry the double.
 */
const LOCAL_SERVICES = [
  'rds',
  'secretsmanager',
  'cloudwatch',
  'dynamodb',
  'eventbridge',
  'sns',
  'kms',
  'logs',
  's3',
  'scheduler',
  'sfn',
  'cloudformation',
  'lambda',
] as const;

export type LocalServiceName = (typeof LOCAL_SERVICES)[number];

export interface AwsRequest {
  service: LocalServiceName;
  /** The operation, as the SDK names it without "Command": 'DescribeDBInstances', 'StartExecution'. */
  command: string;
  region: string;
  /** The command's input: the low-level form for DynamoDB (AttributeValues), JSON-safe through the codec. */
  input: unknown;
}

/**
 * Answers one forwarded call: resolves with the SDK output (no $metadata) or rejects with an Error whose `name` is
 * the AWS error code (ConditionalCheckFailedException, ExecutionAlreadyExists, DBInstanceNotFound...).
 */
export interface AwsDispatcher {
  dispatch(request: AwsRequest): Promise<unknown>;
}

/** The HTTP paths of the daemon. */
export const PATHS = { aws: '/aws', status: '/status', shutdown: '/shutdown' } as const;

/** The largest request body the daemon reads: far above any AWS input, far below what would hurt the daemon. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** An SDK operation name: PascalCase letters and digits. */
const COMMAND_NAME = /^[A-Z][A-Za-z0-9]{0,99}$/;
const REGION_NAME = /^$|^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The request in `body`, or the reason it is not one (naming the field and the rule). */
export function parseAwsRequest(body: unknown): AwsRequest | string {
  const b = body as Partial<AwsRequest> | null;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return 'the body must be a JSON object';
  if (typeof b.service !== 'string' || !(LOCAL_SERVICES as readonly string[]).includes(b.service)) {
    return `service ${JSON.stringify(b.service)} is not one the local platform answers (${LOCAL_SERVICES.join(', ')})`;
  }
  if (typeof b.command !== 'string' || !COMMAND_NAME.test(b.command)) {
    return `command ${JSON.stringify(b.command)} must be an SDK operation name such as DescribeDBInstances`;
  }
  if (typeof b.region !== 'string' || !REGION_NAME.test(b.region)) {
    return `region ${JSON.stringify(b.region)} must be a Region name such as us-east-1 (or empty for the daemon's)`;
  }
  return { service: b.service as LocalServiceName, command: b.command, region: b.region, input: b.input ?? {} };
}
