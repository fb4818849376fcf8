// Rewrites the table of cdk.json context keys in docs/configuration.md from PLATFORM_CONTEXT_KEYS (lib/config.ts).
// Run with `npm run docs:config`; test/lib/docs/context-table.test.ts fails when the committed table differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM_CONTEXT_KEYS } from '../config';
import { CONFIGURATION_DOC, renderContextTable, replaceContextTable } from './context-table';

const path = join(__dirname, '..', '..', CONFIGURATION_DOC);
const before = readFileSync(path, 'utf8');
const after = replaceContextTable(before, renderContextTable(PLATFORM_CONTEXT_KEYS));
if (after === before) {
  console.log(`${CONFIGURATION_DOC}: the context-key table is up to date`);
} else {
  writeFileSync(path, after);
  console.log(`${CONFIGURATION_DOC}: rewrote the context-key table (${PLATFORM_CONTEXT_KEYS.length} keys)`);
}
