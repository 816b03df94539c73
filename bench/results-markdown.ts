import { AWS_LIST_PRICES } from '../lambdas/core/pricing/aws-prices.js';
import type { AwsUsageResult } from './aws-usage.js';
import type { CliStartupResult } from './cli-startup.js';
import type { SourcedCostModel } from './cost-model.js';
import type { ExecutionQuotasResult } from './execution-quotas.js';
import { type Figure, rounded } from './figures.js';
import type { FunctionPackage } from './lambda-packages.js';
import type { Machine } from './machine.js';
import type { StudioScaleResult } from './orchestration/studio-scale.js';
import type { RenderAndRerunResult } from './render-and-rerun.js';

export interface BenchResults {
  ranAt: string;
  /** When a section was last measured by a partial run (`--only`), if not at `ranAt`. */
  sectionsRanAt?: Record<string, string>;
  /** The machine a partial run measured a section on; `machine` is the one the full run measured on. */
  sectionMachines?: Record<string, Machine>;
  machine: Machine;
  figures: Figure[];
  cli?: CliStartupResult;
  quotas?: ExecutionQuotasResult;
  cost?: SourcedCostModel[];
  aws?: AwsUsageResult;
  packages?: FunctionPackage[];
  render?: RenderAndRerunResult;
  studio?: StudioScaleResult;
}

export const LATEST_RUN_START = '<!-- latest run: written by npm run bench -->';
export const LATEST_RUN_END = '<!-- end of latest run -->';

/** BENCHMARKS.md with the text between the markers replaced; the hand-written analysis around it stays. */
export function replaceLatestRun(document: string, latest: string): string {
  const start = document.indexOf(LATEST_RUN_START);
  const end = document.indexOf(LATEST_RUN_END);
  if (start < 0 || end < start)
    throw new Error(`BENCHMARKS.md needs the markers "${LATEST_RUN_START}" and "${LATEST_RUN_END}"`);
  return `${document.slice(0, start + LATEST_RUN_START.length)}\n${latest}\n${document.slice(end)}`;
}

