import { timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import { BudgetLedger } from '../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import { ManifestInvalid, type ManifestProblem } from '../../lambdas/core/contracts/errors.js';
import { assetKeys, dubStem } from '../../lambdas/core/contracts/keys.js';
import type { SceneRecord } from '../../lambdas/core/domain/production-model.js';
import type {
  DubSummary,
  EpisodeSummary,
  StoredScript,
  StoredVoiceCues,
} from '../../lambdas/core/domain/scene-artifacts.js';
import type { ManifestScene, SeriesEpisode, SeriesManifest } from '../../lambdas/core/manifest/schema.js';
import { findLanguage } from '../../lambdas/core/text/languages.js';
import {
  candidatesWithCost,
  sceneConsistency,
  sceneFailureReason,
} from '../../lambdas/stages/finalize-production/production-report.js';
import { type Definition, type StateDefinition, taskStates } from '../../statemachines/production-definition.js';
import { redriveDeadLetters } from '../commands/dead-letters.js';
import { RerenderRefused, startRerender } from '../commands/rerender.js';
import { answerReview, ReviewRefused } from '../commands/review.js';
import { type ExecutionRecord, isAbandoned, type LocalRuntime } from '../runtime/index.js';
import {
  type ConsoleCut,
  type ConsoleExecution,
  type ConsoleProduction,
  type ConsoleProductionRow,
  type ConsoleScene,
  type ConsoleSceneDetail,
  ReviewAnswerSchema,
  type StateProgress,
} from './console-api.js';
import type { ExecutionHistories, HistoryEvent } from './execution-history.js';
import type { StepFunctionsApi } from './step-functions-api.js';

const require = createRequire(import.meta.url);

/** A package's folder: through its package.json, or, for one whose exports hide it, up from its entry point. */
function packageDir(name: string): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    let dir = path.dirname(require.resolve(name));
    while (
      !existsSync(path.join(dir, 'package.json')) ||
      (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name
    ) {
      if (path.dirname(dir) === dir) throw new Error(`no folder of ${name} found`);
      dir = path.dirname(dir);
    }
    return dir;
  }
}

/** Streams a file of the console's own; one gone missing ends the answer instead of the process. */
function sendFile(response: http.ServerResponse, file: string, headers: http.OutgoingHttpHeaders): void {
  const stream = createReadStream(file);
  stream.once('open', () => {
    response.writeHead(200, headers);
    stream.pipe(response);
  });
  stream.once('error', () => {
    if (!response.headersSent) sendJson(response, 404, { message: 'not found' });
    else response.destroy();
  });
}

