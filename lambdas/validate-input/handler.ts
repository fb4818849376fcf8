import { loadTierCatalog } from '../shared/config';
import { STEPS, type ValidatedRequest, type ValidateEvent } from '../shared/contracts';
import { stepHandler } from '../shared/runtime';
import { validateRequest } from './validate';

/** ValidateInput: the catalog is read per invocation so a missing TIER_CATALOG fails as a named ConfigurationError. */
export const handler = stepHandler(
  STEPS.validate,
  async (event: ValidateEvent): Promise<ValidatedRequest> => validateRequest(event, loadTierCatalog()),
);
