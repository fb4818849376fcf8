import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { STEPS, type WorkflowState } from '../shared/contracts';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { configureAlarms } from './configure-alarms';

const cloudwatch = traced(new CloudWatchClient(CLIENT_CONFIG));
const sns = traced(new SNSClient(CLIENT_CONFIG));

/** ConfigureAlarms: the tenant's CloudWatch alarms, notifying the platform alert topic. */
export const handler = stepHandler(STEPS.configureAlarms, async (state: WorkflowState) =>
  configureAlarms({ cloudwatch, sns }, state),
);
