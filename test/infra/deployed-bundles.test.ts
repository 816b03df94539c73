import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../lambdas/adapters/media/ffmpeg.js';
import { ALL_STAGES } from '../../lambdas/catalog.js';
import { STAGE_VARIABLES } from '../../lambdas/core/contracts/environment.js';
import { assetKeys } from '../../lambdas/core/contracts/keys.js';
import { bundleStage } from '../../lib/bundling/stage-bundle.js';
import { LOCAL_CREDENTIALS, type LocalEngines, startEngines } from '../../local/engines/embedded-engines.js';
import { ensureTable } from '../../local/engines/resources.js';
import { lambdaContext } from '../../local/runtime/index.js';
import {
  allStates,
  DEFINITION_FILE,
  type Definition,
  EPISODE_DEFINITION_FILE,
} from '../../statemachines/production-definition.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Inside the repository, so the packages the bundles leave out (the runtime's SDK clients,
 * the layers' canvas and openai) resolve from node_modules as they do from /opt and the
 * runtime in Lambda.
 */
const BUNDLES = path.join(REPOSITORY_ROOT, 'node_modules', '.cache', 'dramaforge-deployed-bundles');
const BUCKET = 'bundle-test-assets';
const TABLE = 'bundle-test-productions';
const TWO_SCENES = fileURLToPath(new URL('../e2e/fixtures/two-scenes.yaml', import.meta.url));

type BundledHandler = (event: unknown, context: unknown) => Promise<unknown>;

let engines: LocalEngines;
let dataDir: string;
let s3: S3Client;
let imports = 0;

/** Imports a stage's bundle as a cold start would: each call evaluates the entry module afresh, so each gets its own deps. */
async function coldStart(stage: string): Promise<BundledHandler> {
  const url = `${pathToFileURL(path.join(BUNDLES, stage, 'index.mjs')).href}?cold-start=${++imports}`;
  return ((await import(url)) as { handler: BundledHandler }).handler;
}

/** Runs `work` with `extra` in the function's environment, read at cold start and (prices) at call time. */
async function withEnvironment<T>(extra: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(extra).map((name) => [name, process.env[name]]));
  Object.assign(process.env, extra);
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const invoke = (handler: BundledHandler, name: string, event: unknown) =>
  handler(event, lambdaContext(`dramaforge-${name}`, 60));

/** A production of its own (own id, own scene text, so no other case's cache answers), validated and planned by the bundles. */
async function openProduction(name: string, budgetUsd = 1): Promise<{ productionId: string }> {
  const text = (await readFile(TWO_SCENES, 'utf8'))
    .replace('production: two-scene-check', `production: bundle-${name}`)
    .replace('budgetUsd: 1', `budgetUsd: ${budgetUsd}`)
    .replace('Ben reads the letter alone.', `Ben reads the letter alone (${name}).`);
  const key = `${assetKeys.manifestsPrefix}${name}.yaml`;
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: text }));
  const validated = (await invoke(await coldStart('validate-manifest'), 'validate-manifest', {
    bucket: BUCKET,
    key,
    executionName: `bundle-${name}`,
  })) as {
    productionId: string;
  };
  await invoke(await coldStart('plan-production'), 'plan-production', {
    ...validated,
    executionName: `bundle-${name}`,
  });
  return validated;
}

/**
 * A production whose two scenes are finished, each with a clip that is all black: the bundled
 * assembly mixes and encodes it, and its QA refuses the black picture.
 */
async function finishedBlackEpisode(name: string): Promise<{ productionId: string; episodeId: string }> {
  const { productionId } = await openProduction(name);
  const put = (key: string, body: Buffer | string) =>
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const { stdout: clip } = await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    'color=black:s=270x480:r=12:d=1',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    'frag_keyframe+empty_moov',
    '-f',
    'mp4',
    'pipe:1',
  ]);
  const { stdout: voice } = await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=220:sample_rate=24000:duration=1',
    '-c:a',
    'pcm_s16le',
    '-f',
    'wav',
    'pipe:1',
  ]);
  for (const sceneId of ['s01', 's02']) {
    const scene = { productionId, episodeId: 'ep01', sceneId };
    await put(assetKeys.clip(scene), clip);
    await put(assetKeys.voice(scene), voice);
    await put(
      assetKeys.voiceCues(scene),
      JSON.stringify({
        durationSeconds: 1,
        cues: [{ index: 0, characterId: 'ben', speaker: 'Ben', text: 'Then why now?', startSeconds: 0, endSeconds: 1 }],
      }),
    );
    await invoke(await coldStart('encode-scene'), 'encode-scene', scene);
    await invoke(await coldStart('record-scene-outcome'), 'record-scene-outcome', { ...scene, outcome: 'COMPLETE' });
  }
  return { productionId, episodeId: 'ep01' };
}

