import type { GetRandomPasswordRequest } from '@aws-sdk/client-secrets-manager';

/**
 * The application password's shape, shared by StoreCredentials (the first password) and the rotation function (every
 * later one), so a rotated password is generated exactly like the first.
 *
 * @module
 */

/**
 * Characters the application password must not contain. RDS refuses `/`, `@`, `"` and space in passwords; `'` and
 * `\` break libpq key/value connection strings and shell quoting; `/` and `@` also break the authority part of a
 * `postgres://user:password@host` URI. Other URI-reserved characters (`:` `#` `?` `%`) stay allowed for entropy:
 * clients that build a URI must percent-encode the password, which is why the secret stores fields, not a URI.
 */
export const PASSWORD_EXCLUDED_CHARACTERS = `/@"' \\`;

/** Password length: PostgreSQL SCRAM has no practical limit; 32 characters of ~88 symbols is ~200 bits. */
const PASSWORD_LENGTH = 32;

/**
 * GetRandomPassword parameters: letters, digits and the remaining punctuation, with at least one of each type so
 * the password also satisfies complexity rules enforced by extensions such as `passwordcheck`.
 */
export const PASSWORD_REQUEST: GetRandomPasswordRequest = {
  PasswordLength: PASSWORD_LENGTH,
  ExcludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
  ExcludePunctuation: false,
  IncludeSpace: false,
  RequireEachIncludedType: true,
};
