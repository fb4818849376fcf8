import { TenantLookupError, TenantNotActiveError, TenantSuspendedError } from '../../../lib/client';
import { identifyTenant, type RequestLike, type TenantStrategy } from '../../../lib/client/identify';
import { answerFor, type RegistryItem } from '../../../lib/client/location';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:saas/tenant/acme/app-AbCdEf';
const active: RegistryItem = {
  tenantId: 'acme',
  tier: 'pro',
  status: 'ACTIVE',
  endpointAddress: 'db-7f3a.abc.eu-west-1.rds.amazonaws.com',
  endpointPort: 5432,
  secretArn: SECRET_ARN,
  databaseName: 'main',
  region: 'eu-west-1',
};
const location = {
  tenantId: 'acme',
  tier: 'pro',
  status: 'ACTIVE',
  host: 'db-7f3a.abc.eu-west-1.rds.amazonaws.com',
  port: 5432,
  database: 'main',
  secretArn: SECRET_ARN,
  region: 'eu-west-1',
};

describe('answerFor (registry record → location)', () => {
  it.each([
    ['a complete ACTIVE record', active, location],
    [
      'a record written before databaseName and region were recorded',
      { ...active, databaseName: undefined, region: undefined },
      { ...location, database: 'tenant', region: 'eu-west-1' },
    ],
    [
      'a tenant changing tier (MODIFYING keeps serving)',
      { ...active, status: 'MODIFYING' },
      { ...location, status: 'MODIFYING' },
    ],
  ])('locates %s', (_case, item, expected) => {
    expect(answerFor('acme', item)).toEqual({ kind: 'located', location: expected });
  });

  it.each([
    ['no record', undefined, { kind: 'unknown' }],
    ['SUSPENDED', { ...active, status: 'SUSPENDED' }, { kind: 'refused', error: expect.any(TenantSuspendedError) }],
    [
      'ROLLBACK_FAILED',
      { ...active, status: 'ROLLBACK_FAILED' },
      { kind: 'refused', error: expect.any(TenantNotActiveError) },
    ],
    [
      'MODIFYING when only ACTIVE is served',
      { ...active, status: 'MODIFYING' },
      { kind: 'refused', error: expect.any(TenantNotActiveError) },
    ],
  ])('answers %s', (_case, item, expected) => {
    expect(answerFor('acme', item, ['ACTIVE'])).toEqual(expected);
  });

  it.each([
    ['endpointAddress', { ...active, endpointAddress: undefined }],
    ['secretArn', { ...active, secretArn: undefined, region: undefined }],
  ])('refuses an ACTIVE record without %s, naming it', (field, item) => {
    expect(() => answerFor('acme', item)).toThrow(TenantLookupError);
    expect(() => answerFor('acme', item)).toThrow(field);
  });
});

describe('identifyTenant', () => {
  const request = (fields: Partial<RequestLike>): RequestLike => ({ headers: {}, ...fields });
  const subdomain: TenantStrategy = { type: 'subdomain', baseDomain: 'app.example.com' };
  it.each([
    ['a subdomain with a port', subdomain, request({ headers: { host: 'acme.app.example.com:8443' } }), 'acme'],
    ['a fully qualified host name', subdomain, request({ hostname: 'acme.app.example.com.' }), 'acme'],
    ['an upper-case host', subdomain, request({ hostname: 'ACME.App.Example.com' }), 'acme'],
    ['the base domain itself', subdomain, request({ hostname: 'app.example.com' }), undefined],
    ['a lookalike domain', subdomain, request({ hostname: 'acme.evilapp.example.com' }), undefined],
    [
      'a repeated header',
      { type: 'header', name: 'X-Tenant' },
      request({ headers: { 'x-tenant': ['acme', 'other'] } }),
      'acme',
    ],
    ['a blank header', { type: 'header', name: 'x-tenant' }, request({ headers: { 'x-tenant': '  ' } }), undefined],
    ['a claim', { type: 'claim', claim: 'org' }, request({ auth: { org: 'acme' } }), 'acme'],
    [
      'a claim read by a custom function',
      { type: 'claim', claim: 'tid', claims: (r: RequestLike) => (r as { user?: Record<string, unknown> }).user },
      { ...request({}), user: { tid: 'acme' } } as RequestLike,
      'acme',
    ],
    ['a non-string claim', { type: 'claim', claim: 'org' }, request({ auth: { org: 42 } }), undefined],
    ['a path parameter', { type: 'path', param: 'tenant' }, request({ params: { tenant: 'acme' } }), 'acme'],
  ] as [string, TenantStrategy, RequestLike, string | undefined][])('reads %s', (_case, strategy, req, expected) => {
    expect(identifyTenant(req, [strategy])?.tenantId).toBe(expected);
  });
});
