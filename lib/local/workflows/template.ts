/**
 * The workflow stack as its synthesized template defines it, read without deploying: each state machine's definition
 * with its `DefinitionSubstitutions` applied (function ARNs stay placeholders: a Task maps to its function by state
 * name), the Lambda function behind each Task state, and each function's memory, timeout, environment (intrinsics
 * replaced by stand-ins, see stand-ins.ts) and bundled code folder. The workflow test harness reads the template the
 * CDK app synthesizes in memory; the local platform reads `cdk.out/` (see {@link readCloudAssembly}).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { type CfnTemplate, type DeploymentTarget, resolveIntrinsics, type StackTemplate } from './stand-ins';

/** A Lambda function of the workflow stack, as the template defines it. */
export interface TemplateFunction {
  logicalId: string;
  /** Its name and ARN (stand-ins). */
  functionName: string;
  arn: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Its environment variables, intrinsics replaced by stand-ins. */
  environment: Record<string, string>;
  /** `<file>.<export>` of its bundled code. */
  handler: string;
  /** The folder of its bundled code in the cloud assembly (`Metadata['aws:asset:path']`), when bundled. */
  assetPath?: string;
}

/** One state machine of the stack. */
export interface TemplateMachine {
  logicalId: string;
  /** Its ARN (stand-in); executions are named under it. */
  stateMachineArn: string;
  /** Its definition, the substitutions that are not function ARNs applied. */
  definition: StateMachineDefinition;
  /** The function behind each Task state, those inside Map ItemProcessors included. */
  taskFunctions: Record<string, TemplateFunction>;
}

type Json = Record<string, unknown>;

/** Task states of a definition and of the ItemProcessors of its Map states, by name. */
function taskStatesOf(states: Record<string, unknown>): [string, string][] {
  return Object.entries(states).flatMap(([name, state]): [string, string][] => {
    const s = state as { Type?: string; Resource?: string; ItemProcessor?: { States: Record<string, unknown> } };
    if (s.Type === 'Task') return [[name, s.Resource ?? '']];
    if (s.Type === 'Map' && s.ItemProcessor) return taskStatesOf(s.ItemProcessor.States);
    return [];
  });
}

/** The logical id an `{ "Fn::GetAtt": [id, "Arn"] }` points at, or undefined for any other value. */
function getAttArnTarget(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return getAtt?.[1] === 'Arn' ? getAtt[0] : undefined;
}

/** The workflow stack's template, with the other stacks of the app for `Fn::ImportValue`. */
export class WorkflowTemplate {
  constructor(
    readonly stacks: readonly StackTemplate[],
    readonly workflow: StackTemplate,
    readonly target: DeploymentTarget,
  ) {}

  /** `value` with its intrinsics resolved to stand-ins, as found in `stack` (default: the workflow stack). */
  resolve(value: unknown, stack: StackTemplate = this.workflow): string {
    return resolveIntrinsics(value, stack, this.stacks, this.target);
  }

  /** Logical ids and properties of the workflow stack's resources of `type`. */
  resourcesOfType(type: string): [string, Json][] {
    return Object.entries(this.workflow.template.Resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([id, resource]) => [id, resource.Properties ?? {}]);
  }

  /** The function a `Fn::GetAtt [id, Arn]` (a rule target, a substitution) refers to. */
  functionAt(value: unknown, what: string): TemplateFunction {
    const logicalId = getAttArnTarget(value);
    if (!logicalId) throw new Error(`workflow template: ${what} is not a function ARN reference`);
    return this.lambdaFunction(logicalId);
  }

