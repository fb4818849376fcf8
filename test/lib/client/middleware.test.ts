import { once } from 'node:events';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import {
  createTenantDatabases,
  getCurrentTenant,
  TenantClientConfigError,
  type TenantDatabases,
  type TenantStrategy,
  tenantFastifyHook,
  tenantMiddleware,
} from '../../../lib/client';
import { type ClientWorld, startClientWorld } from '../../support/client';

jest.setTimeout(120_000);

const BASE_DOMAIN = 'app.example.test';
let world: ClientWorld;
let db: TenantDatabases;
let server: Server;
let port: number;

/** A stand-in for the application's own token check (express-jwt sets `req.auth` the same way once it verified). */
function verifiedToken(req: Request, _res: Response, next: NextFunction): void {
  const token = req.headers.authorization?.replace(/^Bearer /, '');
  if (token) (req as Request & { auth?: unknown }).auth = { sub: 'user-1', tenant_id: token };
  next();
}

/** The handler every route uses: the rows of the current tenant's database, reached through the tenant context. */
async function projects(req: Request, res: Response): Promise<void> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM projects ORDER BY name');
  res.json({
    tenant: getCurrentTenant()?.id,
    identifiedBy: (req as Request & { tenant?: { identifiedBy: string } }).tenant?.identifiedBy,
    projects: rows.map((r) => r.name),
  });
}

function app(): express.Express {
  const application = express();
  const strategies: TenantStrategy[] = [
    { type: 'claim', claim: 'tenant_id' },
    { type: 'subdomain', baseDomain: BASE_DOMAIN },
    { type: 'header', name: 'X-Tenant-Id' },
  ];
  application.use(
    '/t/:tenantId',
    tenantMiddleware({ databases: db, strategies: [{ type: 'path', param: 'tenantId' }] }),
  );
  application.get('/t/:tenantId/projects', projects);
  const dev = express.Router();
  dev.use(tenantMiddleware({ databases: db, strategies: [{ type: 'query', name: 'tenant', unsafeAllowed: true }] }));
  dev.get('/projects', projects);
  application.use('/dev', dev);
  application.use(verifiedToken, tenantMiddleware({ databases: db, strategies }));
  application.get('/projects', projects);
  return application;
}

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        data += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  world = await startClientWorld();
  for (const id of ['alpha', 'bravo', 'charlie', 'delta']) {
    await world.addTenant(id, 'starter');
  }
  await world.setStatus('sleepy', 'SUSPENDED');
  await world.setStatus('gone', 'OFFBOARDED');
  await world.setStatus('newbie', 'PROVISIONING');
  db = createTenantDatabases(world.options());
  for (const id of ['alpha', 'bravo', 'charlie', 'delta']) {
    await db.queryFor(id, 'INSERT INTO projects (name) VALUES ($1)', [`${id} project`]);
  }
  server = app().listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.close();
  await db.close();
  await world.stop();
});

