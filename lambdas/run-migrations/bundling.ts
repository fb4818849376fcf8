import * as path from 'node:path';

/**
 * Absolute path of the versioned migration files. esbuild bundles code, not data: the stack copies this folder next
 * to the bundle, where the runner looks for it (`__dirname` is the bundle's folder at run time, so the same
 * expression resolves to `/var/task/migrations` in the Lambda). `MIGRATIONS_DIR` in the environment overrides it.
 *
 * This module imports nothing but `node:path`, so CDK code can import it without pulling in the handler.
 *
 * @example
 * ```ts
 * bundling: {
 *   commandHooks: {
 *     beforeBundling: () => [],
 *     beforeInstall: () => [],
 *     afterBundling: (_inputDir, outputDir) => [`cp -r "${MIGRATIONS_DIR}" "${outputDir}/migrations"`],
 *   },
 * }
 * ```
 */
export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** Environment variable that points the runner at another migrations folder. */
export const MIGRATIONS_DIR_ENV = 'MIGRATIONS_DIR';
