import { instancesToResume } from '../../../../lib/local/daemon/resume';

describe('servers started again with the daemon', () => {
  it.each([
    ['available', 'stopped', true],
    ['backing-up', 'stopped', true],
    ['modifying', 'stopped', true],
    ['starting', 'stopped', true],
    ['stopping', 'stopped', true],
    ['stopped', 'stopped', false],
    ['deleting', 'stopped', false],
    ['creating', 'stopped', false],
    ['available', 'available', false],
    ['available', 'failed', false],
  ])('RDS %s, server %s → resumed: %s', (rdsStatus, serverStatus, resumed) => {
    // Act
    const ids = instancesToResume(
      [{ identifier: 'tenant-acme', status: rdsStatus }],
      [{ instanceId: 'tenant-acme', status: serverStatus as 'stopped' }],
    );

    // Assess
    expect(ids).toEqual(resumed ? ['tenant-acme'] : []);
  });

  it('ignores servers RDS does not know and RDS instances without a server', () => {
    expect(
      instancesToResume(
        [{ identifier: 'tenant-a', status: 'available' }],
        [{ instanceId: 'tenant-b', status: 'stopped' }],
      ),
    ).toEqual([]);
  });
});
