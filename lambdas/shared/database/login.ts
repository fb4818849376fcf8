/**
 * The login a Secrets Manager secret holds, for the functions that connect to a tenant database as the master user
 * or as the application role. The secret's value never leaves the function that read it.
 *
 * @module
 */
import { ConfigurationError } from '../errors';

/** A database login read from a secret. */
export interface Login {
  username: string;
  password: string;
}

/**
 * The login in a secret's `SecretString`: the RDS-managed master secret (`{"username","password"}`) and the
 * application secret (`{"engine","host","port","username","password","dbname"}`) share these two keys. Errors name
 * the secret but never quote its content (a JSON parse error would).
 */
export function loginFromSecret(secretString: string | undefined, secretArn: string): Login {
  let parsed: unknown;
  try {
    parsed = secretString === undefined ? undefined : JSON.parse(secretString);
  } catch {
    parsed = undefined;
  }
  const { username, password } = (parsed ?? {}) as Partial<Record<keyof Login, unknown>>;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
    throw new ConfigurationError(`secret ${secretArn} is not a JSON SecretString with a username and a password`);
  }
  return { username, password };
}
