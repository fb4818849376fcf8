#!/usr/bin/env node
// tenantctl is written in TypeScript (lib/cli); tsx compiles it on the fly, scoped to this import so the rest of
// the process keeps Node's own loader. Runs as `npx tenantctl` in the repository or `node bin/tenantctl.mjs`.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../lib/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv);
