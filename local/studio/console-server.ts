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
import { assetKeys } from '../../lambdas/core/keys.js';
import type { Manifest } from '../../lambdas/core/manifest/schema.js';
import type { SceneRecord } from '../../lambdas/core/production-model.js';
import { type Definition, type StateDefinition, taskStates } from '../../statemachines/production-definition.js';
import { redriveDeadLetters } from '../commands/dead-letters.js';
import { RerenderRefused, startRerender } from '../commands/rerender.js';
import { answerReview, ReviewRefused } from '../commands/review.js';
import { type ExecutionRecord, isAbandoned, type LocalRuntime } from '../runtime/index.js';
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

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** What the console's graph colours a state by, counted from its execution's history. */
export interface StateProgress {
  entered: number;
  exited: number;
  failed: number;
  status: 'NOT_STARTED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT';
  iterations?: { started: number; succeeded: number; failed: number };
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
  const manifestOf = (productionId: string) => assets.findJson<Manifest>(assetKeys.normalizedManifest(productionId));

  const statusOf = (record: ExecutionRecord) =>
    record.status === 'RUNNING' && isAbandoned(record) ? 'ABORTED' : record.status;

  async function listProductions() {
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
    const rejected = executions
      .filter((record) => !opened.has(record.name) && !metas.some((meta) => meta.manifestKey === record.manifestKey))
      .map((record) => ({
        executionName: record.name,
        manifestKey: record.manifestKey,
        executionStatus: statusOf(record),
        status: record.status === 'RUNNING' ? 'STARTING' : (record.error?.name ?? record.status),
        startedAt: record.startedAt,
        endedAt: record.endedAt,
      }));
    return [...rows, ...rejected].sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
  }

  function sceneView(scene: SceneRecord) {
    return {
      episodeId: scene.episodeId,
      sceneId: scene.sceneId,
      index: scene.index,
      status: scene.status,
      attempts: scene.attempts,
      keyframeAttempts: scene.keyframeAttempts ?? [],
      consistency: scene.consistency ?? {},
      costUsd: scene.costUsd,
      durationSeconds: scene.durationSeconds,
      /** The bucket keys of what the scene has made so far: its keyframe, voice, clip. */
      assets: scene.assets ?? {},
      failedStage: scene.failedStage,
      failure: scene.failure,
      updatedAt: scene.updatedAt,
    };
  }

  async function production(productionId: string) {
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
      // The review without its task token: a page shows what waits for a decision, not the capability to answer it.
      review: meta.review && {
        before: meta.review.before,
        cut: meta.review.cut,
        requestedAt: meta.review.requestedAt,
        expiresAt: meta.review.expiresAt,
        decision: meta.review.decision,
      },
      executions: runs,
      consistencyThreshold: deps.consistencyThreshold,
      characters: manifest?.characters.map((character) => ({ id: character.id, name: character.name })) ?? [],
      episodes:
        manifest?.episodes.map((episode) => ({
          id: episode.id,
          title: episode.title,
          scenes: scenes
            .filter((scene) => scene.episodeId === episode.id)
            .sort((a, b) => a.index - b.index)
            .map(sceneView),
        })) ?? [],
      cost,
    };
  }

  async function scene(productionId: string, episodeId: string, sceneId: string) {
    const record = await productions.getScene(productionId, episodeId, sceneId).catch(() => undefined);
    if (!record) throw new NotFound();
    const ref = { productionId, episodeId, sceneId };
    const [script, cues] = await Promise.all([
      assets.findJson<unknown>(assetKeys.script(ref)),
      assets.findJson<unknown>(assetKeys.voiceCues(ref)),
    ]);
    const manifest = await manifestOf(productionId);
    const card = manifest?.episodes.find((episode) => episode.id === episodeId)?.scenes.find((s) => s.id === sceneId);
    return {
      ...sceneView(record),
      card,
      script,
      voiceCues: cues,
      consistencyThreshold: deps.consistencyThreshold,
      language: manifest?.language,
    };
  }

  async function execution(name: string) {
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

  async function act(pathname: string): Promise<unknown> {
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
      try {
        return await answerReview(
          { runtime, productions },
          { productionId, decision: review[2] === 'approve' ? 'APPROVED' : 'REJECTED' },
        );
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
        sendJson(response, 200, await act(pathname));
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
      throw error;
    }
  };
}
