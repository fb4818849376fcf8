import { AsyncLocalStorage } from 'node:async_hooks';
import { tenantIdViolations } from '../../lambdas/shared/tenant-id';
import { InvalidTenantIdError, TenantContextMissingError } from './errors';

/**
 * The tenant a piece of work runs for, carried by `AsyncLocalStorage` through every `await`, callback and timer the
 * work starts, so code deep in a request can ask "which tenant?" without threading an argument through.
 */
export interface TenantContext {
  /** The tenant id (the registry key). */
  readonly id: string;
  /** The tenant's tier, when known (the middleware sets it from the registry). */
  readonly tier?: string;
  /** The registry status the tenant had when the context was entered. */
  readonly status?: string;
}

const storage = new AsyncLocalStorage<TenantContext>();

/** `id` as a tenant id, or an {@link InvalidTenantIdError} naming the first rule it breaks. */
export function checkedTenantId(id: unknown): string {
  const [broken] = tenantIdViolations(id);
  if (broken) throw new InvalidTenantIdError(String(id), broken.description);
  return id as string;
}

/**
 * Runs `fn` with `tenant` as the current tenant and returns what it returns. Contexts nest: inside, a second call
 * switches tenant until its own `fn` ends.
 *
 * @throws {InvalidTenantIdError} when the id breaks the tenant id rules (nothing runs)
 * @example
 * ```ts
 * await runWithTenant('acme', async () => {
 *   const { rows } = await db.query('SELECT id, name FROM projects');
 * });
 * ```
 */
export function runWithTenant<T>(tenant: TenantContext | string, fn: () => T): T {
  const context = typeof tenant === 'string' ? { id: tenant } : tenant;
  checkedTenantId(context.id);
  return storage.run(Object.freeze({ ...context }), fn);
}

/** The current tenant, or `undefined` outside {@link runWithTenant}. */
export function getCurrentTenant(): TenantContext | undefined {
  return storage.getStore();
}

/**
 * The current tenant.
 *
 * @throws {TenantContextMissingError} outside {@link runWithTenant}
 */
export function requireTenant(what?: string): TenantContext {
  const tenant = storage.getStore();
  if (!tenant) throw new TenantContextMissingError(what);
  return tenant;
}