describe('tenantMiddleware over HTTP', () => {
  it.each([
    ['a verified token claim', '/projects', { authorization: 'Bearer alpha' }, 'alpha', 'claim'],
    ['a subdomain of the base domain', '/projects', { host: `bravo.${BASE_DOMAIN}:8080` }, 'bravo', 'subdomain'],
    ['a header', '/projects', { 'x-tenant-id': 'charlie' }, 'charlie', 'header'],
    ['a path parameter', '/t/delta/projects', {}, 'delta', 'path'],
    ['an explicitly enabled query parameter', '/dev/projects?tenant=alpha', {}, 'alpha', 'query'],
    [
      'the first strategy in the configured order',
      '/projects',
      { authorization: 'Bearer bravo', 'x-tenant-id': 'charlie', host: `delta.${BASE_DOMAIN}` },
      'bravo',
      'claim',
    ],
  ])('serves the tenant named by %s, inside its tenant context', async (_case, path, headers, tenant, strategy) => {
    // Act
    const response = await get(path, headers);

    // Assess
    expect(response).toEqual({
      status: 200,
      body: { tenant, identifiedBy: strategy, projects: [`${tenant} project`] },
    });
  });

  it.each([
    ['no identification', '/projects', {}, 400, 'TenantIdentificationError', 'no tenant identified'],
    [
      'a deeper subdomain',
      '/projects',
      { host: `a.b.${BASE_DOMAIN}` },
      400,
      'TenantIdentificationError',
      'header X-Tenant-Id',
    ],
    ['another domain', '/projects', { host: 'alpha.elsewhere.test' }, 400, 'TenantIdentificationError', 'subdomain'],
    ['a malformed tenant id', '/projects', { 'x-tenant-id': 'Alpha!' }, 400, 'InvalidTenantIdError', 'not a valid'],
    ['an unknown tenant', '/projects', { 'x-tenant-id': 'nobody' }, 404, 'TenantNotFoundError', 'not registered'],
    ['a suspended tenant', '/projects', { 'x-tenant-id': 'sleepy' }, 403, 'TenantSuspendedError', 'is SUSPENDED'],
    ['an offboarded tenant', '/t/gone/projects', {}, 403, 'TenantOffboardedError', 'is OFFBOARDED'],
    ['a provisioning tenant', '/dev/projects?tenant=newbie', {}, 403, 'TenantNotActiveError', 'is PROVISIONING'],
  ])('refuses %s', async (_case, path, headers, status, error, message) => {
    // Act
    const response = await get(path, headers);

    // Assess
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error, message: expect.stringContaining(message) });
  });

  it('answers 503 when the registry cannot be read', async () => {
    // Prepare
    world.double.faults.add({ service: 'dynamodb', command: 'GetItem', kind: 'throttle' });

    // Act
    const response = await get('/projects', { 'x-tenant-id': 'echo' });

    // Assess
    expect(response).toEqual({
      status: 503,
      body: {
        error: 'TenantLookupError',
        message: expect.stringContaining('cannot read tenant echo from the registry'),
      },
    });
  });

  it('passes refusals to the error handler when asked', async () => {
    // Prepare
    const application = express();
    application.use(
      tenantMiddleware({ databases: db, strategies: [{ type: 'header', name: 'x-tenant-id' }], passErrors: true }),
    );
    application.use(
      (error: { statusCode: number; name: string }, _req: Request, res: Response, _next: NextFunction) => {
        res.status(error.statusCode).json({ handledBy: 'app', error: error.name });
      },
    );
    const own = application.listen(0, '127.0.0.1');
    await once(own, 'listening');
    const saved = port;
    port = (own.address() as AddressInfo).port;

    // Act
    const response = await get('/', { 'x-tenant-id': 'sleepy' });

    // Assess
    port = saved;
    own.close();
    expect(response).toEqual({ status: 403, body: { handledBy: 'app', error: 'TenantSuspendedError' } });
  });

  it.each([
    ['no strategy', []],
    ['a query strategy not explicitly enabled', [{ type: 'query', name: 'tenant', unsafeAllowed: false }]],
    ['a subdomain strategy without a domain', [{ type: 'subdomain', baseDomain: 'nodots' }]],
  ])('refuses to build with %s', (_case, strategies) => {
    expect(() => tenantMiddleware({ databases: db, strategies: strategies as TenantStrategy[] })).toThrow(
      TenantClientConfigError,
    );
  });
});

describe('tenantFastifyHook', () => {
  it.each([
    ['a served tenant', 'alpha', 200, { tenant: 'alpha', projects: ['alpha project'] }],
    [
      'a suspended tenant',
      'sleepy',
      403,
      { error: 'TenantSuspendedError', message: expect.stringContaining('SUSPENDED') },
    ],
    ['no identification', undefined, 400, { error: 'TenantIdentificationError', message: expect.any(String) }],
  ])('serves or refuses %s', async (_case, tenant, status, body) => {
    // Prepare
    const fastify = Fastify();
    fastify.decorateRequest('tenant', undefined);
    fastify.addHook(
      'onRequest',
      tenantFastifyHook({ databases: db, strategies: [{ type: 'header', name: 'x-tenant-id' }] }),
    );
    fastify.get('/projects', async () => {
      const { rows } = await db.query<{ name: string }>('SELECT name FROM projects');
      return { tenant: getCurrentTenant()?.id, projects: rows.map((r) => r.name) };
    });

    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const saved = port;
    port = (fastify.server.address() as AddressInfo).port;

    // Act
    const response = await get('/projects', tenant ? { 'x-tenant-id': tenant } : {});
    port = saved;
    await fastify.close();

    // Assess
    expect(response).toEqual({ status, body });
  });
});
