import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ALL_STAGES } from '../lambdas/catalog.js';
import { measureAwsUsage } from './aws-usage.js';
import { measureCliStartup } from './cli-startup.js';
import { awsCostModel, costModel, priceSourceOf, priceSources } from './cost-model.js';
import { measureExecutionQuotas } from './execution-quotas.js';
import { type Figure, figure, formatFigure, rounded } from './figures.js';
import { measureLambdaPackages } from './lambda-packages.js';
import { describeMachine } from './machine.js';
import { measureStudioScale } from './orchestration/studio-scale.js';
import { measureRenderAndRerun } from './render-and-rerun.js';
import { type BenchResults, replaceLatestRun, resultsMarkdown } from './results-markdown.js';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    productions: { type: 'string', default: '10' },
    scenes: { type: 'string', default: '80' },
    'time-scale': { type: 'string', default: '1' },
    'no-synth': { type: 'boolean', default: false },
    workers: { type: 'string' },
  },
});
/** The benchmarks, in the order their figures are listed. */
const SECTIONS = ['cli', 'quotas', 'render', 'studio', 'packages', 'aws', 'cost'];
const selected = (name: string) => !values.only || values.only.includes(name);
const MB = 1024 * 1024;
const figures: Figure[] = [];
const report = (f: Figure) => {
  figures.push(f);
  console.log(formatFigure(f));
};

const results: BenchResults = { ranAt: new Date().toISOString(), machine: describeMachine(), figures };

// As the CLI does (bin/dramaforge.ts): the SDK's notice that it will need Node 22 is noise from every worker here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The local runtime writes its handlers' environment into process.env (they read it at
 * import). Each pipeline benchmark gets the environment this process started with.
 */
const startingEnvironment = { ...process.env };
async function inStartingEnvironment<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in startingEnvironment)) delete process.env[name];
    Object.assign(process.env, startingEnvironment);
  }
}
console.log(`machine: ${results.machine.cpuModel}, ${results.machine.nproc} cores, node ${results.machine.node}`);

if (selected('cli')) {
  console.log('cli: build, then `dramaforge validate` against a bare node, median of 10 each...');
  const cli = await measureCliStartup({
    repositoryRoot,
    manifest: path.join(repositoryRoot, 'examples/tet-homecoming.yaml'),
    runs: 10,
  });
  results.cli = cli;
  report(figure('cli', 'cli validate / bare node', cli.cliOverBareNode, 'x', '<=', 5));
  console.log(`        ${cli.command}: ${rounded(cli.cliMs)} ms; node -e 0: ${rounded(cli.bareNodeMs)} ms`);
}

if (selected('quotas')) {
  console.log(
    'quotas: history events of real local runs (1x1, 1x5 and 2x1 episodes x scenes), and the worst case validation assumes...',
  );
  const quotas = await inStartingEnvironment(() => measureExecutionQuotas());
  results.quotas = quotas;
  report(figure('quotas', 'largest production held', quotas.largestProductionHeld, 'scenes', '>=', 6000));
  console.log(
    `        measured: ${quotas.eventsPerScene} events a scene, ${quotas.eventsPerEpisode} an episode's own, ${quotas.productionEventsPerEpisode} in the production per episode; ` +
      `worst case: ${quotas.worstCaseEventsPerScene} a scene, ${quotas.worstCaseLargestEpisode} for a 60-scene episode, ${quotas.worstCaseLargestProduction} for the largest production`,
  );
}

if (selected('aws')) {
  console.log(
    'aws: S3, DynamoDB and log usage of three local runs (1x1, 1x5, 2x1), then a cold produce of examples/tet-homecoming.yaml for storage and Task times...',
  );
  const aws = await inStartingEnvironment(() =>
    measureAwsUsage(path.join(repositoryRoot, 'examples/tet-homecoming.yaml'), 6),
  );
  results.aws = aws;
  console.log(
    `        a scene: ${JSON.stringify(aws.perScene)}; an episode: ${JSON.stringify(aws.perEpisode)}; a production: ${JSON.stringify(aws.perProduction)}; stored ${JSON.stringify(aws.render.storedBytes)} bytes for ${aws.render.scenes} scenes`,
  );
}

