/**
 * Checks of global and AWS options, made before anything is sent, so a typo is bad input (exit 2) naming the flag
 * rather than an endpoint that does not exist.
 *
 * @module
 */
import { ValidationError } from '../../lambdas/shared/errors';
import { isRotationFunctionArn } from '../../lambdas/shared/secret-rotation';

/** AWS Region codes, commercial and other partitions: us-east-1, eu-central-2, us-gov-west-1, cn-north-1... */
const REGION_PATTERN = /^[a-z]{2}(?:-gov|-iso[a-z]{0,2})?-[a-z]+-[0-9]{1,2}$/;

/** `arn:<partition>:states:<region>:<account>:stateMachine:<name>` (names: 1-80 of letters, digits, - and _). */
const STATE_MACHINE_ARN_PATTERN =
  /^arn:aws[a-z-]*:states:([a-z]{2}(?:-gov|-iso[a-z]{0,2})?-[a-z]+-[0-9]{1,2}):[0-9]{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

/** DynamoDB table names: 3-255 of letters, digits, `_`, `-`, `.`. */
const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

/** `value` as a Region code, or a ValidationError on `flag`. */
export function assertRegion(value: string, flag = '--region'): string {
  if (!REGION_PATTERN.test(value)) {
    throw new ValidationError(flag, 'must be an AWS Region code such as us-east-1 or eu-west-1', value);
  }
  return value;
}

/** `value` as a state machine ARN in `region` (when given), or a ValidationError naming the flag. */
export function assertStateMachineArn(value: string, region: string | undefined, flag = '--state-machine-arn'): string {
  const match = STATE_MACHINE_ARN_PATTERN.exec(value);
  if (!match) {
    throw new ValidationError(
      flag,
      'must be a state machine ARN such as arn:aws:states:us-east-1:111122223333:stateMachine:tenant-db-workflow-provisioning',
      value,
    );
  }
  if (region !== undefined && match[1] !== region) {
    throw new ValidationError(flag, `is in Region ${match[1]}, not in --region ${region}`, value);
  }
  return value;
}

/** `value` as a DynamoDB table name, or a ValidationError naming the flag. */
export function assertTableName(value: string, flag = '--registry-table'): string {
  if (!TABLE_NAME_PATTERN.test(value)) {
    throw new ValidationError(flag, 'must be a DynamoDB table name: 3-255 letters, digits, _ - or .', value);
  }
  return value;
}

/** `value` as an unqualified Lambda function ARN, or a ValidationError naming the flag. */
export function assertFunctionArn(value: string, flag: string): string {
  if (!isRotationFunctionArn(value)) {
    throw new ValidationError(
      flag,
      'must be an unqualified Lambda function ARN such as arn:aws:lambda:us-east-1:111122223333:function:tenant-db-workflow-AppSecretRotation',
      value,
    );
  }
  return value;
}

/** `value` as a positive number of seconds (at most a day), or a ValidationError naming the flag. */
export function assertSeconds(value: string, flag: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new ValidationError(flag, 'must be a number of seconds greater than 0 and at most 86400', value);
  }
  return seconds;
}
