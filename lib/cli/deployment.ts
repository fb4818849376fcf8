import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '../../lambdas/shared/errors';
import { assertSecretNamePattern, DEFAULT_SECRET_NAME_PATTERN } from '../../lambdas/shared/naming';
import { resolveCatalog, type TierCatalog } from '../../lambdas/shared/tiers';

/**
 * What tenantctl needs to know about the deployment without calling AWS: the tier catalog and the secret name
 * pattern, read from the same `cdk.json` context keys the stacks are synthesized from, so `plan` shows what the
 * deployed workflow creates.
 */
export interface DeploymentSettings {
  readonly catalog: TierCatalog;
  readonly secretNamePattern: string;
  /** Where the settings came from, for the output. */
  readonly source: string;
}

/** The settings of a `cdk.json` document: `context.tiers` merged into the built-in tiers, `context.secretNamePattern`. */
export function settingsFromCdkJson(document: unknown, source: string): DeploymentSettings {
  const context = (document as { context?: Record<string, unknown> } | null)?.context ?? {};
  return {
    catalog: resolveCatalog((context.tiers ?? {}) as Parameters<typeof resolveCatalog>[0]),
    secretNamePattern: secretNamePatternOf(context.secretNamePattern, source),
    source,
  };
}

function secretNamePatternOf(value: unknown, source: string): string {
  if (value === undefined) return DEFAULT_SECRET_NAME_PATTERN;
  try {
    return assertSecretNamePattern(String(value), 'secretNamePattern');
  } catch (error) {
    // A broken deployment setting is a configuration error, not bad input from the operator.
    throw new ConfigurationError(`${source} context ${(error as Error).message}`);
  }
}

/**
 * Reads `path` (default `./cdk.json`). A missing default file means the built-in catalog (tenantctl run outside
 * the repository); a missing explicit file, unreadable JSON or an invalid catalog is a configuration error.
 */
export async function loadDeploymentSettings(path: string, explicit: boolean): Promise<DeploymentSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      return settingsFromCdkJson({}, 'built-in tier catalog (no cdk.json found)');
    }
    throw new ConfigurationError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return settingsFromCdkJson(document, path);
}