if (selected('cost')) {
  const sources = priceSources(await readFile(path.join(repositoryRoot, 'lambdas/core/pricing/pricing.ts'), 'utf8'));
  results.cost = (['offline', 'openai-compatible', 'bedrock'] as const).map((profile) => {
    const model = costModel(profile);
    return {
      ...model,
      lines: model.lines.map((line) => ({
        ...line,
        source: priceSourceOf(sources, line.provider, line.model) ?? 'no price: the offline profile is free',
      })),
      aws: awsCostModel(profile, ALL_STAGES),
    };
  });
  for (const model of results.cost)
    console.log(
      `cost (${model.profile}): $${model.totalUsd.toFixed(2)} for 16,000 scenes; AWS itself $${model.aws!.perProduction.totalUsd.toFixed(4)} a drama, $${model.aws!.perSeasonUsd.toFixed(2)} the season`,
    );
}

if (selected('packages')) {
  console.log('lambda packages: synthesizing and importing each bundle...');
  const packages = await measureLambdaPackages({
    repositoryRoot,
    stack: 'dramaforge-dev',
    initRuns: 10,
    synthesize: !values['no-synth'],
  });
  results.packages = packages;
  for (const fn of packages.filter((p) => p.bundleBytes > 0)) {
    report(figure('packages', `code ${fn.logicalId}`, fn.codeBytes / MB, 'MB', '<=', 1));
    if (fn.initMs !== undefined) report(figure('packages', `init ${fn.logicalId}`, fn.initMs, 'ms', '<=', 150));
    else console.log(`        init ${fn.logicalId}: not importable here (${fn.initError})`);
  }
}

if (selected('render')) {
  console.log('render: cold produce of examples/tet-homecoming.yaml, encoder floor, re-runs...');
  const render = await inStartingEnvironment(() =>
    measureRenderAndRerun(path.join(repositoryRoot, 'examples/tet-homecoming.yaml')),
  );
  results.render = render;
  report(figure('render', 'render / encoder floor', render.renderOverFloor, 'x', '<=', 1.2));
  console.log(
    `        cold produce ${rounded(render.cold.wallMs / 1000)} s, floor ${rounded(render.floorMs / 1000)} s, peak RSS ${rounded(render.cold.peakRssMb)} MB`,
  );
  report(figure('render', 're-run (new file, same content) / cold', render.rerunNewName.fractionOfCold, '', '<=', 1));
  report(figure('render', 're-run spend', render.rerunNewName.spentUsd, 'USD', '==', 0));
  report(figure('render', 're-run provider calls', render.rerunNewName.providerCalls, 'calls', '==', 0));
  report(figure('render', 'no-op re-run (same bytes) / cold', render.rerunSameBytes.fractionOfCold, '', '<=', 1));
  report(figure('render', 'no-op re-run spend', render.rerunSameBytes.spentUsd, 'USD', '==', 0));
}

