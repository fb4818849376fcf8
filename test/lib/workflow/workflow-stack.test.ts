import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { INSTANCE_ID_PREFIX, MANAGED_BY, TAG_KEYS } from '../../../lambdas/shared/naming';
import { buildApp, cdkJsonContext } from '../../../lib/app-builder';
import { TASK_STEPS } from '../../../lib/workflow/provisioning/definition';
import { aslErrors } from '../../support/asl';

// One synthesized app for the file; bundling is skipped (these assertions read templates, not handler code).
const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
const { workflow } = buildApp(app);
const template = Template.fromStack(workflow);

/** Every IAM statement of the stack, from managed and inline policies. */
function statements(): { Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
  const policies = {
    ...template.findResources('AWS::IAM::ManagedPolicy'),
    ...template.findResources('AWS::IAM::Policy'),
  };
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('provisioning state machine', () => {
  it('is a Standard workflow logging everything to an encrypted log group, traced and encrypted', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      EncryptionConfiguration: Match.objectLike({ Type: 'CUSTOMER_MANAGED_KMS_KEY' }),
    });
  });

  it('holds valid Amazon States Language once its function ARNs are substituted', () => {
    for (const machine of Object.values(template.findResources('AWS::StepFunctions::StateMachine'))) {
      expect(aslErrors(JSON.parse(machine.Properties.DefinitionString))).toBe('');
    }
  });

  it('holds the definition as one JSON string with an execution timeout and a function per task', () => {
    // Act
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).find(
      (m) => m.Properties.StateMachineName === 'tenant-db-workflow-provisioning',
    );
    const definition = JSON.parse(machine?.Properties.DefinitionString) as { TimeoutSeconds: number; States: object };
    // Assess
    expect(definition.TimeoutSeconds).toBe(300 * 60);
    expect(Object.keys(definition.States)).toEqual(expect.arrayContaining([...TASK_STEPS]));
    expect(Object.keys(machine?.Properties.DefinitionSubstitutions)).toHaveLength(TASK_STEPS.length);
  });
});

describe('step functions', () => {
  it('run Node.js 24 on arm64 with active tracing and JSON logs', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(TASK_STEPS.length);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: expect.objectContaining({ LogFormat: 'JSON' }),
      });
    }
  });

  it('log to KMS-encrypted groups with the configured retention', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
  });

  it('run only the functions that connect to tenant databases inside the VPC, with a long timeout for the long poll', () => {
    const inVpc = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([, fn]) => fn.Properties.VpcConfig !== undefined,
    );
    expect(inVpc.map(([id]) => id).sort()).toEqual([
      expect.stringMatching(/^AppSecretRotationFunction/),
      // The schema rollout's per-tenant migration.
      expect.stringMatching(/^MigrateTenantFunction/),
      // Offboarding cuts the application off before the final snapshot.
      expect.stringMatching(/^OffboardingSetAppLoginFunction/),
      expect.stringMatching(/^RunMigrationsFunction/),
      expect.stringMatching(/^SuspensionSetAppLoginFunction/),
    ]);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.rds'], detail: { EventID: ['RDS-EVENT-0154', 'RDS-EVENT-0088'] } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Waits until'),
      Timeout: 900,
    });
  });

  it('never carry a secret in their environment', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const names = Object.keys(fn.Properties.Environment?.Variables ?? {});
      expect(names.filter((n) => /PASSWORD|SECRET_VALUE/i.test(n))).toEqual([]);
    }
  });
});

