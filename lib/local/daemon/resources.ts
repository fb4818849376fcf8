import type { AwsDouble } from '../aws';
import type { TableDefinition } from '../aws/dynamodb';
import { type DeploymentTarget, resolveIntrinsics } from '../workflows/stand-ins';
import type { CloudAssembly } from '../workflows/template';

interface KeyElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

interface TableProperties {
  KeySchema: KeyElement[];
  AttributeDefinitions?: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  GlobalSecondaryIndexes?: { IndexName: string; KeySchema: KeyElement[] }[];
}

function keysOf(schema: readonly KeyElement[]): { partitionKey: string; sortKey?: string } {
  const partitionKey = schema.find((k) => k.KeyType === 'HASH')?.AttributeName;
  if (!partitionKey) throw new Error('a synthesized DynamoDB table has no HASH key');
  const sortKey = schema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  return sortKey ? { partitionKey, sortKey } : { partitionKey };
}

/** What the local AWS must hold before the first call: the synthesized app's tables, topics, buckets and schedule groups. */
export interface SynthesizedResources {
  readonly tables: readonly TableDefinition[];
  /** ARNs of the SNS topics (the alert topic: ConfigureAlarms checks that it exists). */
  readonly topics: readonly string[];
  /** Names of the S3 buckets (the rollout's manifests). */
  readonly buckets: readonly string[];
  /** Names of the EventBridge Scheduler groups (scheduled offboardings). */
  readonly scheduleGroups: readonly string[];
}

/** The physical names (`Ref`) of the resources of `type` in the app. */
function namesOf(assembly: CloudAssembly, target: DeploymentTarget, type: string): string[] {
  return assembly.stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId]) => resolveIntrinsics({ Ref: logicalId }, stack, assembly.stacks, target)),
  );
}

/**
 * What CloudFormation would have created for the synthesized app, read from its templates, so a table, topic,
 * bucket or schedule group added to the app exists locally without more code. Defining them again on each start is harmless: a table
 * already on disk is found, topics and buckets are sets.
 */
export function synthesizedResources(assembly: CloudAssembly, target: DeploymentTarget): SynthesizedResources {
  return {
    tables: synthesizedTables(assembly, target),
    topics: namesOf(assembly, target, 'AWS::SNS::Topic'),
    buckets: namesOf(assembly, target, 'AWS::S3::Bucket'),
    scheduleGroups: namesOf(assembly, target, 'AWS::Scheduler::ScheduleGroup'),
  };
}

/** Creates `resources` in the double. */
export function createResources(double: AwsDouble, resources: SynthesizedResources): void {
  for (const table of resources.tables) double.dynamodb.defineTable(table);
  for (const topic of resources.topics) double.sns.createTopic(topic);
  for (const bucket of resources.buckets) double.s3.createBucket(bucket);
  for (const group of resources.scheduleGroups) double.scheduler.createGroup(group);
}

/**
 * The DynamoDB tables of the synthesized app, as the local DynamoDB defines them: each `AWS::DynamoDB::Table` with
 * the name its `Ref` stands for (what the functions' environment and the stack outputs say), its keys, key types and
 * global secondary indexes.
 */
function synthesizedTables(assembly: CloudAssembly, target: DeploymentTarget): TableDefinition[] {
  return assembly.stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
      .map(([logicalId, resource]) => {
        const properties = resource.Properties as unknown as TableProperties;
        const indexes = Object.fromEntries(
          (properties.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, keysOf(index.KeySchema)]),
        );
        return {
          name: resolveIntrinsics({ Ref: logicalId }, stack, assembly.stacks, target),
          ...keysOf(properties.KeySchema),
          attributeTypes: Object.fromEntries(
            (properties.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]),
          ),
          ...(Object.keys(indexes).length > 0 ? { indexes } : {}),
        };
      }),
  );
}
