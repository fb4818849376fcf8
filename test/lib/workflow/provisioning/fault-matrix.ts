import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { InstanceQuotaExceededFault, KMSKeyNotAccessibleFault, RDSServiceException } from '@aws-sdk/client-rds';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { type ProvisioningRequest, STEPS, type StepName } from '../../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import type { ServiceName } from '../../../../lib/local/aws';
import { errorMetadata, type ServiceExceptionClass, serviceError } from '../../../../lib/local/aws/errors';

/**
 * Faults at every step, as data: the AWS call each step depends on, how AWS refuses it for good, and where the
 * function can die after its side effect. The transient, permanent and crash test files iterate over it.
 */

export interface StepFaults {
  step: StepName;
  /** Enterprise for the steps after the instance exists: its backups replicate, the hardest rollback. */
  tier: string;
  /** The call a throttle delays and a refusal fails; absent when the step calls no AWS API. */
  call?: { service: ServiceName; command: string; match?: (input: unknown) => boolean };
  /** What fails the step for good: a refusal of `call`, or input that breaks a rule. */
  permanent: { error: Error } | { request: Partial<ProvisioningRequest> };
  /** The error name the execution fails with. */
  permanentErrorName: string;
  /**
   * Where the function dies after its side effect: right after `call` (the double's `crashAfter`), or after the
   * handler finished, when the work is not an AWS call (input validation, the migrations in PostgreSQL).
   */
  crash: 'after-call' | 'after-handler';
}

/**
 * The registry UpdateItem that moves a tenant to ACTIVE (MarkActive's point of no return): the only write that sets
 * a pending `provisioned` outcome.
 */
export function isActivation(input: unknown): boolean {
  return JSON.stringify(input).includes('"provisioned"');
}

const accessDenied = (service: ServiceExceptionClass, action: string) =>
  serviceError(
    service,
    'AccessDeniedException',
    `User: arn:aws:sts::123456789012:assumed-role/step/fn is not authorized to perform: ${action}`,
  );

export const FAULT_MATRIX: readonly StepFaults[] = [
  {
    step: STEPS.validate,
    tier: 'starter',
    permanent: { request: { tier: 'platinum' } },
    permanentErrorName: ERROR_NAMES.validation,
    crash: 'after-handler',
  },
  {
    step: STEPS.claim,
    tier: 'starter',
    call: { service: 'dynamodb', command: 'PutItem' },
    permanent: { error: accessDenied(DynamoDBServiceException, 'dynamodb:PutItem') },
    permanentErrorName: ERROR_NAMES.awsRequest,
    crash: 'after-call',
  },
  {
    step: STEPS.createInstance,
    tier: 'pro',
    call: { service: 'rds', command: 'CreateDBInstance' },
    permanent: {
      error: new InstanceQuotaExceededFault({
        message: 'The request cannot be processed because it would exceed the maximum number of DB instances.',
        $metadata: errorMetadata(400),
      }),
    },
    permanentErrorName: ERROR_NAMES.awsRequest,
    crash: 'after-call',
  },
  {
    step: STEPS.waitForInstance,
    tier: 'pro',
    call: { service: 'rds', command: 'DescribeDBInstances' },
    permanent: { error: accessDenied(RDSServiceException, 'rds:DescribeDBInstances') },
    permanentErrorName: ERROR_NAMES.awsRequest,
    crash: 'after-call',
  },
  {
    step: STEPS.storeCredentials,
    tier: 'pro',
    call: { service: 'secretsmanager', command: 'CreateSecret' },
    permanent: { error: accessDenied(SecretsManagerServiceException, 'secretsmanager:CreateSecret') },
    permanentErrorName: ERROR_NAMES.awsRequest,
    crash: 'after-call',
  },
  {
    step: STEPS.runMigrations,
    tier: 'pro',
    call: { service: 'secretsmanager', command: 'GetSecretValue' },
    permanent: { error: accessDenied(SecretsManagerServiceException, 'secretsmanager:GetSecretValue') },
    permanentErrorName: ERROR_NAMES.awsRequest,
    crash: 'after-handler',
  },
  {
    step: STEPS.enableRotation,
    tier: 'pro',
    call: { service: 'secretsmanager', command: 'RotateSecret' },
    permanent: { error: accessDenied(SecretsManagerServiceException, 'secretsmanager:RotateSecret') },
    permanentErrorName: ERROR_NAMES.awsRequest,
    crash: 'after-call',
  },
  {
    step: STEPS.configureBackups,
    tier: 'enterprise',
    call: { service: 'rds', command: 'StartDBInstanceAutomatedBackupsReplication' },
    permanent: {
      error: new KMSKeyNotAccessibleFault({
        message: 'The specified KMS key is disabled or does not exist in us-west-2.',
        $metadata: errorMetadata(400),
      }),
    },
    permanentErrorName: ERROR_NAMES.awsRequest,
    crash: 'after-call',
  },
  {
    step: STEPS.configureAlarms,
    tier: 'enterprise',
    call: { service: 'cloudwatch', command: 'PutMetricAlarm' },
    permanent: { error: accessDenied(CloudWatchServiceException, 'cloudwatch:PutMetricAlarm') },
    permanentErrorName: ERROR_NAMES.awsRequest,
    crash: 'after-call',
  },
  {
    // The registry write that makes the tenant ACTIVE: the last thing that can still fail the onboarding. A failed
    // publish after it cannot (see the point-of-no-return tests).
    step: STEPS.markActive,
    tier: 'enterprise',
    call: { service: 'dynamodb', command: 'UpdateItem', match: isActivation },
    permanent: { error: accessDenied(DynamoDBServiceException, 'dynamodb:UpdateItem') },
    permanentErrorName: ERROR_NAMES.awsRequest,
    crash: 'after-call',
  },
];

/** Rows as `it.each` arguments, named by step. */
export function byStep(rows: readonly StepFaults[]): [string, StepFaults][] {
  return rows.map((row) => [row.step, row]);
}