if (selected('studio')) {
  if (values.workers !== undefined && !/^\d+$/.test(values.workers))
    throw new RangeError(`--workers takes a whole number of worker processes, not "${values.workers}"`);
  // As the CLI runs them: a worker process per core unless `--workers` says how many (0: the benchmark's process).
  const handlerWorkers = values.workers === undefined ? availableParallelism() : Number(values.workers);
  const productions = Number(values.productions);
  const scenes = Number(values.scenes);
  // The source's chapters: 20 a drama, of 3 to 5 scenes each; priorities mixed so upload order says nothing about them.
  const scenesPerEpisode = Math.min(scenes, 4);
  const priorities = [3, 8, 1, 10, 5, 6, 2, 9, 4, 7];
  console.log(
    `studio season: ${productions} productions of ${scenes} scenes, mixed priorities, time x${values['time-scale']}, handlers ${handlerWorkers > 0 ? `in ${handlerWorkers} worker processes` : "in the runtime's process"}...`,
  );
  const studio = await inStartingEnvironment(() =>
    measureStudioScale({
      productions: Array.from({ length: productions }, (_, index) => ({
        name: `season-${String(index + 1).padStart(2, '0')}`,
        priority: priorities[index % priorities.length]!,
        shape: { episodes: Math.ceil(scenes / scenesPerEpisode), scenesPerEpisode, characters: 4 },
      })),
      timeScale: Number(values['time-scale']),
      sceneMaxConcurrency: scenesPerEpisode,
      episodeMaxConcurrency: 10,
      videoWorkerMaxConcurrency: productions * 10 * scenesPerEpisode,
      baselineSampleScenes: 5,
      baselineRequestsPerSecond: 5,
      handlerWorkers,
    }),
  );
  results.studio = studio;
  report(figure('studio', 'studio makespan / bound', studio.makespanOverBound, 'x', '<=', 1.1));
  report(figure('studio', 'studio video utilisation', studio.providers.video.utilisation * 100, '%', '>=', 90));
  report(figure('studio', 'runtime CPU per scene', studio.runtimeCpuPerSceneSeconds, 's', '<=', 0.5));
  console.log(
    `        makespan ${rounded(studio.makespanMs / 1000)} s, bound ${rounded(studio.bound.boundMs / 1000)} s (${studio.bound.limitingProvider}); runtime process CPU ${rounded(studio.processCpuShare * 100)}% of one core; media tools ${rounded(studio.mediaToolsCpuPerSceneSeconds)} CPU-s a scene`,
  );
  console.log(
    `        finished after, by priority: ${Object.entries(studio.makespanByPriority)
      .map(([priority, ms]) => `${priority}: ${rounded(ms / 1000)} s`)
      .join(', ')}`,
  );
  if (!studio.ok) {
    const reasons = studio.productions
      .filter((production) => !production.ok)
      .map((production) => `${production.productionId}: ${production.reason}`);
    console.log(
      `        not every production completed: ${[...reasons, ...studio.failedScenes].slice(0, 10).join('; ')}`,
    );
    console.log(`        the season's data directory and outputs are kept in ${studio.keptWorkDir}`);
  }
  console.log(
    `        one scene after another: ${rounded(studio.sequential.projectedMs / 1000)} s; the pipeline is ${rounded(studio.pipelineSpeedup)}x faster`,
  );
}

console.log(`${figures.filter((f) => f.met).length} of ${figures.length} targets met`);

// A partial run (--only) replaces its own sections of the last run's record and keeps the rest.
const resultsFile = path.join(repositoryRoot, 'bench/results.json');
const previous = values.only
  ? await readFile(resultsFile, 'utf8').then(
      (text) => JSON.parse(text) as BenchResults,
      () => undefined,
    )
  : undefined;
const recorded: BenchResults = previous
  ? {
      ...previous,
      ...results,
      ranAt: previous.ranAt,
      machine: previous.machine,
      figures: [...previous.figures.filter((f) => !selected(f.section)), ...figures].sort(
        (a, b) => SECTIONS.indexOf(a.section) - SECTIONS.indexOf(b.section),
      ),
      sectionsRanAt: {
        ...previous.sectionsRanAt,
        ...Object.fromEntries(values.only!.map((name) => [name, results.ranAt])),
      },
      sectionMachines: {
        ...previous.sectionMachines,
        ...Object.fromEntries(values.only!.map((name) => [name, results.machine])),
      },
    }
  : results;
await writeFile(resultsFile, `${JSON.stringify(recorded, null, 2)}\n`);
const benchmarksFile = path.join(repositoryRoot, 'BENCHMARKS.md');
await writeFile(benchmarksFile, replaceLatestRun(await readFile(benchmarksFile, 'utf8'), resultsMarkdown(recorded)));
console.log('wrote bench/results.json and the latest run in BENCHMARKS.md');
