import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { rolloutFailuresOf } from '../shared/registry';
import { registryClient } from '../shared/registry-client';
import { endRollout, getRollout, recordWaveSummary } from '../shared/registry-rollout';
import { type RecordRolloutEvent, ROLLOUT_STEPS, type WaveSummary } from '../shared/rollout/contracts';
import { ROLLOUT_ENV } from '../shared/rollout/settings';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { haltAlert, haltReason, waveSummary } from './report';

const doc = registryClient();
const sns = traced(new SNSClient(CLIENT_CONFIG));

/** What RecordRollout returns: the wave's summary, or nothing for the completion. */
type RecordResult = WaveSummary | { status: 'COMPLETED' };

/**
 * RecordWave, HaltRollout and CompleteRollout (one function, three Task states): a wave's summary with its failed
 * tenants and their reasons goes to the rollout record; a halt also ends the rollout, releasing the lock, and
 * alerts; the completion releases the lock. Every write is conditional on the rollout, so a retry repeats nothing.
 */
export const handler = stepHandler(ROLLOUT_STEPS.record, async (event: RecordRolloutEvent): Promise<RecordResult> => {
  const rolloutTable = readEnv(ROLLOUT_ENV.table);
  const { rolloutId } = event.plan;
  if (event.action === 'complete') {
    await endRollout(doc, rolloutTable, rolloutId, { status: 'COMPLETED' });
    return { status: 'COMPLETED' };
  }
  const failed = await rolloutFailuresOf(doc, readEnv(RUNTIME_ENV.registryTable), rolloutId, event.wave.index);
  const summary = waveSummary(event.wave, failed);
  await recordWaveSummary(doc, rolloutTable, rolloutId, summary);
  if (event.action === 'halt') {
    const reason = haltReason(event.plan, summary, event.error?.Error);
    // Alert while the rollout still runs, then end it: a retry after the end does not alert again, and a crash
    // between the two alerts twice rather than never.
    const current = await getRollout(doc, rolloutTable);
    if (current?.rolloutId === rolloutId && current.status === 'RUNNING') {
      const alert = haltAlert(event.plan, summary, reason);
      await sns.send(
        new PublishCommand({
          TopicArn: readEnv(RUNTIME_ENV.alertTopicArn),
          Subject: alert.subject,
          Message: alert.message,
        }),
      );
      await endRollout(doc, rolloutTable, rolloutId, { status: 'HALTED', reason });
    }
  }
  return summary;
});
