/**
 * The environment the real handlers run with in the harness. All handlers share one process, so they share one
 * environment: the union of what the template sets on every workflow function (a variable the stack forgets to
 * wire is missing here too, and the handler that needs it fails as it would in Lambda), plus the few values that
 * only make sense on this machine.
 *
 * @module
 */

import { TIER_CATALOG } from '../../../lambdas/shared/config';
import { RDS_CA_BUNDLE_PATH } from '../../../lambdas/shared/database/tls';
import { MIGRATIONS_DIR, MIGRATIONS_DIR_VARIABLE } from '../../../lambdas/shared/schema/bundling';
import { unionEnvironment } from '../../../lib/local/workflows/template';
import { DEPLOYMENT_TARGET, type SynthesizedWorkflow } from './synthesized';

/**
 * Handler defaults that are paths inside the Lambda runtime (the runtime's CA bundle, the migrations copied next to
 * the bundle), replaced by their local equivalent.
 */
function localPaths(caBundlePath: string | undefined): Record<string, string | undefined> {
  return { [MIGRATIONS_DIR_VARIABLE.name]: MIGRATIONS_DIR, [RDS_CA_BUNDLE_PATH.name]: caBundlePath };
}

/**
 * The handlers' environment.
 *
 * @param caBundlePath - the CA that signed the test database's certificate (RDS_CA_BUNDLE_PATH); without it the
 *   handler's Lambda path stays, and RunMigrations fails with a ConfigurationError as it would on a bad bundle.
 * @throws Error when two functions set one variable to different values (the shared environment would be a lie)
 */
export function handlerEnvironment(workflow: SynthesizedWorkflow, caBundlePath?: string): Record<string, string> {
  const merged = unionEnvironment([
    ...Object.values(workflow.taskFunctions),
    workflow.readinessFunction,
    workflow.rotationFunction,
    ...Object.values(workflow.rollout.taskFunctions),
    ...Object.values(workflow.suspension.taskFunctions),
    ...Object.values(workflow.tierChange.taskFunctions),
  ]);
  for (const [name, local] of Object.entries(localPaths(caBundlePath))) {
    if (merged[name] !== undefined) throw new Error(`workflow harness: the template overrides the default of ${name}`);
    if (local !== undefined) merged[name] = local;
  }
  // The stack inlines the catalog into the validate bundle (esbuild define), so it is not in the template.
  merged[TIER_CATALOG.name] = JSON.stringify(workflow.catalog);
  return merged;
}

/**
 * Sets `variables` in `process.env` (and a Region for the SDK clients when the process has none); returns the
 * function that puts the previous values back.
 */
export function applyEnvironment(variables: Record<string, string>): () => void {
  const all = { AWS_REGION: process.env.AWS_REGION ?? DEPLOYMENT_TARGET.region, ...variables };
  const previous = Object.fromEntries(Object.keys(all).map((name) => [name, process.env[name]]));
  Object.assign(process.env, all);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
