import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { clock } from '../shared/clock';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, eventHandler, logger, traced } from '../shared/runtime';
import { SCHEDULE_ENV } from './options';
import { offboardingCommandOf, runOffboardingCommand } from './schedule';

const registry = registryClient();
const scheduler = traced(new SchedulerClient(CLIENT_CONFIG));

/**
 * Schedules or cancels an offboarding, for tenantctl (invoked directly, errors returned to the caller by name) and
 * for billing's offboarding events (invoked by EventBridge rules: errors are retried, then land in the function's
 * dead-letter queue).
 */
export const handler = eventHandler(
  {
    failed: 'scheduling or cancelling an offboarding failed',
    keys: (event: unknown) => {
      const e = (event ?? {}) as { tenantId?: unknown; detail?: { tenantId?: unknown } };
      const tenantId = e.tenantId ?? e.detail?.tenantId;
      const keys: Record<string, string> = {};
      if (typeof tenantId === 'string') keys.tenantId = tenantId.slice(0, 64);
      return keys;
    },
  },
  async (event: unknown) => {
    const now = new Date(clock.now());
    const command = offboardingCommandOf(event, now);
    const result = await runOffboardingCommand(
      {
        scheduler,
        registry,
        table: readEnv(RUNTIME_ENV.registryTable),
        target: {
          groupName: readEnv(SCHEDULE_ENV.groupName),
          stateMachineArn: readEnv(SCHEDULE_ENV.stateMachineArn),
          roleArn: readEnv(SCHEDULE_ENV.roleArn),
          deadLetterQueueArn: readEnv(SCHEDULE_ENV.deadLetterQueueArn),
        },
        now: () => new Date(clock.now()),
      },
      command,
    );
    logger.info('offboarding schedule request handled', { action: command.action, outcome: result.outcome });
    return result;
  },
);
