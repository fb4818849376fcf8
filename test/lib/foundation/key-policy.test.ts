import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, cdkJsonContext } from '../../../lib/app-builder';
import { conditionServiceStatements, platformKeyServiceConditions } from '../../../lib/foundation/key-policy';

const CONDITIONS = platformKeyServiceConditions('aws', 'us-east-1', '123456789012');

describe('conditionServiceStatements', () => {
  it.each([
    ['an unconditioned statement of a listed service gets its conditions', 'events.amazonaws.com', undefined, true],
    ['log delivery gets source account and ARN', 'delivery.logs.amazonaws.com', undefined, true],
    ['a statement that has conditions keeps its own', 'events.amazonaws.com', { Bool: { x: 'true' } }, false],
    ['another service is left alone', 'sns.amazonaws.com', undefined, false],
  ])('%s', (_case, service, condition, changed) => {
    // Prepare
    const statement = { Effect: 'Allow', Principal: { Service: service }, Action: 'kms:Decrypt', Resource: '*' };
    const policy = {
      Version: '2012-10-17',
      Statement: [condition ? { ...statement, Condition: condition } : statement],
    };
    // Act
    const [result] = conditionServiceStatements(policy, CONDITIONS).Statement;
    // Assess
    expect(result?.Condition).toEqual(changed ? CONDITIONS[service] : condition);
  });
});

describe('the platform key policy', () => {
  it('gives no service principal an unconditioned statement', () => {
    // Prepare
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const { foundation } = buildApp(app);
    // Act
    const [key] = Object.values(Template.fromStack(foundation).findResources('AWS::KMS::Key'));
    const statements = key?.Properties.KeyPolicy.Statement as {
      Principal?: { Service?: unknown };
      Condition?: unknown;
    }[];
    // Assess: the account root (CDK's default statement) is the only principal without a condition
    const services = statements.filter((s) => s.Principal?.Service !== undefined);
    expect(services.length).toBeGreaterThanOrEqual(5);
    for (const statement of services) expect(statement.Condition).toBeDefined();
  });
});
