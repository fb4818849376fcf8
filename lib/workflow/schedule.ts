import type { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/**
 * Invokes `fn` every `every` from an EventBridge schedule rule. No retries: a failed run is simply followed by the
 * next one, and the function's Errors metric shows it.
 */
export function runOnSchedule(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  schedule: { every: Duration; description: string },
): events.Rule {
  return new events.Rule(scope, id, {
    description: schedule.description,
    schedule: events.Schedule.rate(schedule.every),
    targets: [new targets.LambdaFunction(fn, { retryAttempts: 0 })],
  });
}
