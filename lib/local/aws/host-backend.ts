/**
 * The RDS double's instances as real PostgreSQL servers of a {@link LocalInstanceHost}: the local platform's backend.
 *
 * @module
 */
import { LocalInstanceNotFoundError, LocalSnapshotNotFoundError } from '../errors';
import type { InstanceDescription, LocalInstanceHost } from '../host';
import type { BackendEndpoint, InstanceBackend } from './rds-backend';

/**
 * The name clients connect to: the local CA's server certificates name `localhost` and 127.0.0.1, and a host name
 * (as RDS endpoints are) lets a client verify it exactly as it verifies RDS.
 */
const LOCAL_ADDRESS = 'localhost';

function endpointOf(instance: InstanceDescription): BackendEndpoint {
  return { address: LOCAL_ADDRESS, port: instance.endpoint.port };
}

/** Runs `work`, treating "already gone" as done: a deletion repeated after a crash, or of what was never made. */
async function unlessGone(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof LocalInstanceNotFoundError || error instanceof LocalSnapshotNotFoundError)) throw error;
  }
}

/**
 * An {@link InstanceBackend} on `host`: every RDS instance a server of its own (TLS from the local CA, connections
 * from loopback only), every snapshot a copy of a cleanly stopped data folder.
 *
 * @example
 * ```ts
 * const host = new LocalInstanceHost({ stateDir });
 * const double = new AwsDouble({ clock: followWallClock().clock, instanceBackend: hostBackend(host) });
 * ```
 */
export function hostBackend(host: LocalInstanceHost): InstanceBackend {
  return {
    create: async (instanceId, input) => endpointOf(await host.create(instanceId, input)),
    start: async (instanceId) => endpointOf(await host.start(instanceId)),
    stop: async (instanceId) => {
      await host.stop(instanceId);
    },
    delete: (instanceId) => unlessGone(() => host.delete(instanceId)),
    snapshot: async (instanceId, snapshotId) => {
      await host.snapshot(instanceId, snapshotId);
    },
    restore: async (snapshotId, instanceId, input) => {
      // The master user comes with the data; only its password can change.
      const { masterUsername } = host.describeSnapshot(snapshotId);
      if (masterUsername !== input.masterUsername) {
        throw new Error(`snapshot ${snapshotId} has master user ${masterUsername}, not ${input.masterUsername}`);
      }
      return endpointOf(await host.restore(snapshotId, instanceId, { masterPassword: input.masterPassword }));
    },
    deleteSnapshot: (snapshotId) => unlessGone(() => host.deleteSnapshot(snapshotId)),
  };
}
