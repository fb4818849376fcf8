import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { clock } from '../shared/clock';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { rdsClientIn } from '../shared/lifecycle/power';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, eventHandler, logger, MetricUnit, metrics, traced } from '../shared/runtime';
import { PURGE_METRICS } from './metrics';
import { runPurge } from './purge';

const registry = registryClient();
const sns = traced(new SNSClient(CLIENT_CONFIG));

/**
 * The daily retention purge (an EventBridge schedule's target): deletes what offboarding kept once its retention
 * passed. Per-tenant failures are counted and alarmed; the next run repeats them.
 */
export const handler = eventHandler({ failed: 'the retention purge failed; the next run repeats it' }, async () => {
  const topicArn = readEnv(RUNTIME_ENV.alertTopicArn);
  const run = await runPurge({
    registry,
    table: readEnv(RUNTIME_ENV.registryTable),
    rdsIn: (region) => rdsClientIn(region, traced, CLIENT_CONFIG),
    alert: async (subject, message) => {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 100), Message: message }));
    },
    now: () => new Date(clock.now()),
  });
  const count = (outcome: string) => run.outcomes.filter((o) => o.outcome === outcome).length;
  metrics.addMetric(PURGE_METRICS.purged, MetricUnit.Count, count('purged') + count('cleared'));
  metrics.addMetric(PURGE_METRICS.failed, MetricUnit.Count, count('failed'));
  metrics.addMetric(PURGE_METRICS.foreign, MetricUnit.Count, count('foreign'));
  for (const o of run.outcomes.filter((x) => x.outcome !== 'skipped')) {
    logger.info('retention purge outcome', { tenantId: o.tenantId, outcome: o.outcome, detail: o.detail });
  }
  return { at: run.at, outcomes: run.outcomes.filter((o) => o.outcome !== 'skipped') };
});
