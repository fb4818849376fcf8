import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/shared/telemetry';
import { cdkJsonContext } from '../lib/app-builder';
import { loadPlatformConfig } from '../lib/config';
import { BUNDLING, REPOSITORY_ROOT } from '../lib/workflow/handler-function';
import { median, ratio } from './stats';

/** One handler's deployment bundle and what loading it costs compared with starting Node. */
export interface HandlerBundle {
  readonly folder: string;
  /** Minified `index.js`, source map not counted (it ships beside it but is read only for stack traces). */
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Median wall time of `node -e ""`. */
  readonly bareMs: number;
  /** Median wall time of `node -e "require('<bundle>')"`. */
  readonly loadMs: number;
  /** `loadMs / bareMs`. */
  readonly ratio: number | undefined;
}

/** Folders under `lambdas/` that hold a `handler.ts`, sorted. */
function handlerFolders(): string[] {
  const lambdas = join(REPOSITORY_ROOT, 'lambdas');
  return readdirSync(lambdas, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(lambdas, entry.name, 'handler.ts')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Bundles `lambdas/<folder>/handler.ts` into `<outDir>/<folder>/index.js` with the esbuild arguments NodejsFunction
 * derives from HandlerFunction's {@link BUNDLING} (lib/workflow/handler-function.ts): minified, source map, the
 * Lambda runtime's Node.js target, CommonJS, platform node, and `@aws-sdk/*` external because Node.js ≥ 18 runtimes provide the SDK v3 (the
 * `@smithy/*` packages are bundled: the sdkV3ExcludeSmithyPackages feature flag is off in cdk.json).
 *
 * @param define esbuild `define`, as the stack passes for that function (see workflow-stack.ts)
 * @returns the path of the bundle
 */
async function bundleHandler(folder: string, outDir: string, define: Record<string, string> = {}): Promise<string> {
  const outfile = join(outDir, folder, 'index.js');
  await build({
    absWorkingDir: REPOSITORY_ROOT,
    entryPoints: [join('lambdas', folder, 'handler.ts')],
    outfile,
    bundle: true,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    target: BUNDLING.target,
    platform: 'node',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    define,
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * The environment both Node starts run with: what the stack sets on every function (Powertools names,
 * `--enable-source-maps`), logs silenced, a Region for the SDK clients built at import, and `NODE_PATH` pointing at
 * the repository's `@aws-sdk/*` the way Lambda's `NODE_PATH` points at the runtime's copy. Nothing else is inherited,
 * so the caller's shell cannot change the figures.
 */
function loadEnvironment(): NodeJS.ProcessEnv {
  return {
    NODE_PATH: join(REPOSITORY_ROOT, 'node_modules'),
    NODE_OPTIONS: '--enable-source-maps',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
}

function timeNode(script: string, env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['-e', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (run.status !== 0) {
    throw new Error(`node -e ${JSON.stringify(script)} exited ${run.status ?? run.signal}: ${run.stderr.toString()}`);
  }
  return ms;
}

/**
 * Cold initialisation of a bundle relative to a bare Node start: `runs` pairs of fresh processes, alternating which
 * of the two starts first so that a slow moment on the machine hits both sides, compared by their medians.
 */
function timeColdInit(bundle: string, runs: number): Pick<HandlerBundle, 'bareMs' | 'loadMs' | 'ratio'> {
  const env = loadEnvironment();
  const bare: number[] = [];
  const load: number[] = [];
  const measure = {
    bare: () => bare.push(timeNode('', env)),
    load: () => load.push(timeNode(`require(${JSON.stringify(bundle)})`, env)),
  };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? [measure.bare, measure.load] : [measure.load, measure.bare];
    for (const step of order) step();
  }
  const bareMs = median(bare);
  const loadMs = median(load);
  return { bareMs, loadMs, ratio: ratio(loadMs, bareMs) };
}

/**
 * The esbuild `define` the workflow stack passes per handler folder: the tier catalog of cdk.json inlined into
 * validate-input (workflow-stack.ts), so that bundle has its deployed size.
 */
function stackDefines(): Record<string, Record<string, string>> {
  const { tierCatalog } = loadPlatformConfig(new App({ context: cdkJsonContext() }).node);
  return { 'validate-input': { 'process.env.TIER_CATALOG': JSON.stringify(JSON.stringify(tierCatalog)) } };
}

/** Bundles every handler into `outDir`, measures its size and its cold initialisation. */
export async function benchBundles(options: {
  readonly outDir: string;
  readonly runs: number;
  readonly onProgress?: (folder: string) => void;
}): Promise<HandlerBundle[]> {
  const defines = stackDefines();
  const results: HandlerBundle[] = [];
  for (const folder of handlerFolders()) {
    options.onProgress?.(folder);
    const bundle = await bundleHandler(folder, options.outDir, defines[folder]);
    const code = readFileSync(bundle);
    results.push({
      folder,
      bytes: code.length,
      gzipBytes: gzipSync(code).length,
      ...timeColdInit(bundle, options.runs),
    });
  }
  return results;
}
