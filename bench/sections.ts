import type { HandlerBundle } from './bundles';
import { formatKiB, formatMs, formatRatio, renderSection, renderTable } from './format';
import type { SynthBench } from './synth';

/** Median figures of the migration benchmark (bench/migrations.ts). */
export interface MigrationBench {
  readonly runs: number;
  readonly migrations: number;
  readonly applyMs: number;
  readonly noopMs: number;
}

/** Per handler: bundle size and cold initialisation against a bare Node start. */
export function bundlesSection(bundles: readonly HandlerBundle[], runs: number): string {
  const rows = bundles.map((b) => [
    b.folder,
    formatKiB(b.bytes),
    formatKiB(b.gzipBytes),
    formatMs(b.bareMs),
    formatMs(b.loadMs),
    formatRatio(b.ratio),
  ]);
  return renderSection(
    'Handler bundles and cold initialisation',
    renderTable(
      [
        { header: 'handler', align: 'left' },
        { header: 'KiB' },
        { header: 'gzip KiB' },
        { header: 'node ms' },
        { header: 'init ms' },
        { header: 'init/node' },
      ],
      rows,
    ),
    [
      'KiB: minified index.js as NodejsFunction builds it (esbuild, node22, CJS, @aws-sdk/* external; map not counted).',
      `node ms: median wall time of \`node -e ""\`; init ms: of \`node -e "require('<bundle>')"\`; ${runs} runs each,`,
      'alternating, fresh processes, the stack’s NODE_OPTIONS, @aws-sdk/* loaded from node_modules as Lambda loads its own.',
    ],
  );
}

/** `cdk synth` of the platform app against an empty app in the same toolchain. */
export function synthSection(synth: SynthBench): string {
  return renderSection(
    'cdk synth',
    renderTable(
      [{ header: 'app', align: 'left' }, { header: 'median ms' }, { header: 'ratio' }],
      [
        ['platform (bin/app.ts)', formatMs(synth.platformMs), formatRatio(synth.ratio)],
        ['blank (bench/blank-app.ts)', formatMs(synth.blankMs), formatRatio(1)],
      ],
    ),
    [
      `Wall time of \`npx cdk synth --quiet -o <tmp>\`, ${synth.runs} runs each, interleaved; ratio: to the blank app.`,
      `The platform synth bundles ${synth.bundling.assets} functions with esbuild (${formatMs(synth.bundling.esbuildMs)} ms as esbuild reports it).`,
    ],
  );
}

/** Init migrations on a throwaway PostgreSQL: a fresh tenant database, then a retried (no-op) run. */
export function migrationsSection(migrations: MigrationBench): string {
  return renderSection(
    'Init migrations on PostgreSQL',
    renderTable(
      [{ header: 'run', align: 'left' }, { header: 'median ms' }],
      [
        [`first run (${migrations.migrations} migrations + app role)`, formatMs(migrations.applyMs)],
        ['no-op re-run (a retried step)', formatMs(migrations.noopMs)],
      ],
    ),
    [
      `${migrations.runs} runs, each on a new embedded PostgreSQL; times include connecting and authenticating,`,
      'not the server start.',
    ],
  );
}
