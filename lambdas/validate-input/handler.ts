import { loadTierCatalog, RUNTIME_ENV, readEnv } from '../shared/config';
import { STEPS, type ValidatedRequest, type ValidateEvent } from '../shared/contracts';
import { stepHandler } from '../shared/runtime';
import { validateRequest } from './validate';

/**
 * ValidateInput: the catalog is read per invocation so a missing TIER_CATALOG fails as a named ConfigurationError.
 * The application secret's name is fixed here, from the deployment's pattern, for the whole execution.
 */
export const handler = stepHandler(
  STEPS.validate,
  async (event: ValidateEvent): Promise<ValidatedRequest> =>
    validateRequest(event, loadTierCatalog(), readEnv(RUNTIME_ENV.secretNamePattern)),
);
