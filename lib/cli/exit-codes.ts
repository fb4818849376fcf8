/**
 * tenantctl exit codes. Kept small so scripts can branch on them; printed in `tenantctl --help` and the README.
 * Which error ends with which code is decided in lib/cli/explain.ts.
 */
export const EXIT = {
  /** The command did what was asked (onboarding: the tenant is ACTIVE, or the execution started without --wait). */
  ok: 0,
  /** The followed operation ended without an ACTIVE tenant (failed, timed out or aborted). */
  provisioningFailed: 1,
  /** Bad input or usage: a flag or argument breaks a rule; nothing was sent to AWS. */
  badInput: 2,
  /** AWS or configuration error: credentials, permissions, Region, endpoint, stack or table not found, cdk.json. */
  awsOrConfig: 3,
  /** Refused: the tenant is already ACTIVE, being provisioned with another tier, or has rollback leftovers. */
  refused: 4,
  /** AWS did not answer within the deadline (`--timeout`); nothing is known about the outcome of the last call. */
  timeout: 5,
  /** Interrupted (Ctrl-C); an operation already started goes on in AWS. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The epilog of `tenantctl --help`. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  `  ${EXIT.ok}    success`,
  `  ${EXIT.provisioningFailed}    the operation failed (the failed step and the reason are printed)`,
  `  ${EXIT.badInput}    bad input or usage (the field and the rule are printed; nothing was sent to AWS)`,
  `  ${EXIT.awsOrConfig}    AWS or configuration error (credentials, permissions, Region, endpoint, stack/table, cdk.json)`,
  `  ${EXIT.refused}    refused: the tenant is already ACTIVE, busy with another operation, or has leftovers of a failed rollback`,
  `  ${EXIT.timeout}    no answer from AWS within --timeout seconds`,
  `  ${EXIT.interrupted}  interrupted (Ctrl-C): an operation already started goes on; follow it with tenantctl watch`,
].join('\n');
