import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, cdkJsonContext } from '../../lib/app-builder';
import committed from './stateful-resources.json';

/**
 * A deployed platform keeps its data only if every stateful resource keeps its logical ID: CloudFormation replaces
 * (or, with a retain policy, orphans) a resource whose ID changes. The committed list holds the logical IDs of the
 * stateful resources of each stack; a refactoring that moves one of them fails here instead of in production.
 */
const STATEFUL_TYPES = [
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  'AWS::DynamoDB::Table',
  'AWS::Logs::LogGroup',
  'AWS::StepFunctions::StateMachine',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::Events::EventBus',
  'AWS::RDS::DBSubnetGroup',
  'AWS::RDS::DBParameterGroup',
  'AWS::EC2::SecurityGroup',
];

const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
const { foundation, workflow } = buildApp(app);

function statefulResources(template: Template): Record<string, string> {
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  return Object.fromEntries(
    Object.entries(resources)
      .filter(([, resource]) => STATEFUL_TYPES.includes(resource.Type))
      .map(([logicalId, resource]) => [logicalId, resource.Type])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

describe('stateful resources keep their logical IDs', () => {
  it.each([
    ['foundation', foundation],
    ['workflow', workflow],
  ] as const)('%s stack matches test/infra/stateful-resources.json', (name, stack) => {
    // Act
    const synthesized = statefulResources(Template.fromStack(stack));
    // Assess: a new stateful resource is added to the list on purpose; a moved or renamed one is a replacement.
    expect(synthesized).toEqual(committed[name]);
  });
});
