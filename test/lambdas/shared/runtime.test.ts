import { AwsRequestError, OwnershipConflictError, RetryableError } from '../../../lambdas/shared/errors';
import { eventHandler, logger, MetricUnit, metrics, stepHandler } from '../../../lambdas/shared/runtime';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';
import { captureOutput, type OutputCapture } from '../../support/output-capture';

/** An error shaped like the AWS SDK's. */
function sdkError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} from AWS`), { name, $metadata: { httpStatusCode: status } });
}

const STATE = { request: { tenantId: 'acme', tier: 'pro', executionArn: 'arn:aws:states:us-east-1:1:execution:m:e' } };

describe('handler wrappers', () => {
  let output: OutputCapture;

  beforeEach(() => {
    output = captureOutput();
  });

  afterEach(() => {
    output.restore();
  });

  /** The JSON log lines written so far (the metrics' EMF documents included). */
  const logLines = () =>
    output.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  const withMessage = (message: string) => logLines().filter((line) => line.message === message);

  it('puts the Lambda context on every line: request id, function, and the cold start of the first invocation only', async () => {
    // Prepare: a runtime loaded as in a new on-demand sandbox (Lambda sets the variable; Powertools reads it at load)
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    let sandbox!: typeof import('../../../lambdas/shared/runtime');
    jest.isolateModules(() => {
      sandbox = require('../../../lambdas/shared/runtime');
    });
    delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    const handler = sandbox.stepHandler('ConfigureAlarms', async () => ({ ok: true }));
    const first = lambdaContext({ functionName: 'alarms-fn' });
    const second = lambdaContext({ functionName: 'alarms-fn' });

    // Act
    await handler(STATE, first);
    await handler(STATE, second);

    // Assess
    const started = withMessage('step started');
    expect(started).toEqual([
      expect.objectContaining({ function_request_id: first.awsRequestId, cold_start: true }),
      expect.objectContaining({ function_request_id: second.awsRequestId, cold_start: false }),
    ]);
    expect(first.awsRequestId).not.toBe(second.awsRequestId);
    for (const line of [...started, ...withMessage('step finished')]) {
      expect(line).toMatchObject({
        function_name: 'alarms-fn',
        function_arn: first.invokedFunctionArn,
        step: 'ConfigureAlarms',
        tenantId: 'acme',
        tier: 'pro',
        executionArn: STATE.request.executionArn,
      });
    }
  });

  it("drops the previous invocation's keys, including those its work appended", async () => {
    // Prepare
    const handler = stepHandler('ClaimTenant', async (state: { request?: { tenantId: string }; input?: unknown }) => {
      logger.appendKeys({ claimedBy: state.request?.tenantId ?? 'nobody' });
      logger.info('claimed');
      return {};
    });

    // Act
    await handler(STATE, lambdaContext());
    await handler({ input: { tier: 'starter' } }, lambdaContext());

    // Assess
    const [, second] = withMessage('step started');
    expect(second).toMatchObject({ tier: 'starter', step: 'ClaimTenant' });
    expect(second).not.toHaveProperty('tenantId');
    expect(second).not.toHaveProperty('executionArn');
    expect(second).not.toHaveProperty('claimedBy');
    expect(withMessage('claimed').map((line) => line.claimedBy)).toEqual(['acme', 'nobody']);
  });

  it.each([
    ['a permanent AWS refusal', sdkError('AccessDeniedException', 400), AwsRequestError],
    ['a transient AWS fault', sdkError('ThrottlingException', 400), RetryableError],
  ])('maps %s to a platform error and keeps the original as its cause', async (_case, original, expected) => {
    // Prepare
    const handler = stepHandler('CreateInstance', async () => {
      throw original;
    });

    // Act
    const thrown = await handler(STATE, lambdaContext()).catch((error: unknown) => error);

    // Assess
    expect(thrown).toBeInstanceOf(expected);
    expect((thrown as Error).cause).toBe(original);
    expect((thrown as Error).message).toBe(`CreateInstance failed: ${original.name}: ${original.message}`);
    expect(withMessage('step failed')).toEqual([
      expect.objectContaining({ errorName: (thrown as Error).name, reason: (thrown as Error).message }),
    ]);
  });

  it('throws a platform error as it is, with no cause added', async () => {
    // Prepare
    const conflict = new OwnershipConflictError('alarm tenant-alarm-acme-cpu belongs to another execution');
    const handler = stepHandler('ConfigureAlarms', async () => {
      throw conflict;
    });

    // Act
    const thrown = await handler(STATE, lambdaContext()).catch((error: unknown) => error);

    // Assess
    expect(thrown).toBe(conflict);
    expect(conflict.cause).toBeUndefined();
  });

  it('lets an event handler throw the original error, for the invoker to retry, and logs what happens next', async () => {
    // Prepare
    const throttled = sdkError('ThrottlingException', 400);
    const handler = eventHandler({ failed: 'reaping failed; the event will be retried' }, async () => {
      throw throttled;
    });
    const context = lambdaContext();

    // Act
    const thrown = await handler({ source: 'aws.states' }, context).catch((error: unknown) => error);

    // Assess
    expect(thrown).toBe(throttled);
    expect(withMessage('reaping failed; the event will be retried')).toEqual([
      expect.objectContaining({
        errorName: 'ThrottlingException',
        reason: 'ThrottlingException from AWS',
        function_request_id: context.awsRequestId,
      }),
    ]);
    expect(withMessage('step started')).toEqual([]);
  });

  it('publishes the metrics an invocation counted, also when it fails, and nothing when it counted nothing', async () => {
    // Prepare
    const counting = eventHandler({ failed: 'failed' }, async () => {
      metrics.addMetric('Counted', MetricUnit.Count, 1);
      throw new Error('after counting');
    });
    const quiet = eventHandler({ failed: 'failed' }, async () => 'nothing counted');

    // Act
    await counting({}, lambdaContext()).catch(() => undefined);
    await quiet({}, lambdaContext());

    // Assess
    expect(logLines().filter((line) => 'Counted' in line)).toEqual([expect.objectContaining({ Counted: 1 })]);
    expect(metrics.hasStoredMetrics()).toBe(false);
    expect(output.lines.join('\n')).not.toContain('No application metrics to publish');
  });
});
