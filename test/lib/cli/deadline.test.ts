import { CONNECT_TIMEOUT_MS, clientConfig, createClients, REQUEST_TIMEOUT_MS } from '../../../lib/cli/aws';
import type { CliContext } from '../../../lib/cli/context';
import { DeadlineExceededError, startDeadline } from '../../../lib/cli/deadline';
import { runCli } from '../../../lib/cli/main';
import type { AwsCall } from '../../../lib/cli/services';
import { startSilentServer } from '../../support/cli/fake-aws';

describe('AWS clients', () => {
  it.each([
    [{}, {}],
    [
      { region: 'eu-west-1', profile: 'sales' },
      { region: 'eu-west-1', profile: 'sales' },
    ],
  ])('time out connections and requests, with %j', (settings, expected) => {
    // Act
    const config = clientConfig(settings);

    // Assess
    expect(config).toMatchObject({
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
      ...expected,
    });
  });
});

describe('the command deadline', () => {
  it('rejects with the call still waiting when it passes', async () => {
    // Prepare
    const call: AwsCall = { service: 'sfn', operation: 'GetExecutionHistory', endpoint: 'http://127.0.0.1:1' };
    const deadline = startDeadline(0.01, new Set([call]));

    // Act / Assess
    await expect(deadline.expired).rejects.toEqual(new DeadlineExceededError(0.01, call));
  });

  it('ends a command whose endpoint never answers with exit 5, naming the call and the endpoint', async () => {
    // Prepare
    const silent = await startSilentServer();
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = silent.url;
    let err = '';
    const ctx: CliContext = {
      out: () => {},
      err: (text) => {
        err += text;
      },
      env: { AWS_ENDPOINT_URL_DYNAMODB: silent.url },
      clients: createClients,
      sleep: () => Promise.resolve(),
      username: () => 'jane',
    };

    try {
      // Act
      const code = await runCli(
        ['node', 'tenantctl', 'status', 'acme-corp', '--registry-table', 'registry', '--timeout', '0.5'],
        ctx,
      );

      // Assess
      expect(code).toBe(5);
      expect(err).toBe(
        `tenantctl: no answer from AWS within 0.5 s (waiting for DynamoDB GetItem at ${silent.url}); the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB=${silent.url}: check your network or VPN, or allow more time with --timeout <seconds>\n`,
      );
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      await silent.close();
    }
  });

  it.each([['0'], ['-1'], ['soon'], ['90000']])('refuses --timeout %s as bad input', async (value) => {
    // Prepare
    let err = '';
    const ctx: CliContext = {
      out: () => {},
      err: (text) => {
        err += text;
      },
      env: {},
      clients: createClients,
      sleep: () => Promise.resolve(),
      username: () => 'jane',
    };

    // Act
    const code = await runCli(['node', 'tenantctl', '--timeout', value, 'plan', 'acme-corp', '--tier', 'pro'], ctx);

    // Assess
    expect(code).toBe(2);
    expect(err).toContain('--timeout: must be a number of seconds greater than 0 and at most 86400');
  });
});
