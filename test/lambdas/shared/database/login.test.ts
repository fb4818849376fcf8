import { loginFromSecret } from '../../../../lambdas/shared/database/login';
import { ConfigurationError } from '../../../../lambdas/shared/errors';

describe('loginFromSecret', () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-1-AbCdEf';

  it('reads username and password', () => {
    expect(loginFromSecret('{"username":"tenant_admin","password":"pw"}', arn)).toEqual({
      username: 'tenant_admin',
      password: 'pw',
    });
  });

  it.each([
    ['no SecretString', undefined],
    ['not JSON', 'hunter2-not-json'],
    ['a JSON string', '"hunter2-not-json"'],
    ['no password', '{"username":"tenant_admin"}'],
    ['an empty username', '{"username":"","password":"hunter2-not-json"}'],
  ])('rejects %s without quoting the secret', (_case, secretString) => {
    // Act
    const act = () => loginFromSecret(secretString, arn);

    // Assess
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(arn);
    expect(act).not.toThrow('hunter2');
  });
});
