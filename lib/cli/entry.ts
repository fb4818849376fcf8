import { main } from './main';
import { quietWarnings } from './quiet';

/**
 * The process entry point of the built tenantctl (lib/cli/package/build.mjs bundles from here). It ends the process
 * once the command has decided its exit code: a request abandoned at the deadline must not keep it alive.
 */
quietWarnings(process);
void main(process.argv).then((code) => process.exit(code));
