#!/usr/bin/env node
// Builds tenantctl as a package of its own in dist/tenantctl: one ES module bundle per entry (esbuild) and the
// chunks it loads on demand, a package.json without dependencies, and the README with docs/ (see docs.mjs). `npm pack
// dist/tenantctl` then yields a tarball that `npm install -g` installs without fetching anything.
//
// Why a package of its own: the repository's package carries the CDK app and the application client with their
// dependencies (aws-cdk-lib alone is hundreds of MB); tenantctl needs none of them at run time once bundled.
// Why code splitting: the AWS SDK is loaded with import() by the commands that call AWS, so `--help` and `plan`
// never load it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { copyDocumentation } from './docs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The package folder: dist/tenantctl, or the folder after `--outdir` (tests build into a temporary one). */
const outdirFlag = process.argv.indexOf('--outdir');
const DEFAULT_OUT = join(root, 'dist', 'tenantctl');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Node versions tenantctl supports: the ones the AWS SDK bundled into it supports (see the README). */
const ENGINES = { node: manifest.engines.node };

export async function buildTenantctl(out = DEFAULT_OUT) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // The whole dist folder stays out of git without touching the repository's ignore file.
  if (out === DEFAULT_OUT) writeFileSync(join(root, 'dist', '.gitignore'), '*\n');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { tenantctl: 'lib/cli/entry.ts' },
    outdir: out,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // ES module builds of the AWS SDK and its dependencies split and tree-shake better than their CommonJS builds.
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    banner: {
      // Bundled CommonJS modules call require() for Node built-ins, and shared modules that locate files beside
      // themselves read __dirname when they load; an ES module has neither of its own.
      js: "#!/usr/bin/env node\nimport { createRequire as __tenantctlRequire } from 'node:module';\nimport { dirname as __tenantctlDirname } from 'node:path';\nimport { fileURLToPath as __tenantctlPath } from 'node:url';\nconst require = __tenantctlRequire(import.meta.url);\nconst __dirname = __tenantctlDirname(__tenantctlPath(import.meta.url));",
    },
  });
  writeFileSync(
    join(out, 'package.json'),
    `${JSON.stringify(
      {
        name: '@tenant-db-platform/tenantctl',
        version: manifest.version,
        description: 'tenantctl: onboard and operate tenant databases of the tenant-db-platform.',
        license: manifest.license,
        type: 'module',
        bin: { tenantctl: 'tenantctl.mjs' },
        engines: ENGINES,
        files: ['tenantctl.mjs', 'chunks/', '*.LEGAL.txt', 'README.md', 'docs/'],
      },
      null,
      2,
    )}\n`,
  );
  copyDocumentation(root, out);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildTenantctl(outdirFlag > 0 ? process.argv[outdirFlag + 1] : DEFAULT_OUT);
}
