import { captureLogs } from '../../../../lib/local/workflows/log-capture';
import { resolveIntrinsics, type StackTemplate } from '../../../../lib/local/workflows/stand-ins';
import { type Retrier, retryDelayMs, seededRandom } from '../../../support/workflow-harness/timing';

/** The parts of the workflow harness whose mistakes would not show as a failed workflow run. */

const TARGET = { region: 'us-east-1', account: '123456789012' };

describe('retryDelayMs', () => {
  const retrier: Retrier = { ErrorEquals: ['RetryableError'], IntervalSeconds: 2, BackoffRate: 2, MaxDelaySeconds: 60 };

  it.each([
    ['the first retry', retrier, 1, 2_000],
    ['the third retry', retrier, 3, 8_000],
    ['a retry past the cap', retrier, 7, 60_000],
    ['the ASL defaults', { ErrorEquals: ['States.ALL'] }, 2, 2_000],
  ])('waits the backoff for %s', (_case, r, attempt, ms) => {
    // Act & Assess
    expect(retryDelayMs(r, attempt, () => 0.5)).toBe(ms);
  });

  it('with FULL jitter waits a random share of the backoff', () => {
    // Act
    const delays = [0, 0.25, 0.999].map((x) => retryDelayMs({ ...retrier, JitterStrategy: 'FULL' }, 3, () => x));

    // Assess
    expect(delays).toEqual([0, 2_000, 7_992]);
  });

  it('draws the same jitter for the same seed', () => {
    // Act
    const [a, b] = [seededRandom(7), seededRandom(7)];

    // Assess
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('resolveIntrinsics', () => {
  // Prepare: a foundation stack exporting a key and a topic, a workflow stack importing them
  const foundation: StackTemplate = {
    stackName: 'base',
    template: {
      Resources: {
        Key: { Type: 'AWS::KMS::Key' },
        Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alerts' } },
      },
      Outputs: {
        KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: 'base:KeyArn' } },
        TopicArn: { Value: { Ref: 'Topic' }, Export: { Name: 'base:Topic' } },
      },
    },
  };
  const workflow: StackTemplate = {
    stackName: 'flow',
    template: { Resources: { Table: { Type: 'AWS::DynamoDB::Table' }, Queue: { Type: 'AWS::SQS::Queue' } } },
  };
  const resolve = (value: unknown) => resolveIntrinsics(value, workflow, [foundation, workflow], TARGET);

  it.each([
    ['a literal', 'us-west-2', 'us-west-2'],
    ['a Ref to a table', { Ref: 'Table' }, 'flow-Table'],
    ['a pseudo parameter', { Ref: 'AWS::Region' }, 'us-east-1'],
    ['an imported topic ARN', { 'Fn::ImportValue': 'base:Topic' }, 'arn:aws:sns:us-east-1:123456789012:alerts'],
    ['a join', { 'Fn::Join': ['', ['{"t":"', { Ref: 'Table' }, '"}']] }, '{"t":"flow-Table"}'],
  ])('resolves %s', (_case, value, expected) => {
    // Act & Assess
    expect(resolve(value)).toBe(expected);
  });

  it('resolves an imported key ARN to a key ARN of the target account', () => {
    // Act & Assess
    expect(resolve({ 'Fn::ImportValue': 'base:KeyArn' })).toMatch(
      /^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it.each([
    ['a resource type it has no stand-in for', { Ref: 'Queue' }, 'no stand-in for AWS::SQS::Queue'],
    ['a missing export', { 'Fn::ImportValue': 'base:Nothing' }, 'no stack exports base:Nothing'],
    ['an unknown intrinsic', { 'Fn::Sub': 'x' }, 'no stand-in for the intrinsic'],
  ])('names %s instead of guessing', (_case, value, message) => {
    // Act & Assess
    expect(() => resolve(value)).toThrow(message);
  });
});

describe('captureLogs', () => {
  it('records console calls and stream writes, and puts both back when the last capture stops', () => {
    // Prepare
    const info = console.info;
    const write = process.stdout.write;

    // Act
    const outer = captureLogs();
    console.info('step %s', 'started');
    const inner = captureLogs();
    process.stdout.write('{"metric":1}\n');
    inner.stop();
    console.warn('after the inner capture');
    const patchedWhileOuterRuns = console.info !== info;
    outer.stop();

    // Assess
    expect(outer.lines).toEqual(['step started', '{"metric":1}\n', 'after the inner capture']);
    expect(inner.lines).toEqual(['{"metric":1}\n']);
    expect(patchedWhileOuterRuns).toBe(true);
    expect(console.info).toBe(info);
    expect(process.stdout.write).toBe(write);
  });
});
