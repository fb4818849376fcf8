import { setTimeout as sleep } from 'node:timers/promises';
import {
  getCurrentTenant,
  InvalidTenantIdError,
  requireTenant,
  runWithTenant,
  TenantContextMissingError,
} from '../../../lib/client';

describe('tenant context', () => {
  it('is empty outside runWithTenant, and requireTenant says so with a typed error', () => {
    // Act
    const act = () => requireTenant();

    // Assess
    expect(getCurrentTenant()).toBeUndefined();
    expect(act).toThrow(TenantContextMissingError);
    expect(act).toThrow(expect.objectContaining({ name: 'TenantContextMissingError', statusCode: 500 }));
  });

  it.each([
    ['an id', 'acme', { id: 'acme' }],
    ['a context', { id: 'globex', tier: 'pro', status: 'ACTIVE' }, { id: 'globex', tier: 'pro', status: 'ACTIVE' }],
  ])('carries %s through awaits, timers and callbacks', async (_case, tenant, expected) => {
    // Act
    const seen = await runWithTenant(tenant, async () => {
      await sleep(1);
      const inTimer = await new Promise((resolve) => setTimeout(() => resolve(getCurrentTenant()), 1));
      return { afterAwait: requireTenant(), inTimer };
    });

    // Assess
    expect(seen).toEqual({ afterAwait: expected, inTimer: expected });
    expect(getCurrentTenant()).toBeUndefined();
  });

  it('keeps concurrent tenants apart and lets contexts nest', async () => {
    // Prepare
    const ids = ['alpha', 'bravo', 'charlie', 'delta'];

    // Act
    const seen = await Promise.all(
      ids.map((id, i) =>
        runWithTenant(id, async () => {
          await sleep(4 - i);
          const inner = runWithTenant('nested', () => requireTenant().id);
          return [requireTenant().id, inner];
        }),
      ),
    );

    // Assess
    expect(seen).toEqual(ids.map((id) => [id, 'nested']));
  });

  it('returns what the function returns, and its errors', async () => {
    await expect(runWithTenant('acme', async () => 42)).resolves.toBe(42);
    expect(() =>
      runWithTenant('acme', () => {
        throw new RangeError('boom');
      }),
    ).toThrow(RangeError);
  });

  it.each([
    ['upper case', 'Acme', 'may contain only lower-case letters'],
    ['too short', 'ab', 'must be 3-32 characters long'],
    ['a trailing hyphen', 'acme-', 'must end with a letter or a digit'],
    ['empty', '', 'must be 3-32 characters long'],
  ])('refuses a tenant id that is %s before running anything', (_case, id, rule) => {
    // Prepare
    const fn = jest.fn();

    // Act
    const act = () => runWithTenant(id, fn);

    // Assess
    expect(act).toThrow(InvalidTenantIdError);
    expect(act).toThrow(rule);
    expect(fn).not.toHaveBeenCalled();
  });
});
