/**
 * The scheduling function's settings, read by the stack as well as the handler (nothing here loads the AWS SDK).
 *
 * @module
 */
import { requiredText } from '../shared/config';

/** Where offboarding schedules go and what they start. */
export const SCHEDULE_ENV = {
  groupName: requiredText('OFFBOARDING_SCHEDULE_GROUP'),
  stateMachineArn: requiredText('OFFBOARDING_STATE_MACHINE_ARN'),
  roleArn: requiredText('OFFBOARDING_SCHEDULER_ROLE_ARN'),
  deadLetterQueueArn: requiredText('OFFBOARDING_SCHEDULE_DLQ_ARN'),
} as const;
