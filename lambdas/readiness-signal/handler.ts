import { nowIso } from '../shared/clock';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { recordReadySignal } from '../shared/registry';
import { registryClient } from '../shared/registry-client';
import { eventHandler, logger, MetricUnit, metrics } from '../shared/runtime';
import { METRIC_NAMES } from '../shared/telemetry';
import { type RdsInstanceEvent, readySignalOf } from './signal';

const registry = registryClient();

/**
 * Listener for RDS's "DB instance created" event (not a workflow step): writes the registry's `readySignalAt` so
 * WaitForInstance describes the instance at once instead of at its next interval. A hint only: events of other
 * instances, of tenants not provisioning, and duplicates change nothing. Errors propagate so EventBridge's
 * asynchronous invocation retries them.
 */
export const handler = eventHandler(
  { failed: 'recording the readiness signal failed; the event will be retried' },
  async (event: RdsInstanceEvent): Promise<void> => {
    const signal = readySignalOf(event, nowIso());
    if (!signal) {
      logger.debug('not a creation event of a tenant instance; ignored', { sourceArn: event.detail?.SourceArn });
      return;
    }
    const recorded = await recordReadySignal(registry, readEnv(RUNTIME_ENV.registryTable), signal.tenantId, signal.at);
    logger.info(recorded ? 'readiness signal recorded' : 'tenant is not provisioning; signal ignored', { ...signal });
    if (recorded) metrics.addMetric(METRIC_NAMES.readySignalRecorded, MetricUnit.Count, 1);
  },
);
