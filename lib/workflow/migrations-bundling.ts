import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { MIGRATIONS_DIR } from '../../lambdas/shared/schema/bundling';

/**
 * Bundling hooks that copy the migration files next to a function's bundle, where the runner (and the rollout
 * planner, which reads the target from them) looks for them: esbuild bundles code, not data.
 */
export const COPY_MIGRATIONS: nodejs.ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (_input: string, outputDir: string) => [`cp -r "${MIGRATIONS_DIR}" "${outputDir}/migrations"`],
};
