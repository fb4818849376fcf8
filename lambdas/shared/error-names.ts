/**
 * The error names Step Functions matches on, in one place: the error classes take their `name` from here and the
 * workflow definition its `Retry` and `Catch` lists, so a renamed class cannot silently stop being retried or caught.
 *
 * Lambda reports a thrown error's `name` as the `errorType` that `ErrorEquals` compares. Constants only, and nothing
 * imported: `cdk synth` loads this module without the handlers' dependencies (the database driver, Powertools).
 *
 * @module
 */

/** The `name` of every error class the handlers throw on purpose. */
export const ERROR_NAMES = {
  validation: 'ValidationError',
  tenantConflict: 'TenantConflictError',
  ownershipConflict: 'OwnershipConflictError',
  retryable: 'RetryableError',
  instanceFailed: 'InstanceFailedError',
  timeout: 'ProvisioningTimeoutError',
  configuration: 'ConfigurationError',
  awsRequest: 'AwsRequestError',
  outcomePending: 'OutcomePendingError',
  databaseUnreachable: 'DatabaseUnreachableError',
  databaseAuthentication: 'DatabaseAuthenticationError',
  databaseTls: 'DatabaseTlsError',
  migrationFailed: 'MigrationFailedError',
  migrationLockTimeout: 'MigrationLockTimeoutError',
  schemaDrift: 'SchemaDriftError',
  rolloutConflict: 'RolloutConflictError',
  tierChangeRefused: 'TierChangeRefusedError',
  snapshotQuota: 'SnapshotQuotaExceededError',
} as const;

/**
 * Error names that mean "the invocation itself failed, not our code's decision": Lambda service faults, and a
 * function that crashed or timed out after its side effect. Retrying is safe because every step is idempotent.
 */
export const INVOCATION_FAULT_NAMES = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.Unknown',
  'Sandbox.Timedout',
  'Runtime.ExitError',
] as const;

/**
 * The migration errors worth a `Retry` with backoff on RunMigrations: a database that has just become available
 * can refuse connections for a short while, and a migration lock is released when its holder ends. The other
 * migration errors go straight to rollback.
 */
export const RETRYABLE_MIGRATION_ERROR_NAMES = [ERROR_NAMES.databaseUnreachable, ERROR_NAMES.migrationLockTimeout];