const table = (header: string[], rows: (string | number)[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
const seconds = (ms: number) => `${rounded(ms / 1000)} s`;
const usd = (value: number) =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A count in full, a measure to three figures. */
const quantity = (value: number) => (Number.isInteger(value) ? value.toLocaleString('en-US') : String(rounded(value)));

const sameMachine = (a: Machine, b: Machine) =>
  a.cpuModel === b.cpuModel && a.nproc === b.nproc && a.node === b.node && a.platform === b.platform;

export function resultsMarkdown(results: BenchResults): string {
  const m = results.machine;
  const remeasured = (name: string, at: string) => {
    const machine = results.sectionMachines?.[name];
    return `${name} at ${at}${machine && !sameMachine(machine, m) ? ` on ${machine.cpuModel}, ${machine.nproc} cores, Node ${machine.node}, ${machine.platform}` : ''}`;
  };
  const parts: string[] = [
    `Run ${results.ranAt}${
      results.sectionsRanAt
        ? ` (re-measured since: ${Object.entries(results.sectionsRanAt)
            .map(([name, at]) => remeasured(name, at))
            .join(', ')})`
        : ''
    } on ${m.cpuModel}, ${m.nproc} cores (\`nproc\`), memory \`${m.memory}\` (\`free -h\`), Node ${m.node}, ${m.platform}; ${m.ffmpeg}.`,
    '',
    table(
      ['figure', 'value', 'target', ''],
      results.figures.map((f) => [
        f.name,
        `${rounded(f.value)} ${f.unit}`,
        `${f.target.op} ${f.target.value} ${f.unit}`,
        f.met ? 'met' : '**missed**',
      ]),
    ),
  ];
  if (results.cli) {
    const c = results.cli;
    parts.push(
      '',
      `**CLI start**: \`${c.command}\` ${rounded(c.cliMs)} ms, \`node -e 0\` ${rounded(c.bareNodeMs)} ms (medians of ${c.runs}, alternated); ratio ${rounded(c.cliOverBareNode)}x.`,
    );
  }
  if (results.quotas) {
    const q = results.quotas;
    parts.push(
      '',
      `**Execution history** (events as Step Functions writes them, counted by the local runner): measured ${q.eventsPerScene} a scene, ${q.eventsPerEpisode} an episode's own, ${q.productionEventsPerEpisode} in the production per episode. ` +
        `Worst case validation assumes (every Task exhausting its retries): ${q.worstCaseEventsPerScene} a scene, ${q.worstCaseLargestEpisode} for a 60-scene episode, ${q.worstCaseLargestProduction} for the largest production; ` +
        `an episode holds ${q.largestEpisodeHeld} scenes with 2x headroom, so the largest production held is ${q.largestProductionHeld} scenes.`,
      '',
      table(
        ['run (episodes x scenes)', 'production events', 'episode events'],
        q.runs.map((run) => [
          `${run.shape.episodes} x ${run.shape.scenesPerEpisode}`,
          run.productionEvents,
          run.episodeEvents.join(', '),
        ]),
      ),
    );
  }
  if (results.render) {
    const r = results.render;
    parts.push(
      '',
      `**Render** of \`${r.manifest}\` from a cold cache: ${seconds(r.cold.wallMs)}; encoder floor ${seconds(r.floorMs)}; ratio ${rounded(r.renderOverFloor)}x; peak RSS of the produce process ${rounded(r.cold.peakRssMb)} MB (ffmpeg children not included). ` +
        `Episode: ${r.episode.video}+${r.episode.audio}, ${r.episode.width}x${r.episode.height} at ${rounded(r.episode.fps ?? 0)} fps, ${rounded(r.episode.durationSeconds ?? 0)} s, ${rounded(r.episode.bytes / 1024 / 1024)} MB.`,
      '',
      table(
        ['Task state', 'time summed over its runs'],
        Object.entries(r.cold.stageMilliseconds).map(([state, ms]) => [state, seconds(ms)]),
      ),
      '',
      table(
        ['run', 'wall', 'fraction of cold', 'spend', 'provider calls'],
        [
          ['cold (first)', seconds(r.cold.wallMs), '1', usd(r.cold.spentUsd), r.cold.providerCalls],
          [
            'same content, new file name',
            seconds(r.rerunNewName.wallMs),
            rounded(r.rerunNewName.fractionOfCold),
            usd(r.rerunNewName.spentUsd),
            r.rerunNewName.providerCalls,
          ],
          [
            'same bytes, same name (no-op)',
            seconds(r.rerunSameBytes.wallMs),
            rounded(r.rerunSameBytes.fractionOfCold),
            usd(r.rerunSameBytes.spentUsd),
            r.rerunSameBytes.providerCalls,
          ],
        ],
      ),
    );
  }
  if (results.studio && !Array.isArray(results.studio.productions)) {
    // A record from before the season benchmark: --only runs of other sections keep it, and its shape is not this one.
    parts.push(
      '',
      '**Studio season**: the recorded studio run predates the season benchmark; re-measure it with `npm run bench -- --only studio`.',
    );
  } else if (results.studio) {
    const s = results.studio;
    parts.push(
      '',
      `**Studio season**: ${s.productions.length} productions, ${s.scenes} scenes in all, time x${s.timeScale}, ${s.ok ? 'every production complete' : `not every production complete (${s.failedScenes.length} scenes did not)`}. ` +
        `Handlers ran ${s.handlerWorkers ? `in ${s.handlerWorkers} worker processes` : "in the runtime's process"}. The runtime's process used ${rounded(s.processCpuShare * 100)}% of one core over the run; ` +
        `${s.runtimeCpuPerSceneSeconds === undefined ? 'CPU per scene was not measured' : `the runtime and its workers used ${rounded(s.runtimeCpuPerSceneSeconds)} CPU-seconds a scene, and the media tools they ran ${rounded(s.mediaToolsCpuPerSceneSeconds)}`}. Makespan ${seconds(s.makespanMs)}; bound ${seconds(s.bound.boundMs)} ` +
        `(${s.bound.limitingProvider}: ${seconds(s.bound.throughputMs)} + one scene's critical path ${seconds(s.bound.criticalPathMs)}); ratio ${rounded(s.makespanOverBound)}x. ` +
        `One scene after another behind a rate limiter: ${seconds(s.sequential.projectedMs)} (measured on ${s.sequential.sampleScenes} scenes, scaled to ${s.scenes}); the pipeline is ${rounded(s.pipelineSpeedup)}x faster.`,
      '',
      table(
        ['provider', 'calls', 'latency (real)', 'concurrency', 'slot busy', 'utilisation', 'queued for a slot'],
        Object.entries(s.providers).map(([name, p]) => [
          name,
          p.calls,
          `${p.latencyMs} ms`,
          p.concurrency,
          seconds(p.busyMs),
          `${rounded(p.utilisation * 100)}%`,
          seconds(p.waitMs),
        ]),
      ),
      '',
      table(
        ['production', 'priority', 'scenes', 'outcome', 'finished after'],
        [...s.productions]
          .sort((a, b) => b.priority - a.priority)
          .map((p) => [
            p.productionId,
            p.priority,
            p.scenes,
            p.ok ? 'complete' : `not complete: ${p.reason}`,
            seconds(p.finishedAfterMs),
          ]),
      ),
      '',
      table(
        ['Task state', 'time summed over its runs'],
        Object.entries(s.stageMilliseconds).map(([state, ms]) => [state, seconds(ms)]),
      ),
    );
  }
  if (results.packages) {
    parts.push(
      '',
      table(
        ['function', 'own code', 'index.mjs', 'source maps', 'layers', 'init (median of 10)'],
        results.packages.map((p) => [
          p.logicalId,
          `${rounded(p.codeBytes / 1024)} KB`,
          `${rounded(p.bundleBytes / 1024)} KB`,
          `${rounded(p.sourceMapBytes / 1024)} KB`,
          p.layers.map((layer) => layer.replace(/FilesLayer[0-9A-F]{8}$/, '')).join(', ') || 'none',
          p.initMs !== undefined ? `${rounded(p.initMs)} ms` : `not importable here: ${p.initError ?? 'no bundle'}`,
        ]),
      ),
    );
  }
  if (results.aws) {
    const a = results.aws;
    const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');
    const usageRow = (label: string, usage: AwsUsageResult['perScene']) => [
      label,
      rounded(usage.s3PutRequests),
      rounded(usage.s3GetRequests),
      rounded(usage.dynamoDbWriteUnits),
      rounded(usage.dynamoDbReadUnits),
      `${rounded(usage.logBytes / 1024)} KB`,
    ];
    parts.push(
      '',
      `**AWS usage** (the pipeline's own S3 and DynamoDB requests and its INFO logs, on three local runs with instant providers; storage and Task times from a cold \`produce\` of \`${a.render.manifest}\`, offline profile). Load average ${load(a.loadAverage.before)} before, ${load(a.loadAverage.after)} after, on ${results.sectionMachines?.aws?.nproc ?? results.machine.nproc} cores. Stored for its ${a.render.scenes} scenes: ${Object.entries(
        a.render.storedBytes,
      )
        .map(([share, bytes]) => `${share} ${rounded(bytes / 1024 / 1024)} MB`)
        .join(', ')}.`,
      '',
      table(
        ['share', 'S3 PUT class', 'S3 GET class', 'DynamoDB WRU', 'DynamoDB RRU', 'log bytes'],
        [
          usageRow('a scene', a.perScene),
          usageRow("an episode's own", a.perEpisode),
          usageRow("a production's own", a.perProduction),
        ],
      ),
      '',
      table(
        ['Task state', 'runs', 'time summed', 'time a run'],
        Object.entries(a.render.stageMilliseconds).map(([state, ms]) => {
          const runs = a.render.stageRuns[state] ?? 0;
          return [state, runs, seconds(ms), runs > 0 ? seconds(ms / runs) : 'n/a'];
        }),
      ),
    );
  }
  if (results.cost) {
    for (const model of results.cost) {
      parts.push(
        '',
        `**Cost, profile \`${model.profile}\`** (price table ${model.priceTableVersion}): ${usd(model.totalUsd)} in total.`,
        '',
        table(
          ['stage', 'model', 'calls', 'usage per call', 'cost', 'price source'],
          model.lines.map((l) => [
            l.stage,
            `${l.provider}/${l.model}`,
            l.calls.toLocaleString('en-US'),
            JSON.stringify(l.usage).replace(/"/g, '').replace(/,/g, ', '),
            usd(l.usd),
            l.source,
          ]),
        ),
      );
      if (model.aws) {
        const { perProduction, dramas, perSeasonUsd } = model.aws;
        const price = (key: keyof typeof AWS_LIST_PRICES.prices) => {
          const listed = AWS_LIST_PRICES.prices[key];
          return `$${listed.usd} per ${listed.per.toLocaleString('en-US')} ${listed.unit}, ${listed.source} as of ${listed.asOf}${listed.verified ? '' : ' (not read on that page: see lambdas/core/pricing/aws-prices.ts)'}`;
        };
        parts.push(
          '',
          `**AWS itself, profile \`${model.profile}\`**: $${perProduction.totalUsd.toFixed(4)} a drama (one production of 20 episodes of 4 scenes), ${usd(perSeasonUsd)} the season of ${dramas}.`,
          '',
          table(
            ['service', 'item', 'a drama', 'cost a drama', 'the season', 'cost the season', 'list price'],
            perProduction.lines.map((l) => [
              l.service,
              l.item,
              `${quantity(l.quantity)} ${l.unit}`,
              `$${l.usd.toFixed(4)}`,
              `${quantity(dramas * l.quantity)} ${l.unit}`,
              usd(dramas * l.usd),
              price(l.price),
            ]),
          ),
        );
      }
    }
  }
  return parts.join('\n');
}
