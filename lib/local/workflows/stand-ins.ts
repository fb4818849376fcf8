/**
 * Values a deployed stack would give its Lambda environment, for templates that never get deployed. The workflow
 * test harness and the local platform read each function's environment and each state machine from the synthesized
 * template; wherever CloudFormation would resolve an
 * intrinsic (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::Join`), this module puts a stand-in of the same shape:
 * an ARN where AWS returns an ARN, a name where it returns a name. Stand-ins are derived from the logical id, so
 * they are stable from run to run, and an intrinsic without a stand-in here fails loudly with its resource type.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** A template resource. */
interface CfnResource {
  Metadata?: Record<string, unknown>;
  Type: string;
  Properties?: Record<string, unknown>;
}

/** The parts of a CloudFormation template the local platform reads. */
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string; Export?: { Name: unknown } }>;
}

/** One synthesized stack: its name and template. */
export interface StackTemplate {
  stackName: string;
  template: CfnTemplate;
}

/** Where the stand-ins live. */
export interface DeploymentTarget {
  region: string;
  account: string;
}

interface Site {
  stack: StackTemplate;
  logicalId: string;
  resource: CfnResource;
  /** A physical name for resources CloudFormation would name itself: `<stack>-<logicalId>`. */
  generatedName: string;
  property(name: string): string | undefined;
}

type StandIn = (site: Site, target: DeploymentTarget) => string;

