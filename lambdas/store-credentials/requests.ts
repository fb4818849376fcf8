/**
 * Request builders of the StoreCredentials step. Pure: the same execution and tenant always build the same
 * requests (except for the password, which Secrets Manager generates), so a retried step is recognisably the same.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { CreateSecretRequest } from '@aws-sdk/client-secrets-manager';
import { APP_USERNAME, DATABASE_NAME, type OwnerContext, ownershipTags } from '../shared/naming';

/**
 * CreateSecret's idempotency token for this execution and tenant: a UUID (RFC 9562 version 8, "custom") whose bits
 * come from SHA-256 of both, so a retry of the same step sends the same token and another execution never does.
 * Secrets Manager accepts 32–64 characters; the UUID form has 36.
 *
 * @example
 * ```ts
 * clientRequestToken('arn:aws:states:...:execution:provisioning:acme-pro-1', 'acme'); // 'xxxxxxxx-xxxx-8xxx-[89ab]xxx-xxxxxxxxxxxx'
 * ```
 */
export function clientRequestToken(executionArn: string, tenantId: string): string {
  const hex = createHash('sha256').update(`${executionArn}\n${tenantId}`).digest('hex').slice(0, 32);
  // Version nibble 8, variant bits 10xx: a well-formed UUID, not a random-looking string of the right length.
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Where the application connects; from the WaitForInstance result. */
export interface Endpoint {
  host: string;
  port: number;
}

/**
 * The secret value: the JSON structure Secrets Manager's PostgreSQL rotation functions expect, so rotation can be
 * turned on later without rewriting the secret.
 */
export function secretValue(endpoint: Endpoint, password: string): string {
  return JSON.stringify({
    engine: 'postgres',
    host: endpoint.host,
    port: endpoint.port,
    username: APP_USERNAME,
    password,
    dbname: DATABASE_NAME,
  });
}

/** The CreateSecret request of the tenant's application secret, encrypted with the platform key and tagged. */
export function createSecretRequest(input: {
  name: string;
  kmsKeyArn: string;
  endpoint: Endpoint;
  password: string;
  owner: OwnerContext;
}): CreateSecretRequest {
  return {
    Name: input.name,
    Description: `Application login ${APP_USERNAME} of the ${DATABASE_NAME} database of tenant ${input.owner.tenantId}`,
    KmsKeyId: input.kmsKeyArn,
    SecretString: secretValue(input.endpoint, input.password),
    Tags: ownershipTags(input.owner),
    ClientRequestToken: clientRequestToken(input.owner.executionArn, input.owner.tenantId),
  };
}
