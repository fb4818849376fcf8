#!/usr/bin/env node
// tenantctl in the repository (`npx tenantctl`): runs the build in dist/tenantctl, which `npm ci` makes (the
// `prepare` script) and `npm run build` remakes after a change to lib/cli. Installed elsewhere, the package built
// there has its own entry point (see the README: "Installing tenantctl").
import { existsSync } from 'node:fs';

const entry = new URL('../dist/tenantctl/tenantctl.mjs', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tenantctl: not built yet: run `npm run build` in the repository, then try again\n');
  process.exit(3);
}
await import(entry.href);