/** A hex digest of `text`, `length` characters long. */
function digest(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** A UUID-shaped id derived from `text` (KMS key ids look like this). */
function uuidOf(text: string): string {
  const hex = digest(text, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const arn = (target: DeploymentTarget, service: string, resource: string, region = target.region) =>
  `arn:aws:${service}:${region}:${target.account}:${resource}`;

/** What `Ref` returns, by resource type (CloudFormation's "Return values" of each resource). */
const REF: Record<string, StandIn> = {
  'AWS::DynamoDB::Table': (s) => s.property('TableName') ?? s.generatedName,
  'AWS::Events::EventBus': (s) => s.property('Name') ?? s.generatedName,
  'AWS::SNS::Topic': (s, t) => arn(t, 'sns', s.property('TopicName') ?? s.generatedName),
  'AWS::RDS::DBSubnetGroup': (s) => (s.property('DBSubnetGroupName') ?? s.generatedName).toLowerCase(),
  'AWS::RDS::DBParameterGroup': (s) => (s.property('DBParameterGroupName') ?? s.generatedName).toLowerCase(),
  'AWS::StepFunctions::StateMachine': (s, t) =>
    arn(t, 'states', `stateMachine:${s.property('StateMachineName') ?? s.generatedName}`),
  'AWS::Lambda::Function': (s) => s.property('FunctionName') ?? s.generatedName,
  'AWS::Scheduler::ScheduleGroup': (s) => s.property('Name') ?? s.generatedName,
  'AWS::KMS::Key': (s) => uuidOf(`${s.stack.stackName}/${s.logicalId}`),
  // Bucket names are lower case (CloudFormation lower-cases the generated ones).
  'AWS::EC2::VPC': (s) => `vpc-${digest(`${s.stack.stackName}/${s.logicalId}`, 17)}`,
  'AWS::EC2::Subnet': (s) => `subnet-${digest(`${s.stack.stackName}/${s.logicalId}`, 17)}`,
  'AWS::S3::Bucket': (s) => (s.property('BucketName') ?? s.generatedName).toLowerCase(),
};

/** What `Fn::GetAtt` returns, by `<type>.<attribute>`. */
const GET_ATT: Record<string, StandIn> = {
  'AWS::KMS::Key.Arn': (s, t) => arn(t, 'kms', `key/${uuidOf(`${s.stack.stackName}/${s.logicalId}`)}`),
  'AWS::EC2::SecurityGroup.GroupId': (s) => `sg-${digest(`${s.stack.stackName}/${s.logicalId}`, 17)}`,
  'AWS::IAM::Role.Arn': (s, t) => `arn:aws:iam::${t.account}:role/${s.property('RoleName') ?? s.generatedName}`,
  'AWS::Lambda::Function.Arn': (s, t) => arn(t, 'lambda', `function:${s.property('FunctionName') ?? s.generatedName}`),
  'AWS::SNS::Topic.TopicArn': (s, t) => arn(t, 'sns', s.property('TopicName') ?? s.generatedName),
  'AWS::DynamoDB::Table.Arn': (s, t) => arn(t, 'dynamodb', `table/${s.property('TableName') ?? s.generatedName}`),
  'AWS::Events::EventBus.Arn': (s, t) => arn(t, 'events', `event-bus/${s.property('Name') ?? s.generatedName}`),
  'AWS::SQS::Queue.Arn': (s, t) => arn(t, 'sqs', s.property('QueueName') ?? s.generatedName),
  'AWS::Scheduler::ScheduleGroup.Arn': (s, t) =>
    arn(t, 'scheduler', `schedule-group/${s.property('Name') ?? s.generatedName}`),
  'AWS::Events::EventBus.Name': (s) => s.property('Name') ?? s.generatedName,
};

const PSEUDO: Record<string, (stack: StackTemplate, target: DeploymentTarget) => string> = {
  'AWS::Region': (_, t) => t.region,
  'AWS::AccountId': (_, t) => t.account,
  'AWS::Partition': () => 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': (stack) => stack.stackName,
};

/**
 * Resolves the intrinsics in `value`, found in `stack`, to stand-in strings. `stacks` holds every stack of the app
 * so that `Fn::ImportValue` finds the exporting stack's output.
 *
 * @throws Error naming the intrinsic when the harness has no stand-in for it
 *
 * @example
 * ```ts
 * resolveIntrinsics({ Ref: 'RegistryTableDB777839' }, workflowStack, allStacks, { region: 'us-east-1', account });
 * // 'tenant-db-workflow-RegistryTableDB777839'
 * ```
 */
export function resolveIntrinsics(
  value: unknown,
  stack: StackTemplate,
  stacks: readonly StackTemplate[],
  target: DeploymentTarget,
): string {
  const resolve = (v: unknown, s: StackTemplate): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    const intrinsic = v as Record<string, unknown>;
    if ('Ref' in intrinsic) return ref(String(intrinsic.Ref), s);
    if ('Fn::GetAtt' in intrinsic) {
      const [logicalId, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
      return standIn(GET_ATT, `${site(logicalId, s).resource.Type}.${attribute}`, site(logicalId, s));
    }
    if ('Fn::Join' in intrinsic) {
      const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => resolve(part, s)).join(separator);
    }
    if ('Fn::ImportValue' in intrinsic) return importValue(resolve(intrinsic['Fn::ImportValue'], s));
    throw new Error(`stand-ins: no stand-in for the intrinsic ${JSON.stringify(v)} in ${s.stackName}`);
  };

  const site = (logicalId: string, s: StackTemplate): Site => {
    const resource = s.template.Resources[logicalId];
    if (!resource) throw new Error(`stand-ins: ${s.stackName} has no resource ${logicalId}`);
    const properties = resource.Properties ?? {};
    return {
      stack: s,
      logicalId,
      resource,
      generatedName: `${s.stackName}-${logicalId}`,
      property: (name) => (properties[name] === undefined ? undefined : resolve(properties[name], s)),
    };
  };

  const standIn = (table: Record<string, StandIn>, key: string, at: Site): string => {
    const make = table[key];
    if (!make) {
      throw new Error(
        `stand-ins: no stand-in for ${key} (${at.stack.stackName}/${at.logicalId}); add one to lib/local/workflows/stand-ins.ts`,
      );
    }
    return make(at, target);
  };

  const ref = (name: string, s: StackTemplate): string => {
    const pseudo = PSEUDO[name];
    if (pseudo) return pseudo(s, target);
    const at = site(name, s);
    return standIn(REF, at.resource.Type, at);
  };

  const importValue = (exportName: string): string => {
    for (const s of stacks) {
      for (const output of Object.values(s.template.Outputs ?? {})) {
        if (output.Export && resolve(output.Export.Name, s) === exportName) return resolve(output.Value, s);
      }
    }
    throw new Error(`stand-ins: no stack exports ${exportName}`);
  };

  return resolve(value, stack);
}
