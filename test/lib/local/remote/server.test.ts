import { request } from 'node:http';
import { MAX_BODY_BYTES } from '../../../../lib/local/remote/protocol';
import { startTestPlatform, type TestPlatform } from '../../../support/local-platform';

let platform: TestPlatform;
beforeEach(async () => {
  platform = await startTestPlatform();
});
afterEach(() => platform.close());

/** One raw HTTP exchange with the server. */
function exchange(
  method: string,
  path: string,
  { token, body }: { token?: string; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: platform.endpoint.port,
        method,
        path,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          'content-length': Buffer.byteLength(body ?? ''),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body ?? '');
  });
}

const awsBody = (fields: Record<string, unknown>) =>
  JSON.stringify({ service: 'rds', command: 'DescribeDBInstances', region: '', input: {}, ...fields });

describe('platform server', () => {
  it.each([
    ['no token', undefined],
    ['a wrong token', 'not-the-token'],
    ['an empty token', ''],
  ])('refuses a request with %s (401), before dispatching anything', async (_what, token) => {
    // Act
    const answer = await exchange('POST', '/aws', { token, body: awsBody({}) });
    // Assess
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).error).toMatchObject({ name: 'Unauthorized' });
    expect(platform.requests).toEqual([]);
  });

  it('refuses a body over the limit with 413 and says so', async () => {
    // Prepare
    const body = awsBody({ input: { Filler: 'x'.repeat(MAX_BODY_BYTES) } });
    // Act
    const answer = await exchange('POST', '/aws', { token: platform.endpoint.token, body });
    // Assess
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toBe(
      `the request body exceeds ${MAX_BODY_BYTES} bytes, the local platform's limit`,
    );
    expect(platform.requests).toEqual([]);
  });

  it.each([
    ['an unknown service', { service: 'ec2' }, 'service "ec2" is not one the local platform answers'],
    ['a prototype-named service', { service: '__proto__' }, 'service "__proto__" is not one'],
    [
      'a command that is no operation name',
      { command: 'constructor' },
      'command "constructor" must be an SDK operation',
    ],
    ['a bad Region', { region: 'Mars' }, 'region "Mars" must be a Region name'],
    ['an input with an unknown tag', { input: { $t: 'regexp', v: '.*' } }, 'input: unknown tagged value "regexp"'],
  ])('refuses %s with 400 naming the field', async (_what, fields, message) => {
    // Act
    const answer = await exchange('POST', '/aws', { token: platform.endpoint.token, body: awsBody(fields) });
    // Assess
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.message).toContain(message);
    expect(platform.requests).toEqual([]);
  });

  it('answers an operation the SDK does not have with UnknownOperationException', async () => {
    // Act
    const answer = await exchange('POST', '/aws', {
      token: platform.endpoint.token,
      body: awsBody({ command: 'Constructor' }),
    });
    // Assess
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatchObject({
      name: 'UnknownOperationException',
      message: 'rds has no operation Constructor',
    });
  });

  it('answers a failure of the daemon itself with its name and message, never a stack trace', async () => {
    // Prepare
    platform.extra.sfn = () => Promise.reject(new TypeError('cannot read the execution'));
    // Act
    const answer = await exchange('POST', '/aws', {
      token: platform.endpoint.token,
      body: awsBody({ service: 'sfn', command: 'DescribeExecution' }),
    });
    // Assess
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body).error).toEqual({
      name: 'TypeError',
      message: 'cannot read the execution',
      $fault: 'server',
      httpStatusCode: 500,
      fields: {},
    });
    expect(answer.body).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('logs service and operation, never the input', async () => {
    // Prepare
    const secret = 'S3cret-value-in-the-input';
    // Act
    await exchange('POST', '/aws', {
      token: platform.endpoint.token,
      body: awsBody({ service: 'secretsmanager', command: 'CreateSecret', input: { Name: 'x', SecretString: secret } }),
    });
    // Assess
    expect(platform.log).toEqual([expect.stringMatching(/^POST \/aws secretsmanager CreateSecret 200 \d+ms$/)]);
    expect(platform.log.join('\n')).not.toContain(secret);
  });

  it.each([
    ['GET /status', 'GET', '/status', 200],
    ['POST /shutdown', 'POST', '/shutdown', 202],
    ['an unknown path', 'GET', '/admin', 404],
  ])('answers %s', async (_what, method, path, status) => {
    // Act
    const answer = await exchange(method, path, { token: platform.endpoint.token });
    // Assess
    expect(answer.status).toBe(status);
  });

  it('runs the shutdown handler once after answering, however many times it is asked', async () => {
    // Act
    await exchange('POST', '/shutdown', { token: platform.endpoint.token });
    await exchange('POST', '/shutdown', { token: platform.endpoint.token });
    await new Promise((resolve) => setImmediate(resolve));
    // Assess
    expect(platform.shutdowns).toBe(1);
  });
});
