import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../support/paths';

/**
 * The published entry: `tenant-db-platform/client` compiled by the build script and loaded by plain Node (no tsx,
 * no Jest transform) from CommonJS and from ESM, through the package's own `exports` map.
 */
const ROOT = REPOSITORY_ROOT;
let app: string;

beforeAll(() => {
  // Prepare: a copy of the package as an installed application would see it (built output + package.json).
  app = mkdtempSync(join(tmpdir(), 'client-package-'));
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.client.json',
      '--outDir',
      join(app, 'dist', 'client'),
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
}, 120_000);

afterAll(() => rmSync(app, { recursive: true, force: true }));

function run(file: string, source: string): string {
  writeFileSync(join(app, file), source);
  return execFileSync(process.execPath, [join(app, file)], {
    cwd: app,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

describe('tenant-db-platform/client', () => {
  it('loads from CommonJS without the CDK or tsx', () => {
    // Act
    const out = run(
      'consumer.cjs',
      `const client = require('tenant-db-platform/client');
       const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(aws-cdk-lib|tsx|constructs)\\//.test(f));
       const inContext = client.runWithTenant('acme', () => client.requireTenant().id);
       console.log(JSON.stringify({ exports: Object.keys(client).sort(), loaded, inContext }));`,
    );

    // Assess
    const result = JSON.parse(out) as { exports: string[]; loaded: string[]; inContext: string };
    expect(result.loaded).toEqual([]);
    expect(result.inContext).toBe('acme');
    expect(result.exports).toEqual(
      expect.arrayContaining([
        'createTenantDatabases',
        'runWithTenant',
        'getCurrentTenant',
        'requireTenant',
        'tenantMiddleware',
        'tenantFastifyHook',
        'TenantNotFoundError',
        'TenantSuspendedError',
        'TenantOffboardedError',
        'TenantNotActiveError',
      ]),
    );
  });

  it('loads from ESM with named exports', () => {
    // Act
    const out = run(
      'consumer.mjs',
      `import { createTenantDatabases, runWithTenant, TenantSuspendedError } from 'tenant-db-platform/client';
       const error = new TenantSuspendedError('acme');
       console.log(JSON.stringify({ create: typeof createTenantDatabases, tenant: runWithTenant('acme', () => 'ok'), name: error.name, status: error.statusCode }));`,
    );

    // Assess
    expect(JSON.parse(out)).toEqual({ create: 'function', tenant: 'ok', name: 'TenantSuspendedError', status: 403 });
  });

  it('ships type declarations where package.json says', () => {
    // Prepare
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };

    // Act
    const declarations = readFileSync(join(app, pkg.exports['./client']?.types ?? 'missing'), 'utf8');

    // Assess
    expect(declarations).toContain('createTenantDatabases');
    expect(declarations).toContain('tenantMiddleware');
  });
});