describe('least privilege', () => {
  it.each([
    ['rds:DeleteDBInstance'],
    ['rds:ModifyDBInstance'],
    ['secretsmanager:DeleteSecret'],
    ['cloudwatch:DeleteAlarms'],
  ])('%s is limited by resource prefix and the managed-by tag', (action) => {
    // Act
    const granting = statements().filter((s) => [s.Action].flat().includes(action));
    // Assess
    expect(granting.length).toBeGreaterThan(0);
    for (const statement of granting) {
      expect(statement.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${TAG_KEYS.managedBy}`]: MANAGED_BY } });
      expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"/);
    }
  });

  it('CreateDBInstance on tenant instances requires the managed-by tag in the request', () => {
    const creating = statements().filter(
      (s) =>
        [s.Action].flat().includes('rds:CreateDBInstance') &&
        JSON.stringify(s.Resource).includes(`db:${INSTANCE_ID_PREFIX}*`),
    );
    expect(creating).toHaveLength(1);
    expect(creating[0]?.Condition).toEqual({ StringEquals: { [`aws:RequestTag/${TAG_KEYS.managedBy}`]: MANAGED_BY } });
  });

  it('no statement allows every action', () => {
    for (const statement of statements()) expect([statement.Action].flat()).not.toContain('*');
  });

  it('function roles use customer-managed policies, not AWSLambdaBasicExecutionRole', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(JSON.stringify(roles)).not.toContain('AWSLambdaBasicExecutionRole');
  });
});

describe('tenant registry', () => {
  it('is encrypted with the platform key, point-in-time recoverable, protected and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() }),
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byStatus' })],
      }),
    });
  });
});

describe('triggers', () => {
  it('billing events start the workflow through the contract input transformer, with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['saas.billing'] }),
      Targets: [
        Match.objectLike({
          InputTransformer: Match.objectLike({ InputTemplate: Match.stringLikeRegexp('"requestId": <eventId>') }),
          DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
  });

  it('every queue (billing dead letters, rejected billing events, reaper and scheduling dead letters) is KMS-encrypted and TLS-only', () => {
    template.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::SQS::Queue', 8);
    template.resourceCountIs('AWS::SQS::QueuePolicy', 8);
  });

  it('executions that end TIMED_OUT, ABORTED or FAILED reach the execution reaper', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: Match.objectLike({ status: ['TIMED_OUT', 'ABORTED', 'FAILED'] }),
      }),
      Targets: [Match.objectLike({ RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }) })],
    });
  });

  it('suspension, tier change and offboarding executions that end TIMED_OUT, ABORTED or FAILED reach the lifecycle reaper', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern?.source?.[0] === 'aws.states',
    );
    // One rule per lifecycle workflow, each filtered on its own state machine, and provisioning's execution reaper.
    expect(rules).toHaveLength(4);
    const machines = JSON.stringify(rules.map((r) => r.Properties.EventPattern.detail.stateMachineArn));
    expect(machines).toMatch(/Suspension/);
    expect(machines).toMatch(/TierChange/);
    expect(machines).toMatch(/Offboarding/);
    expect(machines).toMatch(/Provisioning/);
  });

  it('RDS "DB instance created" events reach the readiness listener', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.rds'] }),
    });
  });
});

describe('observability', () => {
  it.each([
    'ExecutionsFailed',
    'ExecutionsTimedOut',
    'ExecutionThrottled',
    'ExecutionsAborted',
    'RollbackFailed',
    'ApproximateNumberOfMessagesVisible',
  ])('alarms on %s and notifies the alert topic', (metric) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metric,
      AlarmActions: [Match.anyValue()],
      Threshold: 1,
    });
  });

  it('has one dashboard with executions, duration by tier, failures per step and tenants by status', () => {
    // Act
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    // Assess
    for (const title of [
      'Executions by status',
      'Provisioning duration by tier',
      'Failures per step',
      'Tenants by registry status',
    ]) {
      expect(body).toContain(title);
    }
    for (const metric of ['ProvisioningDuration', 'ProvisioningFailed', 'TenantsByStatus'])
      expect(body).toContain(metric);
  });

  it('outputs what tenantctl and operators need', () => {
    for (const output of [
      'StateMachineArn',
      'RegistryTableName',
      'EventBusName',
      'BillingEventBusName',
      'AppSecretRotationFunctionArn',
      'OffboardingStateMachineArn',
    ]) {
      template.hasOutput(output, {});
    }
  });

  it('invokes each task function of both workflows, and the rotation function, without version wildcards', () => {
    const invoke = statements().filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    // Provisioning's tasks, EnableRotation's rotation function, the schema rollout's, the suspension's, the tier
    // change's and the offboarding's tasks, and ApplyFollowUps's rotation function (RotateSecret invokes it).
    expect(invoke).toHaveLength(7);
    for (const statement of invoke) expect(JSON.stringify(statement.Resource)).not.toContain(':*');
  });
});

describe('review fixes', () => {
  it('names the state machine so its role can use the platform key for exactly this state machine', () => {
    // Act
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).find(
      (m) => m.Properties.StateMachineName === 'tenant-db-workflow-provisioning',
    );
    const kms = statements().filter((s) => JSON.stringify(s.Condition ?? {}).includes('aws:states:stateMachineArn'));
    // Assess: each state machine's role may use the key for that state machine only
    expect(machine?.Properties.StateMachineName).toBe('tenant-db-workflow-provisioning');
    expect(kms.length).toBeGreaterThan(0);
    // Each state machine's role may use the key for its own state machine only.
    for (const statement of kms) {
      expect(JSON.stringify(statement.Condition)).toMatch(
        /stateMachine:tenant-db-workflow-(provisioning|schema-rollout|suspension|tier-change|offboarding)"/,
      );
    }
    expect(
      kms.filter((s) => JSON.stringify(s.Condition).includes('tenant-db-workflow-provisioning"')).length,
    ).toBeGreaterThan(0);
  });

  it('lets the billing rule use the platform key when it starts an execution', () => {
    // Act
    const [rule] = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern?.source?.includes('saas.billing') && r.Properties.Targets[0].InputTransformer,
    );
    const roleId = rule?.Properties.Targets[0].RoleArn['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(roleId),
    );
    const actions = policies.flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string[] }) => s.Action),
    );
    // Assess
    expect(actions).toEqual(expect.arrayContaining(['states:StartExecution', 'kms:GenerateDataKey', 'kms:Decrypt']));
  });

  it('authorizes DescribeSecret by name too, so a secret that does not exist yet answers ResourceNotFound', () => {
    const describe = statements().filter((s) => [s.Action].flat().includes('secretsmanager:DescribeSecret'));
    expect(describe.length).toBeGreaterThan(0);
    for (const statement of describe) expect(JSON.stringify(statement.Resource)).toContain('saas/tenant/*/app"');
  });

  it("lets CreateInstance create the instance's log groups, with the platform's retention", () => {
    // Act
    const creating = statements().filter((s) => [s.Action].flat().includes('logs:CreateLogGroup'));
    // Assess
    expect(creating).toHaveLength(1);
    expect(JSON.stringify(creating[0]?.Resource)).toContain('log-group:/aws/rds/instance/tenant-*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Creates the tenant RDS'),
      Environment: { Variables: Match.objectLike({ TENANT_LOG_RETENTION_DAYS: '365' }) },
    });
  });

  it('accepts rejected billing events only from its own rule', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:SendMessage',
            Condition: { ArnNotEquals: Match.anyValue() },
          }),
        ]),
      },
    });
  });

  it('gives every task more time than its function, so a function timeout is retried', () => {
    // Act
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).find(
      (m) => m.Properties.StateMachineName === 'tenant-db-workflow-provisioning',
    );
    const states = JSON.parse(machine?.Properties.DefinitionString).States as Record<
      string,
      { TimeoutSeconds?: number }
    >;
    const timeouts = Object.fromEntries(
      Object.entries(template.findResources('AWS::Lambda::Function')).map(([id, fn]) => [id, fn.Properties.Timeout]),
    );
    // Assess
    for (const [name, variable] of Object.entries(machine?.Properties.DefinitionSubstitutions ?? {})) {
      const functionId = (variable as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const state = name.replace(/FunctionArn$/, '');
      expect(states[state]?.TimeoutSeconds).toBe((timeouts[functionId] as number) + 30);
    }
  });
});

describe('invariant guards', () => {
  const actionsOf = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

  it('allows kms:CreateGrant only for AWS resources', () => {
    // Act
    const grants = statements().filter((s) => actionsOf(s).includes('kms:CreateGrant'));
    // Assess: CreateInstance's and ConfigureBackups' (source key and backup-Region keys, possibly merged)
    expect(grants.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(grants.map((g) => g.Resource))).toContain(':kms:us-west-2:');
    for (const grant of grants) {
      expect(grant.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    }
  });

  it('lets RunMigrations and SetAppLogin read RDS-managed master secrets only of tenant instances, by the tag RDS sets', () => {
    // Act
    const reads = statements().filter(
      (s) => actionsOf(s).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource).includes('rds!db-'),
    );
    // Assess: RunMigrations, the schema rollout's MigrateTenant, the suspension's and the offboarding's SetAppLogin,
    // all under the tag condition
    expect(reads).toHaveLength(4);
    for (const read of reads) {
      expect(JSON.stringify(read.Condition)).toContain('secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn');
      expect(JSON.stringify(read.Condition)).toContain(`:db:${INSTANCE_ID_PREFIX}*`);
    }
  });

  it('lets the suspension stop and start only instances tagged as managed by the platform', () => {
    // Act
    const power = statements().filter((s) =>
      actionsOf(s).some((a) => a === 'rds:StopDBInstance' || a === 'rds:StartDBInstance'),
    );
    // Assess
    // The suspension's SetInstancePower, the listener that keeps suspended instances stopped, and the offboarding's
    // start of a suspended instance (start only).
    expect(power).toHaveLength(3);
    for (const statement of power) {
      expect(statement.Condition).toEqual({
        StringEquals: { 'aws:ResourceTag/tenant-db:managed-by': 'tenant-db-platform' },
      });
      expect(JSON.stringify(statement.Resource)).toContain(`:db:${INSTANCE_ID_PREFIX}*`);
    }
  });

  it('gives the tier change its own state machine, and modifies only instances tagged as managed by the platform', () => {
    // Act
    const modify = statements().filter((s) => actionsOf(s).includes('rds:ModifyDBInstance'));
    // Assess: ConfigureBackups, WaitForInstance (a restore's settings) and Rollback of provisioning, ApplyTierChange,
    // and offboarding's DeleteInstance, all under the managed-by tag
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'tenant-db-workflow-tier-change',
    });
    expect(modify).toHaveLength(5);
    for (const statement of modify) {
      expect(statement.Condition).toEqual({
        StringEquals: { 'aws:ResourceTag/tenant-db:managed-by': 'tenant-db-platform' },
      });
    }
    template.hasOutput('TierChangeStateMachineArn', {});
  });

  it('lets ConfigureAlarms check that the alert topic exists', () => {
    expect(statements().some((s) => actionsOf(s).includes('sns:GetTopicAttributes'))).toBe(true);
  });

  it('gives the rollback a read of the registry (the point of no return) and no write', () => {
    // Act
    const rollbackPolicies = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')).filter(([id]) =>
      id.startsWith('RollbackFunction'),
    );
    const actions = rollbackPolicies.flatMap(([, p]) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap(actionsOf),
    );
    // Assess
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete)/.test(a))).toEqual([]);
  });

  it('sends reaper events it cannot handle to an encrypted dead-letter queue, from the rule and from Lambda', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.states'] }),
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() } })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Records executions that ended'),
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
  });

  it('runs the sweeper on a schedule, allowed to describe only provisioning executions', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
    // The schema rollout's own Distributed Map children aside (see the rollout's stack test).
    const describes = statements().filter(
      (s) =>
        actionsOf(s).includes('states:DescribeExecution') && !JSON.stringify(s.Resource).includes('schema-rollout'),
    );
    expect(describes).toHaveLength(1);
    expect(JSON.stringify(describes[0]?.Resource)).toContain(':execution:tenant-db-workflow-provisioning:*');
  });

  it.each([
    ['suspension', 'tenant-db-workflow-suspension'],
    ['schema rollout', 'tenant-db-workflow-schema-rollout'],
  ])('alarms when a %s execution fails, times out or is aborted', (_name, stateMachineName) => {
    // Prepare: the state machine's logical id, which its alarms' dimension references.
    const [logicalId] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).find(
      ([, sm]) => sm.Properties.StateMachineName === stateMachineName,
    ) ?? [undefined];

    // Act
    const metrics = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .filter((a) => JSON.stringify(a.Properties.Dimensions ?? []).includes(`"Ref":"${logicalId}"`))
      .map((a) => [a.Properties.MetricName, a.Properties.AlarmActions?.length]);

    // Assess
    expect(logicalId).toBeDefined();
    expect(metrics.sort()).toEqual([
      ['ExecutionsAborted', 1],
      ['ExecutionsFailed', 1],
      ['ExecutionsTimedOut', 1],
    ]);
  });

  it('alarms on errors of the reaper, the sweeper and the retention purge', () => {
    // Act
    const errorAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'Errors' && a.Properties.Namespace === 'AWS/Lambda',
    );
    // Assess
    expect(errorAlarms).toHaveLength(3);
  });
});

describe('shared instance status poller', () => {
  it('describes every instance being created once a minute, with a read-only grant', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Describes every instance being created'),
    });
  });
});

describe('offboarding', () => {
  const managed = { StringEquals: { [`aws:ResourceTag/${TAG_KEYS.managedBy}`]: MANAGED_BY } };
  const tagged = { StringEquals: { [`aws:RequestTag/${TAG_KEYS.managedBy}`]: MANAGED_BY } };

  it('is a Standard state machine named for tenantctl, schedules and billing rules, with its ARN as an output', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'tenant-db-workflow-offboarding',
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    template.hasOutput('OffboardingStateMachineArn', {});
  });

  it.each<[string, string, 'db' | 'snapshot', Record<string, unknown>]>([
    ['snapshots only instances the platform manages', 'rds:CreateDBSnapshot', 'db', managed],
    ['tags every snapshot it creates as platform-managed', 'rds:CreateDBSnapshot', 'snapshot', tagged],
    ['tags every snapshot it copies as platform-managed', 'rds:CopyDBSnapshot', 'snapshot', tagged],
    ['deletes only instances the platform manages', 'rds:DeleteDBInstance', 'db', managed],
  ])('%s', (_why, action, resource, condition) => {
    // Act
    const granted = statements().filter(
      (s) => [s.Action].flat().includes(action) && JSON.stringify(s.Resource).includes(`:${resource}:`),
    );
    // Assess: every grant of the action on that resource type carries the condition, on tenant-prefixed names only
    expect(granted.length).toBeGreaterThan(0);
    for (const statement of granted) {
      expect(statement.Condition).toEqual(condition);
      expect(JSON.stringify(statement.Resource)).toContain(`:${resource}:tenant-*`);
    }
  });

  it('leaves deleting snapshots to the retention purge alone, on platform-managed snapshots only', () => {
    // Assess: the final snapshot is taken and confirmed before DeleteDBInstance; only the purge deletes snapshots
    const deletes = statements().filter((s) => [s.Action].flat().includes('rds:DeleteDBSnapshot'));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/tenant-db:managed-by': 'tenant-db-platform' },
    });
  });

  it('alarms when an offboarding execution fails or times out', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        AlarmDescription: Match.stringLikeRegexp('offboarding'),
        AlarmActions: [Match.anyValue()],
      });
    }
  });
});
