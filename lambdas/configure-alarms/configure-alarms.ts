/**
 * ConfigureAlarms: puts the tenant's alarms. PutMetricAlarm overwrites an alarm of the same name, which makes a
 * retry harmless, but would also silently take over another execution's alarm; so existing alarms are checked
 * for this execution's tags first.
 *
 * @module
 */
import { type CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { GetTopicAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import { buildAlarmRequests } from '../shared/alarm-requests';
import { type ExistingAlarm, existingAlarms } from '../shared/alarms';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import type { AlarmsResult, WorkflowState } from '../shared/contracts';
import { awsErrorName, ConfigurationError, OwnershipConflictError, ValidationError } from '../shared/errors';
import { alarmNames, isOwnedBy, MANAGED_BY, type OwnerContext, TAG_KEYS, tagValue } from '../shared/naming';
import { logger } from '../shared/runtime';

/** Why the existing alarms may not be overwritten, or undefined when all of them belong to this execution. */
export function alarmOwnershipConflict(existing: readonly ExistingAlarm[], owner: OwnerContext): string | undefined {
  const foreign = existing.find((alarm) => !isOwnedBy(alarm.tags, owner));
  if (!foreign) return undefined;
  const whose =
    tagValue(foreign.tags, TAG_KEYS.managedBy) === MANAGED_BY
      ? `belongs to execution ${tagValue(foreign.tags, TAG_KEYS.executionArn) ?? '(untagged)'}`
      : 'was not created by the tenant database platform';
  return `alarm ${foreign.name} already exists and ${whose}`;
}

/**
 * A standard SNS topic ARN (SNS API reference, topic names: 1-256 letters, digits, hyphens and underscores). FIFO
 * topics are refused: CloudWatch alarm actions publish to standard topics only.
 */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** Why `arn` cannot be an alarm action, or undefined when its shape is right. Pure. */
export function alertTopicArnProblem(arn: string): string | undefined {
  if (TOPIC_ARN.test(arn)) return undefined;
  return `${RUNTIME_ENV.alertTopicArn.name} must be the ARN of a standard SNS topic (arn:<partition>:sns:<region>:<account>:<name>); got ${JSON.stringify(arn.slice(0, 300))}`;
}

/**
 * Fails unless the alert topic exists: alarms pointing at a deleted or mistyped topic would leave an ACTIVE tenant
 * that notifies nobody. Checked before any alarm is put.
 */
async function assertAlertTopic(sns: SNSClient, topicArn: string): Promise<void> {
  const problem = alertTopicArnProblem(topicArn);
  if (problem) throw new ConfigurationError(problem);
  try {
    await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
  } catch (error) {
    if (awsErrorName(error) === 'NotFoundException') {
      throw new ConfigurationError(
        `alert topic ${topicArn} does not exist: the tenant's alarms would notify nobody; redeploy the foundation stack or fix ${RUNTIME_ENV.alertTopicArn.name}`,
      );
    }
    throw error;
  }
}

export interface AlarmClients {
  cloudwatch: CloudWatchClient;
  sns: SNSClient;
}

export async function configureAlarms(clients: AlarmClients, state: WorkflowState): Promise<AlarmsResult> {
  const { tenantId, tier, executionArn, tierDefinition } = state.request;
  const owner = { tenantId, tier, executionArn };
  const topicArn = readEnv(RUNTIME_ENV.alertTopicArn);
  if (!state.instance) throw new ValidationError('instance', 'must hold the CreateInstance result');
  await assertAlertTopic(clients.sns, topicArn);
  const names = alarmNames(tenantId);

  const conflict = alarmOwnershipConflict(await existingAlarms(clients.cloudwatch, names), owner);
  if (conflict) throw new OwnershipConflictError(conflict);

  for (const request of buildAlarmRequests(tenantId, state.instance.instanceId, tierDefinition, topicArn, owner)) {
    await clients.cloudwatch.send(new PutMetricAlarmCommand(request));
  }
  logger.info('alarms configured', { alarmNames: names });
  return { alarmNames: names };
}
