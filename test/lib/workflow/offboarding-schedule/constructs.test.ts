import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { buildApp, cdkJsonContext } from '../../../../lib/app-builder';
import { NAG_PACKS, type NagPackName } from '../../../../lib/nag';
import {
  BILLING_OFFBOARDING_PATTERN,
  REJECTED_BILLING_OFFBOARDING_PATTERN,
} from '../../../../lib/triggers/event-patterns';
import type { PlatformResources } from '../../../../lib/workflow/handler-spec';
import { OffboardingSchedule } from '../../../../lib/workflow/offboarding-schedule/offboarding-schedule';
import { RetentionPurge } from '../../../../lib/workflow/offboarding-schedule/retention-purge';
import { TenantResourceArns } from '../../../../lib/workflow/permissions';
import { matchesEventPattern } from '../../../support/event-pattern';
import { REPOSITORY_ROOT } from '../../../support/paths';

// The constructs on the platform app's foundation and registry, with a stand-in for the offboarding workflow (the
// stack wires the real one). Bundling is skipped: the assertions read templates.
const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
const { foundation, workflow } = buildApp(app);
const stack = new Stack(app, 'OffboardingScheduleTest');
const platform: PlatformResources = {
  stack,
  foundation,
  key: foundation.platformKey,
  table: workflow.registry.table,
  eventBus: workflow.eventBus,
  arns: new TenantResourceArns(stack, 'saas/tenant/{tenantId}/app'),
  secretNamePattern: 'saas/tenant/{tenantId}/app',
  backupRegion: 'us-west-2',
  catalog: {},
  parameterGroupNames: {},
  logRetention: logs.RetentionDays.ONE_YEAR,
};
const standIn = sfn.StateMachine.fromStateMachineName(stack, 'OffboardingStandIn', 'tenant-db-workflow-offboarding');
const scheduling = new OffboardingSchedule(stack, 'OffboardingSchedule', {
  platform,
  offboardingStateMachine: standIn,
  scheduleGroupName: 'tenant-db-offboarding',
  billingBus: workflow.eventBus,
  billingDeadLetterQueue: sqs.Queue.fromQueueArn(stack, 'BillingDlq', 'arn:aws:sqs:us-east-1:123456789012:billing-dlq'),
});
new RetentionPurge(stack, 'RetentionPurge', { platform, schedule: events.Schedule.cron({ hour: '3', minute: '17' }) });
const template = Template.fromStack(stack);

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The statements of the managed policy attached to the role whose logical id starts with `rolePrefix`. */
function policyStatementsOf(rolePrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::ManagedPolicy');
  const policy = Object.values(policies).find((p) => JSON.stringify(p.Properties.Roles).includes(rolePrefix));
  return (policy?.Properties.PolicyDocument.Statement ?? []) as Statement[];
}

const FIXTURES = join(REPOSITORY_ROOT, 'test', 'fixtures', 'billing-offboarding-events');
const fixtures = (kind: 'valid' | 'invalid') =>
  readdirSync(join(FIXTURES, kind)).map(
    (file) => [file, JSON.parse(readFileSync(join(FIXTURES, kind, file), 'utf8'))] as const,
  );

describe('OffboardingSchedule', () => {
  it('creates the schedule group', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'tenant-db-offboarding' });
  });

  it('lets only Scheduler, for this account and group, assume the scheduler role', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': Match.anyValue() },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ],
      },
    });
  });

  it('grants the function the group schedules named offboard-* and passing only the scheduler role', () => {
    // Prepare
    const statements = policyStatementsOf('OffboardingScheduleFunctionRole');

    // Assess
    const scheduling = statements.find((st) => JSON.stringify(st.Action).includes('scheduler:CreateSchedule'));
    expect(scheduling?.Action).toEqual([
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:GetSchedule',
      'scheduler:UpdateSchedule',
    ]);
    expect(JSON.stringify(scheduling?.Resource)).toContain(':schedule/tenant-db-offboarding/offboard-*');
    const passRole = statements.find((st) => st.Action === 'iam:PassRole');
    expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
    expect(JSON.stringify(passRole?.Resource)).toMatch(/OffboardingScheduleSchedulerRole/);
  });

  it('hands billing offboarding events to the function with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: BILLING_OFFBOARDING_PATTERN,
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: REJECTED_BILLING_OFFBOARDING_PATTERN });
    expect(scheduling.queues).toHaveLength(3);
  });

  it.each(fixtures('valid'))('%s reaches the function and is not rejected', (_file, event) => {
    expect(matchesEventPattern(BILLING_OFFBOARDING_PATTERN, event)).toBe(true);
    expect(matchesEventPattern(REJECTED_BILLING_OFFBOARDING_PATTERN, event)).toBe(false);
  });

  it.each(fixtures('invalid'))('%s lands in the rejected-events queue only', (_file, event) => {
    expect(matchesEventPattern(BILLING_OFFBOARDING_PATTERN, event)).toBe(false);
    expect(matchesEventPattern(REJECTED_BILLING_OFFBOARDING_PATTERN, event)).toBe(true);
  });
});

describe('RetentionPurge', () => {
  it('runs daily at 03:17 UTC', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(17 3 * * ? *)' });
  });

  it('deletes snapshots only with the platform managed-by tag, in the tenant and backup Regions', () => {
    // Prepare
    const statements = policyStatementsOf('RetentionPurgeFunctionRole');

    // Assess
    const deletion = statements.find((st) => st.Action === 'rds:DeleteDBSnapshot');
    expect(deletion?.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/tenant-db:managed-by': 'tenant-db-platform' },
    });
    expect(JSON.stringify(deletion?.Resource)).toContain(':rds:us-west-2:');
    expect(statements.some((st) => JSON.stringify(st.Action).includes('rds:DeleteDBInstance"'))).toBe(false);
  });

  it('alarms on failed tenants, foreign resources and function errors', () => {
    for (const metric of ['RetentionPurgeFailed', 'RetentionPurgeForeignResource', 'Errors']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metric, Threshold: 1 });
    }
  });
});

describe('cdk-nag on the scheduling and purge constructs', () => {
  app.synth();
  it.each(Object.keys(NAG_PACKS) as NagPackName[])('%s: no unacknowledged finding', (pack) => {
    // Act
    const report = new NAG_PACKS[pack]().validateScope(stack);

    // Assess
    const findings = report.violations.flatMap((v) =>
      v.violatingResources
        .filter((r) => /OffboardingSchedule|RetentionPurge/.test(r.constructPath ?? ''))
        .map((r) => `${v.ruleName} on ${r.constructPath}: ${v.description}`),
    );
    expect(findings).toEqual([]);
  });
});
