import { InstanceFailedError, RetryableError } from '../../../../lambdas/shared/errors';
import {
  assertPowerable,
  decideStart,
  decideStop,
  instanceOf,
  type PowerDecision,
} from '../../../../lambdas/shared/lifecycle/instance';

describe('what a status allows', () => {
  it.each<[string, PowerDecision, PowerDecision]>([
    ['available', 'request', 'already'],
    ['stopping', 'already', 'wait'],
    ['stopped', 'already', 'request'],
    ['starting', 'wait', 'already'],
    ['backing-up', 'wait', 'already'],
    ['modifying', 'wait', 'already'],
  ])('an instance %s: stop %s, start %s', (status, stop, start) => {
    expect([decideStop(status), decideStart(status)]).toEqual([stop, start]);
  });

  it.each([
    ['backing-up', RetryableError],
    ['starting', RetryableError],
    ['storage-full', InstanceFailedError],
    ['failed', InstanceFailedError],
    ['incompatible-parameters', InstanceFailedError],
    ['inaccessible-encryption-credentials', InstanceFailedError],
  ])('waiting on %s throws %p', (status, errorClass) => {
    expect(() => assertPowerable('tenant-acme', status, 'stop')).toThrow(errorClass);
  });
});

describe('instanceOf', () => {
  it('reads the instance and Region from the registry record the take returned', () => {
    expect(
      instanceOf({
        outcome: 'TAKEN',
        tenantId: 'acme',
        operation: 'suspend',
        executionArn: 'x',
        instanceId: 'db-1',
        region: 'eu-west-1',
      }),
    ).toEqual({ instanceId: 'db-1', region: 'eu-west-1' });
  });

  it('names the tenant whose record has no instance', () => {
    expect(() => instanceOf({ outcome: 'TAKEN', tenantId: 'acme', operation: 'suspend', executionArn: 'x' })).toThrow(
      'the registry record of tenant acme names no instance; nothing to suspend',
    );
  });
});