/** The error a rejected invocation carries, as Step Functions reads it: its name. */
async function errorNameOf(invocation: Promise<unknown>): Promise<string> {
  try {
    await invocation;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('the invocation succeeded; a named error was expected');
}

beforeAll(async () => {
  await rm(BUNDLES, { recursive: true, force: true });
  for (const stage of ALL_STAGES) bundleStage(stage.name, path.join(BUNDLES, stage.name));

  dataDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-bundles-'));
  engines = await startEngines(dataDir, [BUCKET]);
  const clientConfig = { region: engines.environment.AWS_REGION, credentials: LOCAL_CREDENTIALS };
  s3 = new S3Client({ ...clientConfig, endpoint: engines.endpoints.s3, forcePathStyle: true });
  const dynamo = new DynamoDBClient({ ...clientConfig, endpoint: engines.endpoints.dynamodb });
  await ensureTable(dynamo, TABLE);
  dynamo.destroy();
  Object.assign(process.env, engines.environment, {
    [STAGE_VARIABLES.tableName]: TABLE,
    [STAGE_VARIABLES.bucketName]: BUCKET,
    [STAGE_VARIABLES.videoQueueUrl]: 'http://127.0.0.1:1/queue/unused',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:bundle-test',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  });
}, 240_000);

afterAll(async () => {
  s3?.destroy();
  await engines?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(BUNDLES, { recursive: true, force: true });
});

describe('the bundles the stack deploys', () => {
  it('each imports and exports its handler', async () => {
    // Act
    const handlers = await Promise.all(
      ALL_STAGES.map(async (stage) => [stage.name, typeof (await coldStart(stage.name))] as const),
    );

    // Assess
    expect(Object.fromEntries(handlers)).toEqual(
      Object.fromEntries(ALL_STAGES.map((stage) => [stage.name, 'function'])),
    );
  });

  it("validate the manifest, plan the production and write a scene's script against the embedded engines", async () => {
    // Prepare
    const { productionId } = await openProduction('pipeline');
    const scene = { productionId, episodeId: 'ep01', sceneId: 's02' };

    // Act
    await invoke(await coldStart('write-script'), 'write-script', scene);

    // Assess
    const written = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: assetKeys.script(scene) }));
    const script = JSON.parse(await written.Body!.transformToString()) as {
      lines: { character: string; line: string }[];
    };
    expect(script.lines.length).toBeGreaterThan(0);
    expect(script.lines.filter((line) => !(line.character === 'ben' && line.line.length > 0))).toEqual([]);
  });

  it("throws every error the state machine's Retry and Catch rules match, under exactly that name", async () => {
    // Prepare
    const definitions = await Promise.all(
      [DEFINITION_FILE, EPISODE_DEFINITION_FILE].map(
        async (file) => JSON.parse(await readFile(file, 'utf8')) as Definition,
      ),
    );
    const matched = new Set(
      definitions
        .flatMap((definition) => allStates(definition))
        .flatMap(({ state }) => [
          ...((state.Retry as { ErrorEquals: string[] }[]) ?? []),
          ...((state.Catch as { ErrorEquals: string[] }[]) ?? []),
        ])
        .flatMap((rule) => rule.ErrorEquals)
        .filter((name) => !/^(States|Lambda|StepFunctions)\./.test(name)),
    );
    const sceneOf = (productionId: string) => ({ productionId, episodeId: 'ep01', sceneId: 's02' });
    const writeScriptUnder = async (name: string, extra: Record<string, string>, budgetUsd?: number) => {
      const scene = sceneOf((await openProduction(name, budgetUsd)).productionId);
      return withEnvironment(extra, async () =>
        errorNameOf(invoke(await coldStart('write-script'), 'write-script', scene)),
      );
    };
    const badManifestKey = `${assetKeys.manifestsPrefix}bad.yaml`;
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: badManifestKey, Body: 'version: 1\nproduction: Not An Id\n' }),
    );

    // Act
    const thrown = [
      await errorNameOf(
        invoke(await coldStart('validate-manifest'), 'validate-manifest', {
          bucket: BUCKET,
          key: badManifestKey,
          executionName: 'bundle-bad',
        }),
      ),
      await writeScriptUnder('throttled', { DRAMAFORGE_FAULTS: 'script.throttle=1' }),
      await writeScriptUnder('unavailable', { DRAMAFORGE_FAULTS: 'script.error=1' }),
      await writeScriptUnder('timeout', { DRAMAFORGE_FAULTS: 'script.timeout=1' }),
      await writeScriptUnder(
        'over-budget',
        { DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify({ 'offline/phrasebook-v1': { perOutputToken: 1 } }) },
        0.01,
      ),
      await errorNameOf(
        invoke(await coldStart('assemble-episode'), 'assemble-episode', await finishedBlackEpisode('black-picture')),
      ),
    ];

    // Assess
    expect(new Set(thrown)).toEqual(matched);
  });
});