  lambdaFunction(logicalId: string): TemplateFunction {
    const resource = this.workflow.template.Resources[logicalId];
    if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`workflow template: ${logicalId} is no function`);
    const properties = resource.Properties ?? {};
    const variables = ((properties.Environment as Json | undefined)?.Variables ?? {}) as Json;
    const assetPath = resource.Metadata?.['aws:asset:path'];
    return {
      logicalId,
      functionName: this.resolve({ Ref: logicalId }),
      arn: this.resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] }),
      memoryMb: Number(properties.MemorySize ?? 128),
      timeoutSeconds: Number(properties.Timeout ?? 3),
      environment: Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, this.resolve(value)])),
      handler: String(properties.Handler ?? 'index.handler'),
      ...(typeof assetPath === 'string' ? { assetPath } : {}),
    };
  }

  /** Every Lambda function of the workflow stack. */
  functions(): TemplateFunction[] {
    return this.resourcesOfType('AWS::Lambda::Function').map(([id]) => this.lambdaFunction(id));
  }

  stateMachine(logicalId: string): TemplateMachine {
    const machine = this.workflow.template.Resources[logicalId];
    if (machine?.Type !== 'AWS::StepFunctions::StateMachine') {
      throw new Error(`workflow template: ${logicalId} is no state machine`);
    }
    const properties = machine.Properties ?? {};
    if (typeof properties.DefinitionString !== 'string') {
      throw new Error(`workflow template: the definition of ${logicalId} is not a plain string`);
    }
    const substitutions = (properties.DefinitionSubstitutions ?? {}) as Json;
    let text = properties.DefinitionString;
    for (const [variable, value] of Object.entries(substitutions)) {
      if (getAttArnTarget(value) === undefined) text = text.replaceAll(`\${${variable}}`, this.resolve(value));
    }
    const definition = JSON.parse(text) as StateMachineDefinition;
    const taskFunctions: Record<string, TemplateFunction> = {};
    for (const [name, resource] of taskStatesOf(definition.States as Record<string, unknown>)) {
      const variable = /^\$\{(\w+)\}$/.exec(resource)?.[1];
      if (!variable || substitutions[variable] === undefined) {
        throw new Error(`workflow template: Task ${name} has no substituted Resource (${resource})`);
      }
      taskFunctions[name] = this.functionAt(substitutions[variable], `the Resource of ${name}`);
    }
    return { logicalId, stateMachineArn: this.resolve({ Ref: logicalId }), definition, taskFunctions };
  }

  /** Every state machine of the workflow stack. */
  stateMachines(): TemplateMachine[] {
    return this.resourcesOfType('AWS::StepFunctions::StateMachine').map(([id]) => this.stateMachine(id));
  }

  /** The outputs of `stack` with local values. */
  outputs(
    stack: StackTemplate,
  ): { OutputKey: string; OutputValue: string; Description?: string; ExportName?: string }[] {
    return Object.entries(stack.template.Outputs ?? {}).map(([key, output]) => ({
      OutputKey: key,
      OutputValue: this.resolve(output.Value, stack),
      ...(output.Description ? { Description: output.Description } : {}),
      ...(output.Export ? { ExportName: this.resolve(output.Export.Name, stack) } : {}),
    }));
  }
}

/**
 * The environment shared by `functions` in one process: the union of their template environments. Every bundle
 * reads `process.env`, at load and per call, so a variable two functions set differently would make one of them run
 * with the other's value; that is refused.
 *
 * @throws Error naming the variable and both functions when two functions disagree on it
 */
export function unionEnvironment(
  functions: readonly TemplateFunction[],
  ignore: ReadonlySet<string> = RUNTIME_ONLY,
): Record<string, string> {
  const merged: Record<string, string> = {};
  const owners: Record<string, string> = {};
  for (const fn of functions) {
    for (const [name, value] of Object.entries(fn.environment)) {
      if (ignore.has(name)) continue;
      if (merged[name] !== undefined && merged[name] !== value) {
        throw new Error(
          `workflow template: ${name} is "${merged[name]}" on ${owners[name]} but "${value}" on ${fn.logicalId}`,
        );
      }
      merged[name] = value;
      owners[name] = fn.logicalId;
    }
  }
  return merged;
}

/** Variables that configure the Lambda runtime rather than the handler code. */
const RUNTIME_ONLY: ReadonlySet<string> = new Set(['NODE_OPTIONS']);

/** A synthesized app read from its cloud assembly directory. */
export interface CloudAssembly {
  stacks: StackTemplate[];
  /** The stack that holds the state machines. */
  workflow: StackTemplate;
}

/**
 * Reads `cdk.out/manifest.json` and the templates of its stacks; the workflow stack is the one with state machines.
 *
 * @throws Error when the directory holds no synthesized app or no stack has a state machine
 */
export function readCloudAssembly(cdkOut: string): CloudAssembly {
  let manifest: { artifacts?: Record<string, { type?: string; displayName?: string; properties?: Json }> };
  try {
    manifest = JSON.parse(readFileSync(path.join(cdkOut, 'manifest.json'), 'utf8'));
  } catch (error) {
    throw new Error(`${cdkOut} holds no synthesized app (run npx cdk synth): ${(error as Error).message}`);
  }
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => {
      const file = String(artifact.properties?.templateFile ?? `${id}.template.json`);
      return {
        stackName: String(artifact.properties?.stackName ?? artifact.displayName ?? id),
        template: JSON.parse(readFileSync(path.join(cdkOut, file), 'utf8')) as CfnTemplate,
      };
    });
  const workflow = stacks.find((stack) =>
    Object.values(stack.template.Resources).some((r) => r.Type === 'AWS::StepFunctions::StateMachine'),
  );
  if (!workflow) throw new Error(`${cdkOut}: no stack of the app has a state machine`);
  return { stacks, workflow };
}
