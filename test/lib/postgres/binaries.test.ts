import { execFile, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  binariesPackageDir,
  fingerprint,
  PostgresSetupError,
  placeBinaries,
  postgresBinaries,
} from '../../../lib/postgres/binaries';
import { initialiseCluster, startCluster } from '../../../lib/postgres/cluster';
import { REPOSITORY_ROOT } from '../../support/paths';
import { startPostgres, unusedPort } from '../../support/postgres';

/**
 * Where the PostgreSQL binaries run from. As root, PostgreSQL runs as the OS user `postgres`, which must reach them:
 * a root process gets a copy in a cache every user can read, so a checkout inside a folder others cannot enter
 * (under /root, in a `mktemp -d` folder) still works. The cases marked "as root" only mean something as root.
 */

const REPOSITORY = REPOSITORY_ROOT;
const isRoot = process.getuid?.() === 0;
const asRoot = isRoot ? test : test.skip;

const scratch: string[] = [];
function scratchDir(mode = 0o700): string {
  const dir = mkdtempSync(join(tmpdir(), 'pg-binaries-test-'));
  chmodSync(dir, mode);
  scratch.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A small stand-in for the package's native/ folder, written with a private umask's modes (0700/0600). */
function fakeNative(): string {
  const native = join(scratchDir(), 'native');
  mkdirSync(join(native, 'bin'), { recursive: true, mode: 0o700 });
  mkdirSync(join(native, 'lib'), { mode: 0o700 });
  writeFileSync(join(native, 'bin', 'postgres'), '#!/bin/sh\necho "postgres (PostgreSQL) 18.0"\n', { mode: 0o700 });
  writeFileSync(join(native, 'lib', 'libpq.so.5.18'), 'library', { mode: 0o600 });
  symlinkSync('libpq.so.5.18', join(native, 'lib', 'libpq.so.5'));
  chmodSync(native, 0o700);
  return native;
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('placeBinaries', () => {
  test('copies the folder under its version and fingerprint, readable and executable by every user', () => {
    const native = fakeNative();
    const cache = join(scratchDir(0o755), 'cache', 'postgres');

    const placed = placeBinaries(native, '18.0.0', cache);

    expect(placed).toBe(join(cache, `18.0.0-${fingerprint(native)}`));
    expect(mode(join(cache, '..'))).toBe(0o755);
    expect(mode(cache)).toBe(0o755);
    expect(mode(placed)).toBe(0o755);
    expect(mode(join(placed, 'bin'))).toBe(0o755);
    expect(mode(join(placed, 'bin', 'postgres'))).toBe(0o755);
    expect(mode(join(placed, 'lib', 'libpq.so.5.18'))).toBe(0o644);
    expect(readlinkSync(join(placed, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(readdirSync(cache)).toEqual([`18.0.0-${fingerprint(native)}`]);
  });

  test('reuses an existing copy, and makes a new one when the files differ', () => {
    const native = fakeNative();
    const cache = join(scratchDir(0o755), 'postgres');
    const first = placeBinaries(native, '18.0.0', cache);
    const inode = statSync(join(first, 'bin', 'postgres')).ino;

    expect(placeBinaries(native, '18.0.0', cache)).toBe(first);
    expect(statSync(join(first, 'bin', 'postgres')).ino).toBe(inode);

    writeFileSync(join(native, 'lib', 'libpq.so.5.18'), 'another build');
    const second = placeBinaries(native, '18.0.0', cache);
    expect(second).not.toBe(first);
    expect(readdirSync(cache).sort()).toEqual([first, second].map((dir) => dir.slice(cache.length + 1)).sort());
  });

  test('refuses a cache folder that others may write to, naming it', () => {
    const native = fakeNative();
    const cache = join(scratchDir(0o755), 'postgres');
    mkdirSync(cache);
    chmodSync(cache, 0o777);

    expect(() => placeBinaries(native, '18.0.0', cache)).toThrow(PostgresSetupError);
    expect(() => placeBinaries(native, '18.0.0', cache)).toThrow(`Refusing the PostgreSQL binaries cache ${cache}`);
  });

  test('processes placing the same binaries at once all get one complete copy', async () => {
    const native = fakeNative();
    const cache = join(scratchDir(0o755), 'postgres');
    const script = join(scratchDir(), 'place.ts');
    const module = join(REPOSITORY, 'lib', 'postgres', 'binaries.ts');
    writeFileSync(
      script,
      `import { placeBinaries } from ${JSON.stringify(module)};\n` +
        `process.stdout.write(placeBinaries(${JSON.stringify(native)}, '18.0.0', ${JSON.stringify(cache)}));\n`,
    );
    const place = () =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', script], { cwd: REPOSITORY }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );

    const placed = await Promise.all([place(), place(), place(), place()]);

    expect(new Set(placed)).toEqual(new Set([join(cache, `18.0.0-${fingerprint(native)}`)]));
    expect(readdirSync(cache)).toEqual([`18.0.0-${fingerprint(native)}`]);
    expect(readdirSync(join(placed[0] ?? '', 'lib')).sort()).toEqual(['libpq.so.5', 'libpq.so.5.18']);
  }, 60_000);
});

describe('postgresBinaries', () => {
  test('a normal user runs the binaries where npm installed them', () => {
    const binaries = postgresBinaries({ asRoot: false });

    expect(binaries.root).toBe(join(binariesPackageDir(), 'native'));
    expect(binaries.postgres).toBe(join(binariesPackageDir(), 'native', 'bin', 'postgres'));
    expect(binaries.runAs).toBeUndefined();
  });

  asRoot(
    'as root, a package inside a folder other users cannot enter still starts PostgreSQL',
    async () => {
      // The checkout stand-in: the real binaries package inside a 0700 folder.
      const packageDir = join(scratchDir(0o700), 'linux-x64');
      cpSync(binariesPackageDir(), packageDir, { recursive: true, verbatimSymlinks: true });
      const cacheDir = join(scratchDir(0o755), 'postgres');
      const dataDir = join(scratchDir(0o755), 'data');

      const binaries = postgresBinaries({ packageDir, cacheDir });

      expect(binaries.runAs?.name).toBe('postgres');
      expect(binaries.root.startsWith(`${cacheDir}/`)).toBe(true);
      // What the tests used to do, and what fails: the postgres user cannot reach the package where it is.
      const inPlace = spawnSync(join(packageDir, 'native', 'bin', 'postgres'), ['--version'], {
        uid: binaries.runAs?.uid,
        gid: binaries.runAs?.gid,
        cwd: '/',
      });
      expect(inPlace.error).toMatchObject({ code: 'EACCES' });
      await initialiseCluster(binaries, { dataDir, superuser: 'postgres', password: 'secret-for-tests' });
      const port = await unusedPort();
      const cluster = await startCluster(binaries, {
        dataDir,
        port,
        settings: { listen_addresses: '127.0.0.1', unix_socket_directories: '' },
      });
      try {
        const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password: 'secret-for-tests' });
        await client.connect();
        const { rows } = await client.query<{ server_encoding: string }>('SHOW server_encoding');
        await client.end();
        expect(rows[0]?.server_encoding).toBe('UTF8');
      } finally {
        await cluster.stop();
      }
    },
    60_000,
  );

  asRoot('as root, a data folder the postgres user cannot reach fails with the folder and the fix', async () => {
    const binaries = postgresBinaries();
    const dataDir = join(scratchDir(0o700), 'data');

    await expect(initialiseCluster(binaries, { dataDir, superuser: 'postgres', password: 'x' })).rejects.toThrow(
      `that user cannot write to ${dataDir}`,
    );
  });
});

describe('startCluster', () => {
  test('a server that does not start rejects with the end of its log', async () => {
    const binaries = postgresBinaries();
    const dataDir = join(scratchDir(0o755), 'data');
    await initialiseCluster(binaries, { dataDir, superuser: 'postgres', password: 'x', initdbFlags: ['--no-sync'] });

    await expect(
      startCluster(binaries, { dataDir, port: await unusedPort(), settings: { max_connections: 'many' } }),
    ).rejects.toThrow(/exited with code 1 before accepting connections[\s\S]*max_connections/);
  }, 60_000);
});

describe('the test PostgreSQL', () => {
  test('admits 200 connections by default, and takes another limit', async () => {
    const servers = await Promise.all([startPostgres(), startPostgres({ maxConnections: 300 })]);
    try {
      const limits = await Promise.all(
        servers.map(async (server) => {
          const client = await server.superuser();
          const { rows } = await client.query<{ max_connections: string }>('SHOW max_connections');
          await client.end();
          return rows[0]?.max_connections;
        }),
      );
      expect(limits).toEqual(['200', '300']);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  }, 60_000);
});
