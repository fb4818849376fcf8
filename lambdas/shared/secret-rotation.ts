/**
 * The rotation of a tenant's application secret as data: what it should be (the platform's rotation function, the
 * tier's schedule), how that compares with what Secrets Manager reports, and the RotateSecret request that makes it
 * so. Shared by the EnableRotation step and `tenantctl rotation enable` (through `enableSecretRotation`), so both send
 * the same request and call a secret already rotating on that schedule done. Pure and free of the SDK's code: the
 * stack and tenantctl's option checks load it too.
 *
 * @module
 */
import type { DescribeSecretResponse, RotateSecretRequest } from '@aws-sdk/client-secrets-manager';
import type { EnvVar } from './config';
import { ConfigurationError, ValidationError } from './errors';
import { isRotationDays, ROTATION_DAYS_RANGE } from './tiers';

/**
 * An unqualified Lambda function ARN, as `RotationLambdaARN` names the rotation function (at most 2048 characters;
 * function names are 1–64 letters, digits, `-` and `_`). Versions and aliases are refused: the platform deploys the
 * function unqualified and grants Secrets Manager the invoke on that ARN.
 */
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}$/;

/** True when `arn` is an unqualified Lambda function ARN (see {@link FUNCTION_ARN}). */
export function isRotationFunctionArn(arn: unknown): arn is string {
  return typeof arn === 'string' && FUNCTION_ARN.test(arn);
}

/** The rotation function's ARN, which the stack gives the EnableRotation step. */
export const APP_SECRET_ROTATION_FUNCTION: EnvVar<string> = functionArnVariable('APP_SECRET_ROTATION_FUNCTION_ARN');

function functionArnVariable(name: string): EnvVar<string> {
  return {
    name,
    parse: (raw) => {
      if (raw === undefined) throw new ConfigurationError(`environment variable ${name} is not set`);
      if (!isRotationFunctionArn(raw)) {
        throw new ConfigurationError(`${name} must be an unqualified Lambda function ARN (got ${JSON.stringify(raw)})`);
      }
      return raw;
    },
  };
}

/** The rotation a tenant's application secret should have. */
export interface RotationSchedule {
  /** The platform's rotation function (unqualified ARN). */
  readonly functionArn: string;
  /** Days between rotations: the tier's `appSecretRotationDays`. */
  readonly days: number;
}

/** The rotation Secrets Manager reports for a secret (DescribeSecret), as far as the schedule goes. */
export interface ReportedRotation {
  readonly enabled: boolean;
  readonly functionArn?: string;
  readonly days?: number;
}

/** How a secret's rotation compares with the schedule it should have. */
export type RotationComparison = 'same' | 'off' | 'different';

/** Compares `reported` with `schedule`. Pure. */
export function compareRotation(reported: ReportedRotation, schedule: RotationSchedule): RotationComparison {
  if (!reported.enabled) return 'off';
  return reported.functionArn === schedule.functionArn && reported.days === schedule.days ? 'same' : 'different';
}

/**
 * The RotateSecret request that turns on `schedule` for `secretId`. `RotateImmediately: false`: the password was
 * just set (provisioning) or rotating every tenant at once would be a burst on every database (backfill); Secrets
 * Manager instead tests the configuration by calling the function's testSecret step. Pure.
 *
 * @throws ValidationError when the days are outside Secrets Manager's `AutomaticallyAfterDays` range
 * @throws ConfigurationError when the function ARN is not an unqualified Lambda function ARN
 */
export function rotateSecretRequest(secretId: string, schedule: RotationSchedule): RotateSecretRequest {
  if (!isRotationDays(schedule.days)) {
    throw new ValidationError(
      'appSecretRotationDays',
      `must be a whole number of days from ${ROTATION_DAYS_RANGE.min} to ${ROTATION_DAYS_RANGE.max}`,
      schedule.days,
    );
  }
  if (!isRotationFunctionArn(schedule.functionArn)) {
    throw new ConfigurationError(
      `the rotation function must be an unqualified Lambda function ARN (got ${JSON.stringify(schedule.functionArn)})`,
    );
  }
  return {
    SecretId: secretId,
    RotationLambdaARN: schedule.functionArn,
    RotationRules: { AutomaticallyAfterDays: schedule.days },
    RotateImmediately: false,
  };
}

/** What turning rotation on did: nothing (already so), turned it on, or changed the function or schedule. */
export type RotationAction = 'unchanged' | 'enabled' | 'updated';

/** The rotation part of a DescribeSecret answer. */
export function reportedRotation(secret: DescribeSecretResponse): ReportedRotation {
  return {
    enabled: secret.RotationEnabled === true,
    functionArn: secret.RotationLambdaARN,
    days: secret.RotationRules?.AutomaticallyAfterDays,
  };
}

/** The action that makes a secret whose rotation compares as `comparison` rotate on schedule. */
export function rotationActionFor(comparison: RotationComparison): RotationAction {
  return comparison === 'same' ? 'unchanged' : comparison === 'off' ? 'enabled' : 'updated';
}
