import type { HandlerBundle } from './bundles';
import type { CliStartupBench } from './cli-startup';
import { formatKiB, formatMs, formatRatio, formatUsd, renderSection, renderTable } from './format';
import { COMPARED, type ComparedFigure, figure, OFFSETS_SECONDS, type ProvisioningComparison } from './provisioning';
import { API_LATENCY_MS, PRICES } from './simulation';
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
      `node ms: median wall time of \`node -e ""\`; init ms: of \`node -e "require('<bundle>')"\`; ${runs} fresh processes`,
      'each, alternating; both with the deployed NODE_OPTIONS=--enable-source-maps and @aws-sdk/* from node_modules',
      '(as Lambda loads the runtime’s copy). init/node: how many bare Node starts the handler’s import costs.',
    ],
  );
}

const FIGURES: Readonly<Record<ComparedFigure, { label: string; format: (value: number) => string }>> = {
  transitions: { label: 'state transitions', format: (v) => v.toFixed(1) },
  lambdaInvocations: { label: 'Lambda invocations', format: (v) => v.toFixed(1) },
  lambdaGbSeconds: { label: 'Lambda GB-s', format: (v) => v.toFixed(2) },
  noticeDelaySeconds: { label: 'notice delay s', format: (v) => v.toFixed(1) },
  costUsd: { label: 'cost per tenant', format: formatUsd },
};

/** The simulated onboarding: per scenario, each compared figure for both definitions and naive ÷ platform. */
export function provisioningSection(comparisons: readonly ProvisioningComparison[]): string {
  const rows = comparisons.flatMap((c) =>
    COMPARED.map((name, i) => {
      const { label, format } = FIGURES[name];
      // The scenario is named on its first row only, so each group of rows reads as one block.
      const scenario = i === 0 ? [`${c.creationMinutes} min`, c.rdsEvent ? 'yes' : 'no'] : ['', ''];
      return [
        ...scenario,
        label,
        format(figure(c.platform, name)),
        format(figure(c.naive, name)),
        formatRatio(c.ratios[name]),
      ];
    }),
  );
  return renderSection(
    'Provisioning workflow, simulated',
    renderTable(
      [
        { header: 'RDS creation', align: 'left' },
        { header: 'RDS event', align: 'left' },
        { header: 'figure', align: 'left' },
        { header: 'platform' },
        { header: 'naive' },
        { header: 'naive/platform' },
      ],
      rows,
    ),
    [
      'One enterprise onboarding in the workflow harness (synthesized definition, real handlers, AWS double on a',
      'virtual clock, real PostgreSQL). platform: long-polling WaitForInstance (+ the RDS event when on);',
      `naive: a Wait 30 s / describe / Choice loop. Means of ${OFFSETS_SECONDS.length} runs, creation times offset`,
      `by 0 to ${OFFSETS_SECONDS.at(-1)} s; AWS calls take ${API_LATENCY_MS} ms. Notice delay: instance available → workflow`,
      'knows it. Cost: Step Functions Standard transitions + Lambda arm64 GB-s and requests,',
      `on-demand prices of ${PRICES.asOf}, free tiers left out.`,
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

/** tenantctl start-up: the built bundle's `--help` and `plan` against a bare Node start. */
export function cliStartupSection(bench: CliStartupBench): string {
  return renderSection(
    'tenantctl start-up',
    renderTable(
      [{ header: 'command', align: 'left' }, { header: 'median ms' }, { header: 'ratio' }],
      [
        ...bench.commands.map((c) => [c.label, formatMs(c.ms), formatRatio(c.ratio)]),
        ['node -e ""', formatMs(bench.bareMs), formatRatio(1)],
      ],
    ),
    [
      `The built tenantctl (npm run build: esbuild, ES modules, AWS SDK in chunks loaded only by commands that call AWS),`,
      `run as \`node tenantctl.mjs <args>\` in an empty folder; ${bench.runs} fresh processes each, alternating. Target: ≤ 4×.`,
    ],
  );
}
