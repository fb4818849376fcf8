/**
 * Errors of the tenant database client. Every class sets a stable `name` (bundlers may rename classes) and an HTTP
 * `statusCode` the middleware answers with, so an application can map them without `instanceof` if it prefers.
 * Messages name the tenant and what to do; none ever contains a password or a secret value.
 *
 * @example
 * ```ts
 * try {
 *   await db.queryFor('acme', 'SELECT 1');
 * } catch (error) {
 *   if (error instanceof TenantSuspendedError) return res.status(403).send('account suspended');
 *   throw error;
 * }
 * ```
 *
 * @module
 */

/** Base class of every error the client raises on purpose. */
export abstract class TenantDbError extends Error {
  /** The HTTP status a request that hits this error should get. */
  public abstract readonly statusCode: number;
}

/** `requireTenant()` or a current-tenant helper was called outside `runWithTenant`. */
export class TenantContextMissingError extends TenantDbError {
  public override readonly name = 'TenantContextMissingError';
  public readonly statusCode = 500;
  constructor(what = 'this operation') {
    super(`${what} needs a tenant context; call it inside runWithTenant() or behind tenantMiddleware()`);
  }
}

/** A request carried no tenant identification that the configured strategies accept. */
export class TenantIdentificationError extends TenantDbError {
  public override readonly name = 'TenantIdentificationError';
  public readonly statusCode = 400;
}

/** A value offered as a tenant id breaks the tenant id rules (it cannot name any tenant). */
export class InvalidTenantIdError extends TenantDbError {
  public override readonly name = 'InvalidTenantIdError';
  public readonly statusCode = 400;
  constructor(
    public readonly tenantId: string,
    rule: string,
  ) {
    super(`${JSON.stringify(tenantId)} is not a valid tenant id: it ${rule}`);
  }
}

/** The registry has no record of this tenant. */
export class TenantNotFoundError extends TenantDbError {
  public override readonly name = 'TenantNotFoundError';
  public readonly statusCode = 404;
  constructor(public readonly tenantId: string) {
    super(`tenant ${tenantId} is not registered`);
  }
}

/** Base of the refusals of a registered tenant whose status does not admit traffic. */
export abstract class TenantUnavailableError extends TenantDbError {
  public readonly statusCode = 403;
  constructor(
    public readonly tenantId: string,
    /** The registry status, e.g. `SUSPENDED`. */
    public readonly status: string,
    why: string,
  ) {
    super(`tenant ${tenantId} is ${status}: ${why}`);
  }
}

/** The tenant is suspended: its database is kept but refuses the application until it is resumed. */
export class TenantSuspendedError extends TenantUnavailableError {
  public override readonly name = 'TenantSuspendedError';
  constructor(tenantId: string, status = 'SUSPENDED') {
    super(tenantId, status, 'its database is not served until the tenant is resumed');
  }
}

/** The tenant is being offboarded, or is offboarded or purged: its database is gone or going. */
export class TenantOffboardedError extends TenantUnavailableError {
  public override readonly name = 'TenantOffboardedError';
  constructor(tenantId: string, status: string) {
    super(tenantId, status, 'the tenant has left the platform');
  }
}

/** Any other status that does not admit traffic (PROVISIONING, FAILED, ROLLBACK_FAILED, ...). */
export class TenantNotActiveError extends TenantUnavailableError {
  public override readonly name = 'TenantNotActiveError';
  constructor(tenantId: string, status: string) {
    super(tenantId, status, 'only an ACTIVE tenant has a database to serve');
  }
}

/** The registry or Secrets Manager could not be read, or holds something the client cannot use. */
export class TenantLookupError extends TenantDbError {
  public override readonly name = 'TenantLookupError';
  public readonly statusCode = 503;
}

/** The tenant database refused the application login, also after the secret was read again. */
export class TenantDatabaseAuthError extends TenantDbError {
  public override readonly name = 'TenantDatabaseAuthError';
  public readonly statusCode = 503;
}

/** The tenant database could not be reached: network, TLS verification, or the server refusing connections. */
export class TenantDatabaseUnreachableError extends TenantDbError {
  public override readonly name = 'TenantDatabaseUnreachableError';
  public readonly statusCode = 503;
}

/** No connection could be had within `acquireTimeoutMillis` (pool and global connection budget both busy). */
export class ConnectionBudgetError extends TenantDbError {
  public override readonly name = 'ConnectionBudgetError';
  public readonly statusCode = 503;
}

/** The client's options are invalid (caught when the client or middleware is created). */
export class TenantClientConfigError extends TenantDbError {
  public override readonly name = 'TenantClientConfigError';
  public readonly statusCode = 500;
}

/** The client was closed with `close()`. */
export class TenantClientClosedError extends TenantDbError {
  public override readonly name = 'TenantClientClosedError';
  public readonly statusCode = 503;
  constructor() {
    super('the tenant database client is closed');
  }
}
