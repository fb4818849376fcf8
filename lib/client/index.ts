/**
 * `tenant-db-platform/client`: the application side of database-per-tenant. A tenant context carried through async
 * calls, a resolver from tenant id to its database (registry + Secrets Manager + one pool per tenant under a global
 * connection budget), and middleware that identifies the tenant of each request.
 *
 * @packageDocumentation
 */
export { getCurrentTenant, requireTenant, runWithTenant, type TenantContext } from './context';
export type { Credentials, SecretReadReason } from './credentials';
export {
  createTenantDatabases,
  DEFAULT_POOL_SIZE_BY_TIER,
  type PoolEvictionReason,
  type TenantDatabases,
  type TenantDatabasesOptions,
  type TenantDatabasesStats,
  type TenantDbEvent,
} from './databases';
export {
  ConnectionBudgetError,
  InvalidTenantIdError,
  TenantClientClosedError,
  TenantClientConfigError,
  TenantContextMissingError,
  TenantDatabaseAuthError,
  TenantDatabaseUnreachableError,
  TenantDbError,
  TenantIdentificationError,
  TenantLookupError,
  TenantNotActiveError,
  TenantNotFoundError,
  TenantOffboardedError,
  TenantSuspendedError,
  TenantUnavailableError,
} from './errors';
export type { IamAuthOptions } from './iam';
export { type Identification, identifyTenant, type RequestLike, type TenantStrategy } from './identify';
export type { LocalPlatformOptions } from './local';
export { DEFAULT_SERVED_STATUSES, type TenantLocation } from './location';
export {
  type AdmittedTenant,
  admitTenant,
  type TenantMiddlewareOptions,
  tenantFastifyHook,
  tenantMiddleware,
} from './middleware';
export { RDS_CA_BUNDLE_ENV, type TlsOptions } from './tls';
