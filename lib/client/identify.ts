import { TenantClientConfigError } from './errors';

/**
 * How a request names its tenant. Strategies are tried in the order configured; the first that finds a value
 * wins. Only the `claim` strategy is backed by a credential: the others name a tenant, they do not prove the caller
 * belongs to it, so the application must still authorize the user for that tenant (or put `claim` first).
 */
export type TenantStrategy =
  /** `acme.app.example.com` → `acme`, for `baseDomain: 'app.example.com'` (one label, no deeper subdomains). */
  | { readonly type: 'subdomain'; readonly baseDomain: string }
  /** A request header, e.g. `x-tenant-id` (set by a gateway the application trusts). */
  | { readonly type: 'header'; readonly name: string }
  /**
   * A claim of a token the application has already verified (e.g. by express-jwt, which sets `req.auth`).
   * `claims` reads the verified claims from the request; default `req.auth`.
   */
  | {
      readonly type: 'claim';
      readonly claim: string;
      readonly claims?: (request: RequestLike) => Readonly<Record<string, unknown>> | undefined;
    }
  /** A route parameter, e.g. `:tenantId` of `/t/:tenantId/projects`. */
  | { readonly type: 'path'; readonly param: string }
  /**
   * A query parameter. Anyone can type one, so it is refused unless `unsafeAllowed` is set: for local development
   * and tools, never as the only way in production.
   */
  | { readonly type: 'query'; readonly name: string; readonly unsafeAllowed: boolean };

/** The part of an Express, Fastify or Node request the strategies read. */
export interface RequestLike {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Host name without the port (Express `req.hostname`, Fastify `request.hostname`). */
  readonly hostname?: string;
  readonly params?: unknown;
  readonly query?: unknown;
  readonly auth?: unknown;
}

/** Where the tenant id was found, for logs and errors. */
export interface Identification {
  readonly tenantId: string;
  readonly strategy: TenantStrategy['type'];
}

/** Checks a strategy list once, when the middleware is built. */
export function checkStrategies(strategies: readonly TenantStrategy[]): readonly TenantStrategy[] {
  if (strategies.length === 0) throw new TenantClientConfigError('tenantMiddleware needs at least one strategy');
  for (const strategy of strategies) {
    if (strategy.type === 'subdomain' && !/^[a-z0-9.-]+\.[a-z]{2,}$|^localhost$/i.test(strategy.baseDomain)) {
      throw new TenantClientConfigError(
        `subdomain strategy: baseDomain ${JSON.stringify(strategy.baseDomain)} is not a domain`,
      );
    }
    if (strategy.type === 'query' && strategy.unsafeAllowed !== true) {
      throw new TenantClientConfigError(
        'the query strategy lets any caller pick a tenant: enable it explicitly with unsafeAllowed: true (development only)',
      );
    }
  }
  return strategies;
}

function first(value: unknown): string | undefined {
  const picked = Array.isArray(value) ? value[0] : value;
  return typeof picked === 'string' && picked.trim() !== '' ? picked.trim() : undefined;
}

function fromRecord(record: unknown, key: string): string | undefined {
  return record !== null && typeof record === 'object' ? first((record as Record<string, unknown>)[key]) : undefined;
}

function hostnameOf(request: RequestLike): string | undefined {
  const raw = request.hostname ?? first(request.headers.host);
  // Strip a port, and a trailing dot of a fully qualified name.
  return raw?.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
}

/** The value `strategy` finds in `request`, or undefined. */
function valueFor(strategy: TenantStrategy, request: RequestLike): string | undefined {
  switch (strategy.type) {
    case 'subdomain': {
      const host = hostnameOf(request);
      const suffix = `.${strategy.baseDomain.toLowerCase()}`;
      if (!host?.endsWith(suffix)) return undefined;
      const label = host.slice(0, -suffix.length);
      return label !== '' && !label.includes('.') ? label : undefined;
    }
    case 'header':
      return first(request.headers[strategy.name.toLowerCase()]);
    case 'claim':
      return fromRecord((strategy.claims ?? ((r: RequestLike) => r.auth))(request), strategy.claim);
    case 'path':
      return fromRecord(request.params, strategy.param);
    case 'query':
      return fromRecord(request.query, strategy.name);
  }
}

/** The first tenant id the strategies find, in their order, or undefined. */
export function identifyTenant(
  request: RequestLike,
  strategies: readonly TenantStrategy[],
): Identification | undefined {
  for (const strategy of strategies) {
    const tenantId = valueFor(strategy, request);
    if (tenantId !== undefined) return { tenantId, strategy: strategy.type };
  }
  return undefined;
}

/** Names the strategies for the "no tenant identification" message. */
export function describeStrategies(strategies: readonly TenantStrategy[]): string {
  return strategies.map(describeStrategy).join(', ');
}

function describeStrategy(strategy: TenantStrategy): string {
  switch (strategy.type) {
    case 'subdomain':
      return `a subdomain of ${strategy.baseDomain}`;
    case 'header':
      return `header ${strategy.name}`;
    case 'claim':
      return `token claim ${strategy.claim}`;
    case 'path':
      return `path parameter ${strategy.param}`;
    case 'query':
      return `query parameter ${strategy.name}`;
  }
}
