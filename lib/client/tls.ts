import { existsSync, readFileSync } from 'node:fs';
import { TenantClientConfigError } from './errors';

/** Environment variable naming the RDS CA bundle file (the workflow's functions read the same one). */
export const RDS_CA_BUNDLE_ENV = 'RDS_CA_BUNDLE_PATH';
/** Where the Lambda Node.js runtimes keep Amazon's CA certificates, RDS's included. */
const LAMBDA_CA_BUNDLE_PATH = '/var/runtime/ca-cert.pem';

/**
 * Where the tenant databases' certificates are verified against: `ca` (PEM text), else `caFile`, else
 * `$RDS_CA_BUNDLE_PATH`, else the Lambda runtime's bundle. There is no way to turn verification off: RDS instances
 * of the platform force TLS, and an unverified connection would hand the password to whoever answers.
 */
export interface TlsOptions {
  /** PEM certificates, e.g. the content of RDS's `global-bundle.pem`. */
  ca?: string;
  /** Path of a PEM bundle, e.g. `/opt/certs/global-bundle.pem`. */
  caFile?: string;
}

/** The PEM bundle from `options`, or a {@link TenantClientConfigError} saying how to provide one. */
export function caBundle(options: TlsOptions = {}): string {
  if (options.ca !== undefined) return checkedPem(options.ca, 'tls.ca');
  const file =
    options.caFile ??
    process.env[RDS_CA_BUNDLE_ENV] ??
    (existsSync(LAMBDA_CA_BUNDLE_PATH) ? LAMBDA_CA_BUNDLE_PATH : undefined);
  if (!file) {
    throw new TenantClientConfigError(
      `no RDS CA bundle: pass tls.ca or tls.caFile, or set ${RDS_CA_BUNDLE_ENV} (download global-bundle.pem from the RDS documentation)`,
    );
  }
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TenantClientConfigError(
      `cannot read the RDS CA bundle ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return checkedPem(pem, file);
}

function checkedPem(pem: string, source: string): string {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new TenantClientConfigError(`the RDS CA bundle ${source} contains no PEM certificate`);
  }
  return pem;
}
