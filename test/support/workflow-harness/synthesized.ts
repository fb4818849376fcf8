/**
 * The provisioning workflow as `cdk synth` produces it: the state machine definition parsed from the synthesized
 * template's `DefinitionString` (never a hand-written copy), and for each Task state the Lambda function its
 * `${...FunctionArn}` placeholder is substituted with, with the memory size and environment the template gives it.
 *
 * @module
 */
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Construct } from 'constructs';
import { BILLING_EVENT_SOURCE } from '../../../lambdas/shared/contracts';
import type { TierCatalog } from '../../../lambdas/shared/tiers';
import { buildApp, cdkJsonContext } from '../../../lib/app-builder';
import type { CfnTemplate, DeploymentTarget, StackTemplate } from '../../../lib/local/workflows/stand-ins';
import { type TemplateFunction, type TemplateMachine, WorkflowTemplate } from '../../../lib/local/workflows/template';
import { RDS_CREATED_EVENT_PATTERN } from '../../../lib/triggers/event-patterns';
import { BUCKET_VARIABLE } from '../../../lib/workflow/rollout/definition';
import type { InputTransformer } from '../input-transformer';

/** Where the stand-ins of the synthesized stack live: the AWS double's defaults. */
export const DEPLOYMENT_TARGET: DeploymentTarget = {
  region: process.env.AWS_REGION ?? 'us-east-1',
  account: '123456789012',
};

type SynthesizedFunction = TemplateFunction;

/** One state machine of the stack: its definition, its ARN and the function behind each Task state. */
type SynthesizedMachine = Omit<TemplateMachine, 'logicalId'>;

export interface SynthesizedWorkflow extends SynthesizedMachine {
  /** The suspend/resume state machine. */
  suspension: SynthesizedMachine;
  /** The tier change state machine. */
  tierChange: SynthesizedMachine;
  /** The offboarding state machine. */
  offboarding: SynthesizedMachine;
  /** The function the RDS "DB instance created" rule invokes. */
  readinessFunction: SynthesizedFunction;
  /**
   * The application secret rotation function, found through the permission that lets Secrets Manager invoke it, with
   * its ARN (stand-in) as `RotateSecret` names it.
   */
  rotationFunction: SynthesizedFunction & { arn: string };
  /** The tier catalog the stack was built with (the validate step gets it inlined at bundling, not from the template). */
  catalog: TierCatalog;
  /** The input transformer of the rule that starts the workflow from billing events. */
  billingInput: InputTransformer;
  /** The schema rollout state machine (docs/schema-changes.md). */
  rollout: SynthesizedRollout;
}

/** The schema rollout workflow as the template defines it. */
interface SynthesizedRollout {
  /** Its definition, the bucket substitution applied (the function ARNs stay placeholders: Tasks map by name). */
  definition: StateMachineDefinition;
  stateMachineArn: string;
  /** The function behind each Task state, those inside the Distributed Map's ItemProcessor included. */
  taskFunctions: Record<string, SynthesizedFunction>;
  /** The manifest bucket's name (stand-in). */
  bucketName: string;
  /** The rollout table's name (stand-in). */
  tableName: string;
}

type Json = Record<string, unknown>;

