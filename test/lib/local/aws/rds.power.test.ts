import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  RDSClient,
  StartDBInstanceCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { DEFAULT_RDS_TIMINGS, type RdsEventBridgeEvent } from '../../../../lib/local/aws';
import { createRequest, useAwsDouble } from '../../../../lib/local/aws/fixtures';

const DAY = 24 * 3600_000;
const rds = new RDSClient({ region: 'us-east-1' });
const ID = 'tenant-acme';

async function status(): Promise<string | undefined> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: ID }));
  return DBInstances?.[0]?.DBInstanceStatus;
}

const stop = () => rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: ID }));
const start = () => rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: ID }));
const { creationMs, backingUpMs, stoppingMs, startingMs } = DEFAULT_RDS_TIMINGS;

describe('RDS double: stopping and starting', () => {
  const aws = useAwsDouble();
  let events: RdsEventBridgeEvent[];

  beforeEach(async () => {
    events = [];
    aws().rds.onPowerEvent = (event) => events.push(event);
    await rds.send(new CreateDBInstanceCommand(createRequest(ID)));
    aws().clock.advance(creationMs + backingUpMs);
  });

  it('goes available → stopping → stopped, and starting → available, with RDS events', async () => {
    // Act
    await stop();
    const stopping = await status();
    aws().clock.advance(stoppingMs);
    const stopped = await status();
    await start();
    const starting = await status();
    aws().clock.advance(startingMs);

    // Assess
    expect([stopping, stopped, starting, await status()]).toEqual(['stopping', 'stopped', 'starting', 'available']);
    expect(events.map((e) => [e.detail.EventID, e.detail.SourceIdentifier])).toEqual([
      ['RDS-EVENT-0087', ID],
      ['RDS-EVENT-0088', ID],
    ]);
  });

  it.each<[string, () => Promise<unknown>]>([
    ['stop an instance that is not available (stopping)', async () => stop()],
    ['start an instance that is not stopped (stopping)', async () => start()],
  ])('refuses to %s with InvalidDBInstanceState', async (_case, act) => {
    // Prepare
    await stop();

    // Act / Assess
    await expect(act()).rejects.toBeInstanceOf(InvalidDBInstanceStateFault);
  });

  it('refuses to start an available instance', async () => {
    // Act / Assess
    await expect(start()).rejects.toBeInstanceOf(InvalidDBInstanceStateFault);
  });

  it('starts an instance by itself after 7 days stopped, announcing it with RDS-EVENT-0154', async () => {
    // Prepare
    await stop();
    aws().clock.advance(stoppingMs);

    // Act
    aws().clock.advance(7 * DAY);

    // Assess
    expect(await status()).toBe('starting');
    expect(events.at(-1)?.detail).toMatchObject({
      EventID: 'RDS-EVENT-0154',
      Message: 'DB instance is being started due to it exceeding the maximum allowed time being stopped.',
    });
    aws().clock.advance(startingMs);
    expect(await status()).toBe('available');
  });

  it('restarts the 7-day count at every stop', async () => {
    // Prepare: stopped 6 days, started, stopped again
    await stop();
    aws().clock.advance(stoppingMs + 6 * DAY);
    await start();
    aws().clock.advance(startingMs);
    await stop();
    aws().clock.advance(stoppingMs);

    // Act
    aws().clock.advance(6 * DAY);

    // Assess
    expect(await status()).toBe('stopped');
  });
});
