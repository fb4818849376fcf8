/**
 * TLS for local PostgreSQL servers: a certificate authority standing in for the RDS CA, and server certificates it
 * signs for 127.0.0.1 and localhost. Clients verify a local server exactly as they verify RDS (`rejectUnauthorized`
 * plus the CA file), so a path that skips verification fails locally as it would in AWS. Keys are made by `openssl`
 * (P-256), which every supported system has.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { OsUser } from '../postgres/binaries';

/** A certificate authority's files: the certificate clients trust and the key that signs server certificates. */
export interface CertificateAuthority {
  certFile: string;
  keyFile: string;
}

/** How long a local CA is valid: longer than any local state directory is kept. */
const CA_DAYS = 3650;
/** How long a server certificate is valid; it is issued again when less than {@link RENEW_BEFORE_DAYS} remain. */
const SERVER_DAYS = 397;
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Creates a self-signed CA in `dir` (`ca.pem`, and `ca.key` readable by its owner only); `dir` must not exist. Written
 * to a staging folder and renamed into place, so a crash never leaves a CA without its key.
 */
export function createCertificateAuthority(dir: string, commonName: string, days = CA_DAYS): CertificateAuthority {
  mkdirSync(dirname(dir), { recursive: true });
  const staging = mkdtempSync(`${dir}.staging-`);
  try {
    openssl(
      [
        'req',
        '-x509',
        ...EC_KEY,
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        String(days),
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      staging,
    );
    chmodSync(join(staging, 'ca.key'), 0o600);
    chmodSync(join(staging, 'ca.pem'), 0o644);
    chmodSync(staging, 0o755);
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return certificateAuthorityIn(dir);
}

/** The CA kept in `dir`, created there the first time. */
export function ensureCertificateAuthority(dir: string, commonName: string): CertificateAuthority {
  if (!existsSync(join(dir, 'ca.key'))) return createCertificateAuthority(dir, commonName);
  return certificateAuthorityIn(dir);
}

function certificateAuthorityIn(dir: string): CertificateAuthority {
  return { certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca.key') };
}

/**
 * Issues a certificate for 127.0.0.1 and localhost signed by `ca` and installs it as `server.crt` and `server.key` in
 * `dataDir`, mode 0600 and owned by `runAs` when given: PostgreSQL refuses a key others can read or another user owns.
 * The key is made in a private scratch folder beside `dataDir` and never leaves the machine.
 */
export function installServerCertificate(ca: CertificateAuthority, dataDir: string, runAs?: OsUser): void {
  const scratch = mkdtempSync(join(dirname(dataDir), '.tls-'));
  try {
    chmodSync(scratch, 0o700);
    writeFileSync(join(scratch, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(['req', ...EC_KEY, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], scratch);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        ca.certFile,
        '-CAkey',
        ca.keyFile,
        '-set_serial',
        // Unique per certificate without a serial file beside the CA; the leading 1 keeps it positive.
        `0x1${randomBytes(15).toString('hex')}`,
        '-out',
        'server.crt',
        '-days',
        String(SERVER_DAYS),
        '-extfile',
        'server.ext',
      ],
      scratch,
    );
    for (const file of ['server.crt', 'server.key']) {
      const target = join(dataDir, file);
      renameSync(join(scratch, file), target);
      chmodSync(target, 0o600);
      if (runAs) chownSync(target, runAs.uid, runAs.gid);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether a certificate valid until `validTo` must be issued again at `now`. */
export function certificateNeedsRenewal(validTo: Date, now: Date): boolean {
  return validTo.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS;
}

/** When the server certificate in `dataDir` expires; undefined when it is missing or unreadable. */
export function serverCertificateExpiry(dataDir: string): Date | undefined {
  try {
    return new Date(new X509Certificate(readFileSync(join(dataDir, 'server.crt'))).validTo);
  } catch {
    return undefined;
  }
}
