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
import { RDS_CREATED_EVENT_PATTERN } from '../../../lib/triggers/event-patterns';
import { BUCKET_VARIABLE } from '../../../lib/workflow/rollout/definition';
import type { InputTransformer } from '../input-transformer';
import { type CfnTemplate, type DeploymentTarget, resolveIntrinsics, type StackTemplate } from './stand-ins';

/** Where the stand-ins of the synthesized stack live: the AWS double's defaults. */
export const DEPLOYMENT_TARGET: DeploymentTarget = {
  region: process.env.AWS_REGION ?? 'us-east-1',
  account: '123456789012',
};

/** A Lambda function of the workflow stack, as the template defines it. */
interface SynthesizedFunction {
  logicalId: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Its environment variables, intrinsics replaced by stand-ins (see stand-ins.ts). */
  environment: Record<string, string>;
}

/** One state machine of the stack: its definition, its ARN and the function behind each Task state. */
interface SynthesizedMachine {
  definition: StateMachineDefinition;
  /** The state machine's ARN (stand-in); executions are named under it. */
  stateMachineArn: string;
  /** The function behind each Task state, found through its Resource placeholder and `DefinitionSubstitutions`. */
  taskFunctions: Record<string, SynthesizedFunction>;
}

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

/** Task states of a definition and of the ItemProcessors of its Map states, by name. */
function taskStatesOf(states: Record<string, unknown>): [string, { Resource: string }][] {
  return Object.entries(states).flatMap(([name, state]) => {
    const s = state as { Type?: string; Resource?: string; ItemProcessor?: { States: Record<string, unknown> } };
    if (s.Type === 'Task') return [[name, { Resource: s.Resource ?? '' }] as [string, { Resource: string }]];
    if (s.Type === 'Map' && s.ItemProcessor) return taskStatesOf(s.ItemProcessor.States);
    return [];
  });
}

type Json = Record<string, unknown>;

function resourcesOfType(template: CfnTemplate, type: string): [string, Json][] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}

/** The logical id an `{ "Fn::GetAtt": [id, "Arn"] }` points at. */
function getAttTarget(value: unknown, what: string): string {
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  if (getAtt?.[1] !== 'Arn') throw new Error(`workflow harness: ${what} is not a function ARN reference`);
  return getAtt[0];
}

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
  const workflow = stacks[1] as StackTemplate;
  const resources = workflow.template.Resources;
  const resolve = (value: unknown) => resolveIntrinsics(value, workflow, stacks, DEPLOYMENT_TARGET);

  const lambdaFunction = (logicalId: string): SynthesizedFunction => {
    const resource = resources[logicalId];
    if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`workflow harness: ${logicalId} is no function`);
    const properties = resource.Properties ?? {};
    const variables = ((properties.Environment as Json | undefined)?.Variables ?? {}) as Json;
    return {
      logicalId,
      memoryMb: Number(properties.MemorySize ?? 128),
      timeoutSeconds: Number(properties.Timeout ?? 3),
      environment: Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, resolve(value)])),
    };
  };

  const machineOf = (stateMachine: Construct): SynthesizedMachine & { logicalId: string } => {
    const logicalId = Stack.of(stateMachine).getLogicalId(stateMachine.node.defaultChild as CfnElement);
    const machine = resources[logicalId]?.Properties ?? {};
    const definition = JSON.parse(machine.DefinitionString as string) as StateMachineDefinition;
    const substitutions = (machine.DefinitionSubstitutions ?? {}) as Json;
    const taskFunctions: Record<string, SynthesizedFunction> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task') continue;
      const variable = /^\$\{(\w+)\}$/.exec(state.Resource)?.[1];
      if (!variable || substitutions[variable] === undefined) {
        throw new Error(`workflow harness: Task ${name} has no substituted Resource (${state.Resource})`);
      }
      taskFunctions[name] = lambdaFunction(getAttTarget(substitutions[variable], `the Resource of ${name}`));
    }
    return { logicalId, definition, stateMachineArn: resolve({ Ref: logicalId }), taskFunctions };
  };
  const { logicalId: machineId, definition, taskFunctions } = machineOf(platform.workflow.stateMachine);
  const { logicalId: _suspensionId, ...suspension } = machineOf(platform.workflow.suspension.stateMachine);
  const { logicalId: _tierChangeId, ...tierChange } = machineOf(platform.workflow.tierChange.stateMachine);
  const { logicalId: _offboardingId, ...offboarding } = machineOf(platform.workflow.offboarding.stateMachine);

  const readinessRule = resourcesOfType(workflow.template, 'AWS::Events::Rule').find(
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
  const readinessFunction = lambdaFunction(getAttTarget(target?.Arn, 'the target of the RDS event rule'));

  const [rotationPermission, ...others] = resourcesOfType(workflow.template, 'AWS::Lambda::Permission').filter(
    ([, permission]) => permission.Principal === 'secretsmanager.amazonaws.com',
  );
  if (!rotationPermission || others.length > 0) {
    throw new Error('workflow harness: expected one function that Secrets Manager may invoke (the rotation function)');
  }
  const rotationFunction = {
    ...lambdaFunction(getAttTarget(rotationPermission[1].FunctionName, 'the function Secrets Manager may invoke')),
    arn: resolve(rotationPermission[1].FunctionName),
  };

  const billingRule = resourcesOfType(workflow.template, 'AWS::Events::Rule').find(([, rule]) =>
    ((rule.EventPattern as { source?: string[] } | undefined)?.source ?? []).includes(BILLING_EVENT_SOURCE),
  );
  const billingTarget = (billingRule?.[1].Targets as { Arn: unknown; InputTransformer?: InputTransformer }[])?.find(
    (t) => resolve(t.Arn) === resolve({ Ref: machineId }),
  );
  if (!billingTarget?.InputTransformer) throw new Error('workflow harness: no billing rule targets the state machine');

  const rolloutMachineId = Stack.of(platform.workflow.rollout.stateMachine).getLogicalId(
    platform.workflow.rollout.stateMachine.node.defaultChild as CfnElement,
  );
  const rolloutMachine = resources[rolloutMachineId]?.Properties ?? {};
  const rolloutSubstitutions = (rolloutMachine.DefinitionSubstitutions ?? {}) as Json;
  const bucketName = resolve(rolloutSubstitutions[BUCKET_VARIABLE]) as string;
  const rolloutFunctions: Record<string, SynthesizedFunction> = {};
  const rolloutDefinitionText = (rolloutMachine.DefinitionString as string).replaceAll(
    `\${${BUCKET_VARIABLE}}`,
    bucketName,
  );
  const rolloutDefinition = JSON.parse(rolloutDefinitionText) as StateMachineDefinition;
  for (const [name, state] of taskStatesOf(rolloutDefinition.States as Record<string, unknown>)) {
    const variable = /^\$\{(\w+)\}$/.exec(state.Resource)?.[1];
    if (!variable || rolloutSubstitutions[variable] === undefined) {
      throw new Error(`workflow harness: Task ${name} has no substituted Resource (${state.Resource})`);
    }
    rolloutFunctions[name] = lambdaFunction(getAttTarget(rolloutSubstitutions[variable], `the Resource of ${name}`));
  }
  const rolloutTableId = Stack.of(platform.workflow.rollout.table).getLogicalId(
    platform.workflow.rollout.table.node.defaultChild as CfnElement,
  );

  return {
    rollout: {
      definition: rolloutDefinition,
      stateMachineArn: resolve({ Ref: rolloutMachineId }),
      taskFunctions: rolloutFunctions,
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
