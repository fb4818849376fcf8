import { runWithTenant, type TenantContext } from './context';
import type { TenantDatabases } from './databases';
import { TenantDbError, TenantIdentificationError } from './errors';
import {
  checkStrategies,
  describeStrategies,
  type Identification,
  identifyTenant,
  type RequestLike,
  type TenantStrategy,
} from './identify';

/** Options of {@link tenantMiddleware} and {@link tenantFastifyHook}. */
export interface TenantMiddlewareOptions {
  /** The client whose (cached) registry answers admit or refuse tenants. */
  databases: Pick<TenantDatabases, 'resolve'>;
  /** Identification strategies, tried in this order. */
  strategies: readonly TenantStrategy[];
  /**
   * Express only: pass refusals to `next(error)` (the error has `statusCode`) instead of answering
   * `{ error, message }` with the status. Default false.
   */
  passErrors?: boolean;
}

/** What the middleware found: set on `req.tenant` as well as in the tenant context. */
export interface AdmittedTenant extends TenantContext {
  readonly tier: string;
  readonly status: string;
  readonly identifiedBy: Identification['strategy'];
}

/**
 * Identifies the request's tenant and checks it with the client's registry cache.
 *
 * @throws {TenantIdentificationError} (400) when no strategy finds a tenant id
 * @throws the client's refusals: `InvalidTenantIdError` (400), `TenantNotFoundError` (404), `TenantSuspendedError`,
 *   `TenantOffboardedError`, `TenantNotActiveError` (403, naming the status), `TenantLookupError` (503)
 */
export async function admitTenant(request: RequestLike, options: TenantMiddlewareOptions): Promise<AdmittedTenant> {
  const found = identifyTenant(request, options.strategies);
  if (!found) {
    throw new TenantIdentificationError(`no tenant identified: expected ${describeStrategies(options.strategies)}`);
  }
  const location = await options.databases.resolve(found.tenantId);
  return { id: found.tenantId, tier: location.tier, status: location.status, identifiedBy: found.strategy };
}

/** The JSON body and status of a refused request. Unexpected errors say nothing about their cause. */
function refusal(error: unknown): { statusCode: number; body: { error: string; message: string } } {
  if (error instanceof TenantDbError) {
    return { statusCode: error.statusCode, body: { error: error.name, message: error.message } };
  }
  return { statusCode: 500, body: { error: 'InternalError', message: 'tenant identification failed' } };
}

interface ExpressRequest extends RequestLike {
  tenant?: AdmittedTenant;
}
interface ExpressResponse {
  status(code: number): { json(body: unknown): unknown };
}
type ExpressNext = (error?: unknown) => void;

/**
 * Express (4 and 5) middleware: identifies the tenant, refuses the request when it cannot be served (400 no or
 * invalid identification, 404 unknown tenant, 403 naming the status, 503 registry unavailable), otherwise sets
 * `req.tenant` and runs the rest of the request inside `runWithTenant`, so `db.query()` reaches that tenant.
 *
 * @example
 * ```ts
 * app.use(tenantMiddleware({
 *   databases: db,
 *   strategies: [{ type: 'claim', claim: 'tenant_id' }, { type: 'subdomain', baseDomain: 'app.example.com' }],
 * }));
 * app.get('/projects', async (_req, res) => res.json((await db.query('SELECT * FROM projects')).rows));
 * ```
 * @throws {TenantClientConfigError} when a strategy is misconfigured (an unapproved query strategy, say)
 */
export function tenantMiddleware(options: TenantMiddlewareOptions) {
  checkStrategies(options.strategies);
  return (req: ExpressRequest, res: ExpressResponse, next: ExpressNext): void => {
    admitTenant(req, options).then(
      (tenant) => {
        req.tenant = tenant;
        runWithTenant(tenant, () => next());
      },
      (error: unknown) => {
        if (options.passErrors) return next(error);
        const { statusCode, body } = refusal(error);
        res.status(statusCode).json(body);
      },
    );
  };
}

interface FastifyRequestLike extends RequestLike {
  tenant?: AdmittedTenant;
}
interface FastifyReplyLike {
  code(statusCode: number): { send(payload: unknown): unknown };
}

/**
 * The same for Fastify, as an `onRequest` hook: `fastify.addHook('onRequest', tenantFastifyHook({ ... }))`. The
 * route handler runs inside `runWithTenant`; `request.tenant` is set (declare it with `decorateRequest('tenant')`).
 */
export function tenantFastifyHook(options: Omit<TenantMiddlewareOptions, 'passErrors'>) {
  checkStrategies(options.strategies);
  return (request: FastifyRequestLike, reply: FastifyReplyLike, done: (error?: Error) => void): void => {
    admitTenant(request, options).then(
      (tenant) => {
        request.tenant = tenant;
        runWithTenant(tenant, () => done());
      },
      (error: unknown) => {
        const { statusCode, body } = refusal(error);
        reply.code(statusCode).send(body);
      },
    );
  };
}
