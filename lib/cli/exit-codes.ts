import { TenantConflictError, ValidationError } from '../../lambdas/shared/errors';
import { TierCatalogError } from '../../lambdas/shared/tiers';

/**
 * tenantctl exit codes. Kept small so scripts can branch on them; printed in `tenantctl --help`.
 */
export const EXIT = {
  /** The command did what was asked (onboarding: the tenant is ACTIVE, or the execution started without --wait). */
  ok: 0,
  /** The provisioning execution ended without an ACTIVE tenant (failed, timed out or aborted). */
  provisioningFailed: 1,
  /** Bad input: a flag or argument breaks a rule; nothing was sent to AWS. */
  badInput: 2,
  /** AWS or configuration error: credentials, permissions, throttling beyond retries, stack or table not found. */
  awsOrConfig: 3,
  /** Refused: the tenant is already ACTIVE, being provisioned with another tier, or has rollback leftovers. */
  refused: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The epilog of `tenantctl --help`. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  `  ${EXIT.ok}  success`,
  `  ${EXIT.provisioningFailed}  provisioning failed (the failed step and the reason are printed)`,
  `  ${EXIT.badInput}  bad input (the field and the rule are printed; nothing was sent to AWS)`,
  `  ${EXIT.awsOrConfig}  AWS or configuration error (credentials, permissions, stack/table not found, invalid cdk.json)`,
  `  ${EXIT.refused}  refused: the tenant is already ACTIVE, being provisioned with another tier, or has leftovers of a failed rollback`,
].join('\n');

/** The exit code for an error that ended a command. Anything unclassified came from AWS or the environment. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof ValidationError) return EXIT.badInput;
  if (error instanceof TenantConflictError) return EXIT.refused;
  // ConfigurationError, TierCatalogError and every AWS SDK error.
  return EXIT.awsOrConfig;
}

/** One line an operator can act on, without a stack trace. */
export function errorMessageFor(error: unknown): string {
  if (error instanceof ValidationError) return `invalid input: ${error.message}`;
  if (error instanceof TenantConflictError) return `refused: ${error.message}`;
  if (error instanceof TierCatalogError) return `invalid tier catalog in cdk.json: ${error.message}`;
  const e = error as { name?: string; message?: string };
  if (e?.name === 'CredentialsProviderError') {
    return `no AWS credentials: ${e.message} (configure a profile or set AWS_PROFILE / AWS_ACCESS_KEY_ID)`;
  }
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
}
