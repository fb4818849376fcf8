import * as path from 'node:path';
import { textWithDefault } from '../config';

/**
 * Absolute path of the versioned migration files. esbuild bundles code, not data: the stack copies this folder next
 * to the bundle, where the runner looks for it (`__dirname` is the bundle's folder at run time, so the same
 * expression resolves to `/var/task/migrations` in the Lambda). `MIGRATIONS_DIR` in the environment overrides it.
 *
 * This module imports nothing but `node:path` and the environment declarations, so CDK code can import it without pulling in the handler.
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

/** Points the runner at another migrations folder (tests, the local platform). */
export const MIGRATIONS_DIR_VARIABLE = textWithDefault('MIGRATIONS_DIR', MIGRATIONS_DIR);
