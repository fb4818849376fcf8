import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DaemonEndpoint,
  defaultStateDir,
  endpointFile,
  readEndpoint,
  removeEndpoint,
  writeEndpoint,
} from '../../../../lib/local/state-dir';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'state-dir-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const endpoint = (): DaemonEndpoint => ({
  pid: 4242,
  port: 41234,
  token: 'a'.repeat(48),
  startedAt: '2026-12-04T10:00:00.000Z',
  stateDir: dir,
  region: 'eu-west-1',
});

describe('defaultStateDir', () => {
  const asRoot = process.getuid?.() === 0;
  it.each([
    ['TENANT_DB_LOCAL_DIR first', { TENANT_DB_LOCAL_DIR: '/srv/tenant-db', XDG_STATE_HOME: '/x' }, '/srv/tenant-db'],
    [
      'XDG_STATE_HOME next (a normal user)',
      { XDG_STATE_HOME: '/home/jane/.state' },
      asRoot ? '/var/lib/tenant-db/local' : '/home/jane/.state/tenant-db/local',
    ],
    [
      '~/.local/state last (a normal user)',
      {},
      asRoot ? '/var/lib/tenant-db/local' : join(homedir(), '.local', 'state', 'tenant-db', 'local'),
    ],
  ])('takes %s', (_what, env, expected) => {
    expect(defaultStateDir(env)).toBe(expected);
  });
});

describe('endpoint file', () => {
  it('round-trips, readable by its owner only', () => {
    // Act
    writeEndpoint(dir, endpoint());
    // Assess
    expect(readEndpoint(dir)).toEqual(endpoint());
    expect(statSync(endpointFile(dir)).mode & 0o777).toBe(0o600);
  });

  it('replaces an earlier file whole', () => {
    // Prepare
    writeEndpoint(dir, endpoint());
    // Act
    writeEndpoint(dir, { ...endpoint(), port: 50000 });
    // Assess
    expect(readEndpoint(dir)?.port).toBe(50000);
    expect(JSON.parse(readFileSync(endpointFile(dir), 'utf8')).port).toBe(50000);
  });

  it('reads as not running when there is none, or after removeEndpoint', () => {
    expect(readEndpoint(dir)).toBeUndefined();
    writeEndpoint(dir, endpoint());
    removeEndpoint(dir);
    expect(readEndpoint(dir)).toBeUndefined();
  });

  it.each([
    ['not JSON', '{'],
    ['no token', JSON.stringify({ pid: 1, port: 2, startedAt: 'x', stateDir: '/x' })],
    [
      'a prototype-named payload',
      '{"__proto__": {"pid": 1, "port": 2, "token": "t", "startedAt": "x", "stateDir": "/x"}}',
    ],
  ])('refuses a file with %s, naming it', (_what, text) => {
    // Prepare
    writeFileSync(endpointFile(dir), text);
    // Act / Assess
    expect(() => readEndpoint(dir)).toThrow(`${endpointFile(dir)} is not a local platform endpoint file`);
  });
});
