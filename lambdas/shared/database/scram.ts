import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { ConfigurationError } from '../errors';

/** PostgreSQL's default `scram_iterations`. */
const SCRAM_ITERATIONS = 4096;
const SALT_BYTES = 16;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802 / RFC 7677, PostgreSQL's
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` format).
 *
 * `ALTER ROLE ... PASSWORD '<verifier>'` stores it as is, so the cleartext password never reaches the server,
 * `log_statement` output, `pg_stat_statements` or an error message. The verifier still allows an offline guessing
 * attack, so it is treated like a secret too: never logged, never returned.
 *
 * Only printable ASCII passwords are accepted: for them PostgreSQL's SASLprep is the identity, so the verifier
 * computed here is exactly the one the server would compute. Secrets Manager's generated passwords are printable ASCII.
 *
 * @example
 * ```ts
 * const sql = `ALTER ROLE tenant_app PASSWORD ${client.escapeLiteral(scramSha256Verifier(password))}`;
 * ```
 */
export function scramSha256Verifier(
  password: string,
  salt: Buffer = randomBytes(SALT_BYTES),
  iterations = SCRAM_ITERATIONS,
): string {
  // The message must not quote the password: this error becomes a failure reason.
  if (!PRINTABLE_ASCII.test(password)) {
    throw new ConfigurationError('database password must be non-empty printable ASCII (value not shown)');
  }
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
