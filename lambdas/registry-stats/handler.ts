import { RUNTIME_ENV, readEnv } from '../shared/config';
import { TENANT_STATUSES } from '../shared/contracts';
import { countTenantsInStatus } from '../shared/registry';
import { registryClient } from '../shared/registry-client';
import { eventHandler, logger, MetricUnit, metrics } from '../shared/runtime';
import { METRIC_NAMES } from '../shared/telemetry';

const doc = registryClient();

/**
 * Scheduled every five minutes: publishes the number of tenants per registry status for the dashboard, every
 * status including the empty ones (a zero is information).
 */
export const handler = eventHandler(
  { failed: 'counting the registry failed; the next scheduled run counts again' },
  async (): Promise<Record<string, number>> => {
    const table = readEnv(RUNTIME_ENV.registryTable);
    const counts: Record<string, number> = {};
    for (const status of TENANT_STATUSES) {
      counts[status] = await countTenantsInStatus(doc, table, status);
      metrics
        .singleMetric()
        .addDimension('status', status)
        .addMetric(METRIC_NAMES.tenantsByStatus, MetricUnit.Count, counts[status]);
    }
    logger.info('registry counted', { counts });
    return counts;
  },
);
