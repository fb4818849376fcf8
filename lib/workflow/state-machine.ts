import { Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { StateMachineDefinition } from './asl';
import type { HandlerFunction } from './handler-function';
import { addHandler, type StepSpec, type WorkflowResources } from './handler-spec';
import { allow } from './permissions';
import { functionArnVariable } from './tasks';

export interface WorkflowProps<S extends string> {
  /** The workflow's steps, one record each; each becomes the function `<step>Function`. */
  readonly steps: Readonly<Record<S, StepSpec>>;
  /** The Task graph, whose resources are the steps' `${<step>FunctionArn}` placeholders. */
  readonly definition: StateMachineDefinition;
  /**
   * The state machine's name: fixed, because policies (the key's, the sweeper's) name its ARN at synth time.
   */
  readonly stateMachineName: string;
  /** Construct id of the state machine. */
  readonly stateMachineId: string;
  /** Construct id of its execution log group. */
  readonly logGroupId: string;
  readonly platform: WorkflowResources;
  /** Further `DefinitionSubstitutions` (a bucket name the definition names, say). @default - none */
  readonly substitutions?: Readonly<Record<string, string>>;
}

export interface Workflow<S extends string> {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: Readonly<Record<S, HandlerFunction>>;
}

/**
 * A Standard state machine assembled from step records and a Task graph: one function per step, the definition with
 * its function ARNs substituted, execution logs (everything, encrypted) and tracing, and an execution role that may
 * invoke exactly those functions. Everything is created directly in `scope`, so each workflow's construct paths
 * (and logical IDs) stay those of its first deployment.
 */
export function addWorkflow<S extends string>(scope: Construct, props: WorkflowProps<S>): Workflow<S> {
  const { platform } = props;
  const entries = Object.entries(props.steps) as [S, StepSpec][];
  const functions = Object.fromEntries(
    entries.map(([step, spec]) => [step, addHandler(scope, `${step}Function`, spec, platform)]),
  ) as Record<S, HandlerFunction>;

  const executionLogs = new logs.LogGroup(scope, props.logGroupId, {
    encryptionKey: platform.key,
    retention: platform.logRetention,
  });
  const stateMachine = new sfn.StateMachine(scope, props.stateMachineId, {
    stateMachineName: props.stateMachineName,
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(props.definition)),
    definitionSubstitutions: {
      ...props.substitutions,
      ...Object.fromEntries(entries.map(([step]) => [functionArnVariable(step), functions[step].functionArn])),
    },
    tracingEnabled: true,
    logs: { destination: executionLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
    encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(platform.key),
  });
  // Unqualified function ARNs only: the definition never invokes versions or aliases.
  stateMachine.addToRolePolicy(
    allow(
      ['lambda:InvokeFunction'],
      entries.map(([step]) => functions[step].functionArn),
    ),
  );
  Validations.of(stateMachine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray tracing and CloudWatch Logs vended log delivery actions accept no resource ARN (Step Functions documents "*" for them).',
  });
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
    Validations.of(stateMachine).acknowledge({
      id: `${pack}-IAMNoInlinePolicy`,
      reason:
        'The execution role and the EventBridge role are created for this one state machine; their inline policies cannot be attached anywhere else and hold only invoke, logging, tracing and KMS grants.',
    });
  }
  return { stateMachine, functions };
}
