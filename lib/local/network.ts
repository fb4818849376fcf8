/**
 * Loopback ports for local servers: a free one, whether a given one is free, and whether a port answers as a
 * PostgreSQL server with TLS (without logging in, so no credentials are needed to find a running server again).
 *
 * @module
 */
import { type AddressInfo, connect, createServer } from 'node:net';
import { LOOPBACK } from './rules';

/** A loopback port nothing listened on a moment ago (the system's choice: never a fixed one). */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, LOOPBACK, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Whether `port` can be bound on loopback right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, LOOPBACK, () => probe.close(() => resolve(true)));
  });
}

// PostgreSQL's SSLRequest: length 8, then the code 80877103. A server with TLS answers the single byte 'S'.
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** Whether a PostgreSQL server with TLS answers on `port`, within `timeoutMs`. */
export function answersAsPostgres(port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(SSL_REQUEST));
    socket.once('data', (chunk: Buffer) => done(chunk[0] === 'S'.charCodeAt(0)));
  });
}
