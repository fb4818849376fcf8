import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '../../lambdas/shared/errors';
import { assertSecretNamePattern, DEFAULT_SECRET_NAME_PATTERN } from '../../lambdas/shared/naming';
import { resolveCatalog, type TierCatalog, TierCatalogError } from '../../lambdas/shared/tiers';
import { unknownContextKeys, unknownKeyRule } from '../context-keys';

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

/**
 * The settings of a `cdk.json` document: `context.tiers` merged into the built-in tiers, `context.secretNamePattern`.
 * The context is checked as `cdk synth` checks it: an unknown key or tier field is a configuration error naming it,
 * the closest known name and `source`.
 */
export function settingsFromCdkJson(document: unknown, source: string): DeploymentSettings {
  const context = (document as { context?: Record<string, unknown> } | null)?.context ?? {};
  const [unknown] = unknownContextKeys(context);
  if (unknown) throw new ConfigurationError(`${source} context "${unknown.key}": ${unknownKeyRule(unknown, source)}`);
  return {
    catalog: catalogOf(context.tiers, source),
    secretNamePattern: secretNamePatternOf(context.secretNamePattern, source),
    source,
  };
}

function catalogOf(tiers: unknown, source: string): TierCatalog {
  try {
    return resolveCatalog((tiers ?? {}) as Parameters<typeof resolveCatalog>[0]);
  } catch (error) {
    if (error instanceof TierCatalogError) throw new ConfigurationError(`${source} context "tiers": ${error.message}`);
    throw error;
  }
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
