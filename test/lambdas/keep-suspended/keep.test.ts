import { startedInstanceOf } from '../../../lambdas/keep-suspended/keep';

const event = (eventId: string, detail: Record<string, string> = {}) => ({
  source: 'aws.rds',
  'detail-type': 'RDS DB Instance Event',
  detail: { EventID: eventId, SourceArn: 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme', ...detail },
});

describe('startedInstanceOf', () => {
  it.each<[string, unknown, string | undefined]>([
    ['RDS starting an instance after 7 days', event('RDS-EVENT-0154'), 'tenant-acme'],
    ['an instance started', event('RDS-EVENT-0088'), 'tenant-acme'],
    [
      'the identifier only',
      event('RDS-EVENT-0088', { SourceArn: '', SourceIdentifier: 'rds:tenant-acme' }),
      'tenant-acme',
    ],
    ['an instance stopped', event('RDS-EVENT-0087'), undefined],
    ['another source', { ...event('RDS-EVENT-0154'), source: 'aws.ec2' }, undefined],
  ])('reads %s', (_case, input, expected) => {
    expect(startedInstanceOf(input as never)).toBe(expected);
  });
});
