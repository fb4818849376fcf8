import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { RDSServiceException } from '@aws-sdk/client-rds';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import type { AwsDouble } from '../../../../lib/local/aws';
import { serviceError } from '../../../../lib/local/aws/errors';
import {
  findLeaks,
  READINESS_LISTENER,
  type RunWorkflowOptions,
  type WorkflowRun,
} from '../../../support/workflow-harness';
import { isActivation } from './fault-matrix';
import { useWorkflow } from './fixtures';

/**
 * Secrets never travel: in every scenario below, no password the platform generated or stored (the application
 * password, the RDS-managed master password, every secret value) and no password of the PostgreSQL server appears
 * in any state input or output, the execution history, a published event, an SNS message or a log line.
 */

const workflow = useWorkflow();
const MINUTE = 60_000;

interface Scenario {
  tier: string;
  expected: WorkflowRun['status'];
  prepare?: (double: AwsDouble) => void;
  options?: Omit<RunWorkflowOptions, 'double' | 'database'>;
}

const denied = (base: Parameters<typeof serviceError>[0], action: string) =>
  serviceError(base, 'AccessDeniedException', `not authorized to perform: ${action}`);

const SCENARIOS: Record<string, Scenario> = {
  'a starter onboarding': { tier: 'starter', expected: 'SUCCEEDED' },
  'a pro onboarding with the RDS event': {
    tier: 'pro',
    expected: 'SUCCEEDED',
    options: { rdsEvent: { deliveryDelaySeconds: 2 } },
  },
  'an enterprise onboarding': { tier: 'enterprise', expected: 'SUCCEEDED' },
  'a crash after the secret was created': {
    tier: 'pro',
    expected: 'SUCCEEDED',
    prepare: (double) => double.faults.add({ service: 'secretsmanager', command: 'CreateSecret', kind: 'crashAfter' }),
  },
  'a throttled read of the secrets by the migrations': {
    tier: 'starter',
    expected: 'SUCCEEDED',
    prepare: (double) =>
      double.faults.add({ service: 'secretsmanager', command: 'GetSecretValue', kind: 'throttle', times: 2 }),
  },
  'a migration refused the secrets, rolled back': {
    tier: 'pro',
    expected: 'FAILED',
    prepare: (double) =>
      double.faults.add({
        service: 'secretsmanager',
        command: 'GetSecretValue',
        kind: 'error',
        error: denied(SecretsManagerServiceException, 'secretsmanager:GetSecretValue'),
      }),
  },
  'a failure at the very end, rolled back': {
    tier: 'enterprise',
    expected: 'FAILED',
    prepare: (double) =>
      double.faults.add({
        service: 'dynamodb',
        command: 'UpdateItem',
        match: isActivation,
        kind: 'error',
        error: denied(DynamoDBServiceException, 'dynamodb:UpdateItem'),
      }),
  },
  'a rollback that gives up and alerts on-call': {
    tier: 'pro',
    expected: 'FAILED',
    prepare: (double) => {
      Object.assign(double.rds.timings, { creationMs: 24 * 60 * MINUTE });
      double.faults.add({
        service: 'rds',
        command: 'DescribeDBInstances',
        kind: 'error',
        error: denied(RDSServiceException, 'rds:DescribeDBInstances'),
      });
    },
    options: { environment: { ROLLBACK_MAX_PASSES: '3' } },
  },
};

describe('the secret scan', () => {
  it.each(Object.entries(SCENARIOS))('finds no secret anywhere in %s', async (_name, scenario) => {
    // Prepare
    const double = workflow.double();
    scenario.prepare?.(double);

    // Act
    const run = await workflow.provision(`secret-scan-${scenario.tier}`, scenario.tier, scenario.options);

    // Assess: the scenario ran as intended and exposed plenty to scan
    expect(run.status).toBe(scenario.expected);
    expect(double.faults.pending()).toEqual([]);
    const steps = new Set(run.invocations.map((i) => i.name).filter((name) => name !== READINESS_LISTENER));
    const unlogged = [...steps].filter((step) => !run.logLines.some((line) => line.includes(step)));
    expect(unlogged).toEqual([]);
    const secrets = [...double.allSecretValues(), ...workflow.database().passwords];
    expect(secrets.length).toBeGreaterThanOrEqual(4);

    // Assess: none of it leaks
    expect(findLeaks([run], secrets)).toEqual([]);
  });

  it('would report a leak, where it is, without repeating the secret', async () => {
    // Prepare: a run whose logs contain the application password
    const double = workflow.double();
    const run = await workflow.provision('leaky', 'starter');
    const password = JSON.parse(
      double.secretsManager.currentValue(double.inventory().secrets[0]?.arn ?? '', double.region) ?? '{}',
    ).password as string;
    const leaky = { ...run, logLines: [...run.logLines, `connecting with ${password}`] };

    // Act
    const leaks = findLeaks([leaky], ['unrelated', password]);

    // Assess
    expect(leaks).toEqual([{ execution: run.executionName, where: `log line ${run.logLines.length}`, secretIndex: 1 }]);
    expect(JSON.stringify(leaks)).not.toContain(password);
  });
});