/** The console's own files: a fixed list, so no request path ever names a file on disk. */
const CONSOLE_DIR = fileURLToPath(new URL('./console/', import.meta.url));
const CONSOLE_FILES: Record<string, { file: string; type: string }> = {
  '/console/': { file: path.join(CONSOLE_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/console/app.js': { file: path.join(CONSOLE_DIR, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/console/console.css': { file: path.join(CONSOLE_DIR, 'console.css'), type: 'text/css; charset=utf-8' },
};

/**
 * A font for every script a manifest may be written in, from the font packages: a headless browser
 * has none of its own, and a studio's machine may lack CJK or Thai. Served under /console/fonts/.
 */
export const CONSOLE_FONTS: Record<string, { file: () => string; type: string }> = {
  'dejavu-sans.ttf': {
    file: () => path.join(packageDir('dejavu-fonts-ttf'), 'ttf', 'DejaVuSans.ttf'),
    type: 'font/ttf',
  },
  'dejavu-sans-bold.ttf': {
    file: () => path.join(packageDir('dejavu-fonts-ttf'), 'ttf', 'DejaVuSans-Bold.ttf'),
    type: 'font/ttf',
  },
  'noto-sans-thai.ttf': {
    file: () => path.join(packageDir('@expo-google-fonts/noto-sans-thai'), '400Regular', 'NotoSansThai_400Regular.ttf'),
    type: 'font/ttf',
  },
  'noto-sans-sc.otf': {
    file: () => path.join(packageDir('@embedpdf/fonts-sc'), 'fonts', 'NotoSansHans-Regular.otf'),
    type: 'font/otf',
  },
  'noto-sans-tc.otf': {
    file: () => path.join(packageDir('@embedpdf/fonts-tc'), 'fonts', 'NotoSansHant-Regular.otf'),
    type: 'font/otf',
  },
  'noto-sans-jp.otf': {
    file: () => path.join(packageDir('@embedpdf/fonts-jp'), 'fonts', 'NotoSansJP-Regular.otf'),
    type: 'font/otf',
  },
  'noto-sans-kr.otf': {
    file: () => path.join(packageDir('@embedpdf/fonts-kr'), 'fonts', 'NotoSansKR-Regular.otf'),
    type: 'font/otf',
  },
};

const ASSET_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.wav': 'audio/wav',
  '.vtt': 'text/vtt; charset=utf-8',
  '.srt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
};

export interface ConsoleDeps {
  runtime: LocalRuntime;
  histories: ExecutionHistories;
  stepFunctions: StepFunctionsApi;
  /** Every mutating request carries it in `x-dramaforge-token`. */
  token: string;
  consistencyThreshold: number;
  onError: (error: unknown) => void;
}

class NotFound extends Error {}

/** A request the console refuses as written: answered 400 with the reason. */
class BadRequest extends Error {}

/** The most a mutating request's body may hold: notes are at most 2,000 characters. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** A mutating request's JSON body; none at all reads as `{}`. */
async function jsonBody(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw new BadRequest(`the body is over ${BODY_LIMIT_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('the body is not JSON');
  }
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** Per state of a definition, how far an execution got with it. */
export function stateProgress(
  definition: Definition,
  events: HistoryEvent[],
  executionStatus: string,
): Record<string, StateProgress> {
  const progress: Record<string, StateProgress> = {};
  const types = new Map<string, string>();
  const catchTargets = new Map<string, string[]>();
  const visit = (states: Record<string, StateDefinition>) => {
    for (const [name, state] of Object.entries(states)) {
      types.set(name, state.Type);
      catchTargets.set(
        name,
        ((state as { Catch?: { Next: string }[] }).Catch ?? []).map((rule) => rule.Next),
      );
      progress[name] = { entered: 0, exited: 0, failed: 0, status: 'NOT_STARTED' };
      const inner =
        (
          state as {
            ItemProcessor?: { States: Record<string, StateDefinition> };
            Iterator?: { States: Record<string, StateDefinition> };
          }
        ).ItemProcessor ?? (state as { Iterator?: { States: Record<string, StateDefinition> } }).Iterator;
      if (inner) visit(inner.States);
      if (state.Type === 'Map') progress[name]!.iterations = { started: 0, succeeded: 0, failed: 0 };
    }
  };
  visit(definition.States);
  const lastTask: string[] = [];
  for (const event of events) {
    const entered = event.stateEnteredEventDetails as { name?: string } | undefined;
    const exited = event.stateExitedEventDetails as { name?: string } | undefined;
    const iteration = event.mapIterationStartedEventDetails as { name?: string } | undefined;
    if (entered?.name && progress[entered.name]) {
      progress[entered.name]!.entered += 1;
      if (types.get(entered.name) === 'Task') lastTask.push(entered.name);
      if (types.get(entered.name) === 'Fail') progress[entered.name]!.failed += 1;
    } else if (exited?.name && progress[exited.name]) {
      progress[exited.name]!.exited += 1;
    } else if (event.type === 'TaskFailed' && lastTask.length > 0) {
      // Failures carry no state name; the latest Task entered and not yet exited is the one that failed.
      const open = [...lastTask]
        .reverse()
        .find((name) => progress[name]!.entered > progress[name]!.exited + progress[name]!.failed);
      if (open) progress[open]!.failed += 1;
    } else if (iteration?.name && progress[iteration.name]?.iterations) {
      const counts = progress[iteration.name]!.iterations!;
      if (event.type === 'MapIterationStarted') counts.started += 1;
      else if (event.type === 'MapIterationSucceeded') counts.succeeded += 1;
      else if (event.type === 'MapIterationFailed') counts.failed += 1;
    }
  }
  for (const [name, state] of Object.entries(progress)) {
    const type = types.get(name);
    if (state.entered === 0) state.status = 'NOT_STARTED';
    else if (type === 'Fail') state.status = 'FAILED';
    else if (state.exited >= state.entered) state.status = 'SUCCEEDED';
    else if (executionStatus === 'RUNNING' && state.failed === 0) state.status = 'RUNNING';
    // A failure a Catch took shows as the Step Functions console shows it: caught, not failed.
    else
      state.status = (catchTargets.get(name) ?? []).some((target) => (progress[target]?.entered ?? 0) > 0)
        ? 'CAUGHT'
        : 'FAILED';
  }
  return progress;
}

/**
 * The console at /console/ and its JSON API at /api/: what runs, what it cost, what each scene
 * looks like, and the studio's actions. Reads answer anyone who can reach 127.0.0.1 (a cross-site
 * page cannot read them); every mutating request needs the token printed at start.
 */
export function consoleHandler(deps: ConsoleDeps) {
  const { runtime } = deps;
  const document = DynamoDBDocumentClient.from(runtime.dynamo);
  const productions = new ProductionStore(document, runtime.names.table);
  const ledger = new BudgetLedger(document, runtime.names.table);
  const assets = new AssetStore(runtime.s3, runtime.names.bucket);
  // A bible's episodes have no scene cards until the development stage writes them into this manifest.
  const manifestOf = (productionId: string) =>
    assets.findJson<SeriesManifest>(assetKeys.normalizedManifest(productionId));
  /** Every problem a rejected manifest had, as validation wrote them next to it. */
  const problemsOf = async (manifestKey: string | undefined) =>
    manifestKey
      ? (await assets.findJson<{ problems: ManifestProblem[] }>(assetKeys.manifestErrors(manifestKey)))?.problems
      : undefined;

  const statusOf = (record: ExecutionRecord) =>
    record.status === 'RUNNING' && isAbandoned(record) ? 'ABORTED' : record.status;

  async function listProductions(): Promise<ConsoleProductionRow[]> {
    const metas = await productions.listProductions();
    const executions = (await runtime.listExecutions()).filter((record) => record.kind === 'production');
    const rows = await Promise.all(
      metas.map(async (meta) => {
        const [scenes, manifest] = await Promise.all([
          productions.listScenes(meta.productionId),
          manifestOf(meta.productionId),
        ]);
        const execution = executions.find((record) => record.name === meta.executionName);
        return {
          productionId: meta.productionId,
          title: meta.title,
          language: meta.language,
          status: meta.status,
          executionName: meta.executionName,
          executionStatus: execution ? statusOf(execution) : undefined,
          scenesDone: scenes.filter((scene) => scene.status === 'COMPLETE').length,
          scenesTotal: scenes.length,
          spentUsd: meta.spentUsd,
          unconfirmedUsd: meta.unconfirmedUsd ?? 0,
          budgetUsd: meta.budgetUsd,
          priority: manifest?.priority,
          startedAt: execution?.startedAt ?? meta.createdAt,
          endedAt: execution?.endedAt,
        };
      }),
    );
    const opened = new Set(metas.map((meta) => meta.executionName));
    const rejected = await Promise.all(
      executions
        .filter((record) => !opened.has(record.name) && !metas.some((meta) => meta.manifestKey === record.manifestKey))
        .map(async (record) => ({
          executionName: record.name,
          manifestKey: record.manifestKey,
          executionStatus: statusOf(record),
          status: record.status === 'RUNNING' ? 'STARTING' : (record.error?.name ?? record.status),
          problems: record.error?.name === ManifestInvalid.errorName ? await problemsOf(record.manifestKey) : undefined,
          startedAt: record.startedAt,
          endedAt: record.endedAt,
        })),
    );
    return [...rows, ...rejected].sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
  }

  /** A scene with the card it is checked against and its lines: the script's once written, else the card's. */
  async function sceneView(scene: SceneRecord, card: ManifestScene | undefined): Promise<ConsoleScene> {
    const script = await assets.findJson<StoredScript>(assetKeys.script(scene));
    const kept = sceneConsistency(scene)?.consistency;
    return {
      episodeId: scene.episodeId,
      sceneId: scene.sceneId,
      index: scene.index,
      status: scene.status,
      attempts: scene.attempts,
      keyframeAttempts: scene.keyframeAttempts ?? [],
      // A scene scored before its threshold was recorded was held to the studio's.
      consistency: kept && { ...kept, threshold: kept.threshold ?? deps.consistencyThreshold },
      costUsd: scene.costUsd,
      durationSeconds: scene.durationSeconds,
      assets: scene.assets ?? {},
      card: card && {
        location: card.location,
        outline: card.outline,
        mood: card.mood,
        camera: card.camera,
        characters: card.characters,
      },
      dialogue: script?.lines ?? card?.dialogue ?? [],
      failedStage: scene.failedStage,
      failure: scene.failure,
      reason: scene.failure && sceneFailureReason(scene.failure, scene.failureCause),
      cause: scene.failureCause,
      updatedAt: scene.updatedAt,
    };
  }

  const charactersOf = (manifest: SeriesManifest | undefined) =>
    manifest?.characters.map((character) => ({ id: character.id, name: character.name })) ?? [];
  const cardOf = (episode: SeriesEpisode | undefined, sceneId: string) =>
    episode?.scenes?.find((scene) => scene.id === sceneId);

  /**
   * An episode's delivered cuts: the master, then each dub the manifest lists that was delivered,
   * from the summaries the assembly and the dub cut write beside them (what report.json is built from).
   */
  async function cutsOf(productionId: string, manifest: SeriesManifest, episode: SeriesEpisode): Promise<ConsoleCut[]> {
    const [master, dubs] = await Promise.all([
      assets.findJson<EpisodeSummary>(assetKeys.episodeSummary(productionId, episode.id)),
      Promise.all(
        (manifest.dubs ?? []).map((tag) =>
          assets.findJson<DubSummary>(assetKeys.dubSummary(productionId, episode.id, findLanguage(tag)?.tag ?? tag)),
        ),
      ),
    ]);
    const cut = (
      kind: ConsoleCut['kind'],
      language: string,
      stem: string,
      summary: EpisodeSummary | DubSummary,
      title: string,
    ): ConsoleCut => ({
      kind,
      language,
      languageName: findLanguage(language)?.name ?? language,
      title,
      video: assetKeys.episode(productionId, stem, 'mp4'),
      vtt: assetKeys.episode(productionId, stem, 'vtt'),
      srt: assetKeys.episode(productionId, stem, 'srt'),
      durationSeconds: summary.durationSeconds,
      width: manifest.format.width,
      height: manifest.format.height,
      // episode-cut.ts burns every cut's subtitles into its picture, the master's and each dub's.
      subtitlesBurnedIn: true,
      version: summary.inputsHash,
    });
    const cuts: ConsoleCut[] = [];
    if (master?.file)
      cuts.push(
        cut('master', findLanguage(manifest.language)?.tag ?? manifest.language, episode.id, master, episode.title),
      );
    for (const dub of dubs)
      if (dub?.file)
        cuts.push(cut('dub', dub.language, dubStem(episode.id, dub.language), dub, dub.title ?? episode.title));
    return cuts;
  }

  async function production(productionId: string): Promise<ConsoleProduction> {
    const meta = await productions.findProduction(productionId);
    if (!meta) throw new NotFound();
    const [manifest, scenes, costs, executions] = await Promise.all([
      manifestOf(productionId),
      productions.listScenes(productionId),
      ledger.listCosts(productionId),
      runtime.listExecutions(),
    ]);
    const cost = {
      byStage: {} as Record<string, number>,
      byProvider: {} as Record<string, number>,
      byModel: {} as Record<string, number>,
    };
    for (const row of costs) {
      const usd = row.status === 'RESERVED' ? 0 : row.usd;
      cost.byStage[row.stage] = (cost.byStage[row.stage] ?? 0) + usd;
      if (row.provider) cost.byProvider[row.provider] = (cost.byProvider[row.provider] ?? 0) + usd;
      if (row.model) cost.byModel[row.model] = (cost.byModel[row.model] ?? 0) + usd;
    }
    const runs = executions
      .filter((record) => record.kind === 'production' && record.manifestKey === meta.manifestKey)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .map((record) => ({
        name: record.name,
        status: statusOf(record),
        startedAt: record.startedAt,
        endedAt: record.endedAt,
      }));
    const episodes = manifest
      ? await Promise.all(
          manifest.episodes.map(async (episode) => ({
            id: episode.id,
            title: episode.title,
            scenes: await Promise.all(
              scenes
                .filter((scene) => scene.episodeId === episode.id)
                .sort((a, b) => a.index - b.index)
                .map((scene) => sceneView(scene, cardOf(episode, scene.sceneId))),
            ),
            cuts: await cutsOf(productionId, manifest, episode),
          })),
        )
      : [];
    return {
      productionId,
      title: meta.title,
      language: meta.language,
      status: meta.status,
      budgetUsd: meta.budgetUsd,
      spentUsd: meta.spentUsd,
      unconfirmedUsd: meta.unconfirmedUsd ?? 0,
      priority: manifest?.priority,
      executionName: meta.executionName,
      failure: meta.failure,
      // The review without its task token: a page shows what waits for a decision, not the capability to answer it.
      review: meta.review && {
        before: meta.review.before,
        cut: meta.review.cut,
        requestedAt: meta.review.requestedAt,
        expiresAt: meta.review.expiresAt,
        decision: meta.review.decision,
        decidedAt: meta.review.decidedAt,
        notes: meta.review.notes,
      },
      executions: runs,
      consistencyThreshold: deps.consistencyThreshold,
      characters: charactersOf(manifest),
      episodes,
      cost,
    };
  }

  async function scene(productionId: string, episodeId: string, sceneId: string): Promise<ConsoleSceneDetail> {
    const record = await productions.getScene(productionId, episodeId, sceneId).catch(() => undefined);
    if (!record) throw new NotFound();
    const ref = { productionId, episodeId, sceneId };
    const [cues, manifest, costs] = await Promise.all([
      assets.findJson<StoredVoiceCues>(assetKeys.voiceCues(ref)),
      manifestOf(productionId),
      record.videoCandidates?.length ? ledger.listCosts(productionId) : [],
    ]);
    const card = cardOf(
      manifest?.episodes.find((episode) => episode.id === episodeId),
      sceneId,
    );
    return {
      ...(await sceneView(record, card)),
      voiceCues: cues,
      consistencyThreshold: record.consistencyThreshold ?? deps.consistencyThreshold,
      language: manifest?.language,
      characters: charactersOf(manifest),
      candidates: record.videoCandidates?.length ? candidatesWithCost(record.videoCandidates, costs) : undefined,
    };
  }

  async function execution(name: string): Promise<ConsoleExecution> {
    const record = /^[A-Za-z0-9_-]{1,80}$/.test(name) ? await runtime.describeExecution(name) : undefined;
    if (!record) throw new NotFound();
    const machine = runtime.stateMachines.find(({ kind }) => kind === record.kind)!;
    const events = await deps.histories.of(name);
    const status = statusOf(record);
    const children = (await runtime.listExecutions())
      .filter((child) => child.parent === name)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((child) => ({
        name: child.name,
        status: statusOf(child),
        startedAt: child.startedAt,
        endedAt: child.endedAt,
      }));
    return {
      name,
      kind: record.kind,
      parent: record.parent,
      status,
      startedAt: record.startedAt,
      endedAt: record.endedAt,
      error: record.error,
      problems: record.error?.name === ManifestInvalid.errorName ? await problemsOf(record.manifestKey) : undefined,
      executionArn: runtime.executionArnOf(record),
      definition: machine.definition,
      tasks: taskStates(machine.definition).map(({ name: task }) => task),
      states: stateProgress(machine.definition, events, status),
      children,
    };
  }

  async function serveAsset(request: http.IncomingMessage, response: http.ServerResponse, key: string) {
    // Only a production's own objects, by a key of plain segments: no `..`, no empty segment, no manifest or cache entry.
    const segments = key.split('/');
    if (
      segments[0] !== 'productions' ||
      segments.length < 3 ||
      segments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('\\'))
    ) {
      throw new NotFound();
    }
    let object: GetObjectCommandOutput;
    try {
      object = await runtime.s3.send(
        new GetObjectCommand({ Bucket: runtime.names.bucket, Key: key, Range: request.headers.range }),
      );
    } catch (error) {
      if (
        (error as Error).name === 'NoSuchKey' ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      )
        throw new NotFound();
      throw error;
    }
    const extension = path.extname(key);
    const headers: http.OutgoingHttpHeaders = {
      'content-type': ASSET_TYPES[extension] ?? object.ContentType ?? 'application/octet-stream',
      'accept-ranges': 'bytes',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    };
    if (object.ContentLength !== undefined) headers['content-length'] = object.ContentLength;
    if (object.ContentRange) headers['content-range'] = object.ContentRange;
    response.writeHead(object.ContentRange ? 206 : 200, headers);
    (object.Body as Readable).pipe(response);
  }

  function events(request: http.IncomingMessage, response: http.ServerResponse) {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write('retry: 2000\n\n');
    const touched = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      response.write(`data: ${JSON.stringify({ executions: [...touched] })}\n\n`);
      touched.clear();
    };
    const unsubscribe = deps.histories.onEvent((executionName) => {
      touched.add(executionName);
      // Many events a second while scenes render, and each message makes the page read the table again: one a second is enough to redraw.
      timer ??= setTimeout(flush, 1000);
    });
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    request.on('close', () => {
      unsubscribe();
      clearInterval(keepAlive);
      if (timer) clearTimeout(timer);
    });
  }

  function tokenMatches(request: http.IncomingMessage): boolean {
    const given = Buffer.from(String(request.headers['x-dramaforge-token'] ?? ''));
    const expected = Buffer.from(deps.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async function act(request: http.IncomingMessage, pathname: string): Promise<unknown> {
    const rerender = /^\/api\/productions\/([^/]+)\/scenes\/([^/]+)\/([^/]+)\/rerender$/.exec(pathname);
    if (rerender) {
      const [productionId, episodeId, sceneId] = rerender.slice(1).map(decodeURIComponent) as [string, string, string];
      try {
        return await startRerender({ runtime, assets, productions }, { productionId, episodeId, sceneId });
      } catch (error) {
        if (error instanceof RerenderRefused) throw new NotFound();
        throw error;
      }
    }
    const review = /^\/api\/productions\/([^/]+)\/(approve|reject)$/.exec(pathname);
    if (review) {
      const productionId = decodeURIComponent(review[1]!);
      const decision = review[2] === 'approve' ? 'APPROVED' : 'REJECTED';
      const answer = ReviewAnswerSchema.safeParse(await jsonBody(request));
      if (!answer.success)
        throw new BadRequest(
          answer.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; '),
        );
      const notes = answer.data.notes || undefined;
      // As `dramaforge reject --notes` asks: the reason is what the page shows at the top of a rejected production.
      if (decision === 'REJECTED' && !notes) throw new BadRequest('a rejection needs notes: say why, for the report');
      try {
        return await answerReview({ runtime, productions }, { productionId, decision, notes });
      } catch (error) {
        if (error instanceof ReviewRefused) throw new NotFound();
        throw error;
      }
    }
    if (pathname === '/api/redrive')
      return { moved: await redriveDeadLetters(runtime.sqs, runtime.queueUrls.deadLetterQueueArn) };
    const stop = /^\/api\/executions\/([A-Za-z0-9_-]{1,80})\/stop$/.exec(pathname);
    if (stop) {
      const stopped = await runtime.stopExecution(stop[1]!, {
        error: 'StoppedFromConsole',
        cause: 'stopped in the studio console',
      });
      if (!stopped) throw new NotFound();
      return { name: stop[1], status: (await stopped).status };
    }
    throw new NotFound();
  }

  return async function handle(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    url: URL,
  ): Promise<boolean> {
    const { pathname } = url;
    const reading = request.method === 'GET' || request.method === 'HEAD';
    if (!pathname.startsWith('/console') && !pathname.startsWith('/api/') && pathname !== '/') return false;
    try {
      if (!reading) {
        if (!tokenMatches(request)) {
          sendJson(response, 403, { message: 'this needs the studio token (x-dramaforge-token)' });
          return true;
        }
        if (request.method !== 'POST') throw new NotFound();
        sendJson(response, 200, await act(request, pathname));
        return true;
      }
      if (pathname === '/' || pathname === '/console') {
        response.writeHead(302, { location: '/console/' });
        response.end();
        return true;
      }
      const file = CONSOLE_FILES[pathname];
      if (file) {
        sendFile(response, file.file, {
          'content-type': file.type,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        return true;
      }
      const font = pathname.startsWith('/console/fonts/')
        ? CONSOLE_FONTS[pathname.slice('/console/fonts/'.length)]
        : undefined;
      if (font) {
        sendFile(response, font.file(), { 'content-type': font.type, 'cache-control': 'max-age=86400' });
        return true;
      }
      if (pathname === '/api/events') {
        events(request, response);
        return true;
      }
      if (pathname === '/api/productions') {
        sendJson(response, 200, await listProductions());
        return true;
      }
      if (pathname === '/api/asset') {
        await serveAsset(request, response, url.searchParams.get('key') ?? '');
        return true;
      }
      const productionMatch = /^\/api\/productions\/([^/]+)$/.exec(pathname);
      if (productionMatch) {
        sendJson(response, 200, await production(decodeURIComponent(productionMatch[1]!)));
        return true;
      }
      const sceneMatch = /^\/api\/productions\/([^/]+)\/scenes\/([^/]+)\/([^/]+)$/.exec(pathname);
      if (sceneMatch) {
        const [productionId, episodeId, sceneId] = sceneMatch.slice(1).map(decodeURIComponent) as [
          string,
          string,
          string,
        ];
        sendJson(response, 200, await scene(productionId, episodeId, sceneId));
        return true;
      }
      const executionMatch = /^\/api\/executions\/([^/]+)$/.exec(pathname);
      if (executionMatch) {
        sendJson(response, 200, await execution(decodeURIComponent(executionMatch[1]!)));
        return true;
      }
      const historyMatch = /^\/api\/executions\/([^/]+)\/history$/.exec(pathname);
      if (historyMatch) {
        const name = decodeURIComponent(historyMatch[1]!);
        const record = /^[A-Za-z0-9_-]{1,80}$/.test(name) ? await runtime.describeExecution(name) : undefined;
        if (!record) throw new NotFound();
        const answer = await deps.stepFunctions.handle('GetExecutionHistory', {
          executionArn: runtime.executionArnOf(record),
          maxResults: Number(url.searchParams.get('maxResults') ?? 50),
          nextToken: url.searchParams.get('nextToken') ?? undefined,
          reverseOrder: url.searchParams.get('reverseOrder') === 'true',
        });
        sendJson(response, answer.status, answer.body);
        return true;
      }
      throw new NotFound();
    } catch (error) {
      if (error instanceof NotFound) {
        sendJson(response, 404, { message: 'not found' });
        return true;
      }
      if (error instanceof BadRequest) {
        sendJson(response, 400, { message: error.message });
        return true;
      }
      throw error;
    }
  };
}
