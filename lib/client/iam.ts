import type { TenantLocation } from './location';

/**
 * IAM database authentication instead of the secret's password: each new connection presents a token signed with
 * the application's AWS credentials (valid 15 minutes). The database user must be granted `rds_iam`, and the
 * application role must be allowed `rds-db:connect` on it.
 */
export interface IamAuthOptions {
  readonly type: 'iam';
  /** Database user the tokens are for. */
  readonly username: string;
  /**
   * Makes a token; defaults to `@aws-sdk/rds-signer` with the default credential chain. Tests and applications with
   * their own credentials pass one.
   */
  readonly token?: (location: TenantLocation, username: string) => Promise<string>;
  /** How long a token is reused (default 10 minutes, under the 15 minutes it is valid). */
  readonly tokenTtlMillis?: number;
}

/** Signs an RDS IAM authentication token for `username` on `location`'s endpoint with `@aws-sdk/rds-signer`. */
export async function rdsSignerToken(location: TenantLocation, username: string): Promise<string> {
  const { Signer } = await import('@aws-sdk/rds-signer');
  const signer = new Signer({ hostname: location.host, port: location.port, username, region: location.region });
  return signer.getAuthToken();
}
