import { readFileSync } from 'node:fs';
import { readEnv, textWithDefault } from '../config';
import { ConfigurationError } from '../errors';

/**
 * TLS to the tenant database. RDS instances present a certificate signed by an RDS certificate authority, which is
 * not in Node's built-in trust store, and Node 20+ Lambda runtimes no longer load Amazon's CA certificates at start
 * (it slowed cold starts). The runtime still ships them in `/var/runtime/ca-cert.pem`, so that file is the default
 * bundle; set `RDS_CA_BUNDLE_PATH` to use another one (for example the RDS `global-bundle.pem` packaged with the
 * function, or a test CA).
 */
export const DEFAULT_RDS_CA_BUNDLE_PATH = '/var/runtime/ca-cert.pem';
export const RDS_CA_BUNDLE_PATH = textWithDefault('RDS_CA_BUNDLE_PATH', DEFAULT_RDS_CA_BUNDLE_PATH);

/**
 * How the runner connects: `{ ca }` verifies the server certificate chain and host name against that CA bundle;
 * `'disabled'` sends no TLS at all and exists for local test servers only (the handler never uses it).
 */
export type TlsSetting = { ca: string } | 'disabled';

/** The verifying TLS setting for RDS, or a {@link ConfigurationError} naming the missing bundle. */
export function rdsTls(path = readEnv(RDS_CA_BUNDLE_PATH)): TlsSetting {
  let ca: string;
  try {
    ca = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `cannot read the RDS CA bundle ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); set ${RDS_CA_BUNDLE_PATH.name}`,
    );
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigurationError(
      `the RDS CA bundle ${path} contains no PEM certificate; set ${RDS_CA_BUNDLE_PATH.name}`,
    );
  }
  return { ca };
}

/** The `ssl` option of a pg client for `tls`. */
export function pgSslOption(tls: TlsSetting): false | { rejectUnauthorized: true; ca: string } {
  return tls === 'disabled' ? false : { rejectUnauthorized: true, ca: tls.ca };
}