function synthesize(): SynthesizedWorkflow {
  // `aws:cdk:bundling-stacks: []` skips esbuild (the code is run from source here); the built-in CloudFormation
  // validation plugin only adds a report and costs seconds of WebAssembly start-up.
  const app = new App({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  const platform = buildApp(app);
  const assembly = app.synth();
  const stacks: StackTemplate[] = [platform.foundation, platform.workflow].map((stack) => ({
    stackName: stack.stackName,
    template: assembly.getStackByName(stack.stackName).template as CfnTemplate,
  }));
  const template = new WorkflowTemplate(stacks, stacks[1] as StackTemplate, DEPLOYMENT_TARGET);
  const resolve = (value: unknown) => template.resolve(value);
  const machineOf = (stateMachine: Construct): SynthesizedMachine & { logicalId: string } =>
    template.stateMachine(Stack.of(stateMachine).getLogicalId(stateMachine.node.defaultChild as CfnElement));
  const { logicalId: machineId, definition, taskFunctions } = machineOf(platform.workflow.stateMachine);
  const { logicalId: _suspensionId, ...suspension } = machineOf(platform.workflow.suspension.stateMachine);
  const { logicalId: _tierChangeId, ...tierChange } = machineOf(platform.workflow.tierChange.stateMachine);
  const { logicalId: _offboardingId, ...offboarding } = machineOf(platform.workflow.offboarding.stateMachine);

  const readinessRule = template.resourcesOfType('AWS::Events::Rule').find(
    ([, rule]) =>
      JSON.stringify(rule.EventPattern) ===
      JSON.stringify({
        source: RDS_CREATED_EVENT_PATTERN.source,
        'detail-type': RDS_CREATED_EVENT_PATTERN.detailType,
        detail: RDS_CREATED_EVENT_PATTERN.detail,
      }),
  );
  if (!readinessRule) throw new Error('workflow harness: no rule for the RDS "DB instance created" event');
  const target = (readinessRule[1].Targets as { Arn: unknown }[] | undefined)?.[0];
  const readinessFunction = template.functionAt(target?.Arn, 'the target of the RDS event rule');

  const [rotationPermission, ...others] = template
    .resourcesOfType('AWS::Lambda::Permission')
    .filter(([, permission]) => permission.Principal === 'secretsmanager.amazonaws.com');
  if (!rotationPermission || others.length > 0) {
    throw new Error('workflow harness: expected one function that Secrets Manager may invoke (the rotation function)');
  }
  const rotationFunction = {
    ...template.functionAt(rotationPermission[1].FunctionName, 'the function Secrets Manager may invoke'),
    arn: resolve(rotationPermission[1].FunctionName),
  };

  const billingRule = template
    .resourcesOfType('AWS::Events::Rule')
    .find(([, rule]) =>
      ((rule.EventPattern as { source?: string[] } | undefined)?.source ?? []).includes(BILLING_EVENT_SOURCE),
    );
  const billingTarget = (billingRule?.[1].Targets as { Arn: unknown; InputTransformer?: InputTransformer }[])?.find(
    (t) => resolve(t.Arn) === resolve({ Ref: machineId }),
  );
  if (!billingTarget?.InputTransformer) throw new Error('workflow harness: no billing rule targets the state machine');

  const { logicalId: _rolloutId, ...rollout } = machineOf(platform.workflow.rollout.stateMachine);
  const rolloutSubstitutions = (template.workflow.template.Resources[_rolloutId]?.Properties?.DefinitionSubstitutions ??
    {}) as Json;
  const bucketName = resolve(rolloutSubstitutions[BUCKET_VARIABLE]);
  const rolloutTableId = Stack.of(platform.workflow.rollout.table).getLogicalId(
    platform.workflow.rollout.table.node.defaultChild as CfnElement,
  );

  return {
    rollout: {
      ...rollout,
      bucketName,
      tableName: resolve({ Ref: rolloutTableId }),
    },
    definition,
    stateMachineArn: resolve({ Ref: machineId }),
    taskFunctions,
    suspension,
    tierChange,
    offboarding,
    readinessFunction,
    rotationFunction,
    catalog: platform.config.tierCatalog,
    billingInput: billingTarget.InputTransformer,
  };
}

let cached: SynthesizedWorkflow | undefined;

/** The synthesized workflow; synthesized once per process (a few seconds), then cached. */
export function synthesizedWorkflow(): SynthesizedWorkflow {
  cached ??= synthesize();
  return cached;
}

/**
 * The state machine definition from the synthesized template's `DefinitionString`.
 *
 * @example
 * ```ts
 * const definition = synthesizedDefinition();
 * definition.States.WaitForInstance.Type; // 'Task'
 * ```
 */
export function synthesizedDefinition(): StateMachineDefinition {
  return synthesizedWorkflow().definition;
}
