import { cp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { produce } from '../../local/commands/produce.js';
import { rerender } from '../../local/commands/rerender.js';
import { readCallLog, TEST_PRICES, workspace } from './support/pipeline-harness.js';

type Workspace = Awaited<ReturnType<typeof workspace>>;

const FOUR_SCENES = fileURLToPath(new URL('./fixtures/four-scenes.yaml', import.meta.url));
const MANIFEST_NAME = 'series.yaml';
const environment = (ws: Workspace) => ({
  DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES),
  DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog,
});
/** Spend accumulates over a production's runs; these runs should never be stopped by it. */
const withRoomyBudget = (text: string) => text.replace('budgetUsd: 2', 'budgetUsd: 50');
const runOptions = (ws: Workspace) => ({
  outDir: ws.outDir,
  dataDir: ws.dataDir,
  environment: environment(ws),
  retryDelayMs: 5,
});

/** When the bucket last wrote an object of the production. */
async function writtenAt(ws: Workspace, ...keyParts: string[]): Promise<number> {
  const parts = [...keyParts];
  parts[parts.length - 1] = `${parts.at(-1)}._S3rver_object`;
  const object = path.join(ws.dataDir, 's3', 'dramaforge-local-assets', 'productions', 'four-scene-check', ...parts);
  return (await stat(object)).mtimeMs;
}

/** When the bucket last wrote an episode's MP4. */
const episodeWrittenAt = (ws: Workspace, episodeId: string) => writtenAt(ws, 'episodes', `${episodeId}.mp4`);

/** When the bucket last wrote a scene's encoded video. */
const sceneVideoWrittenAt = (ws: Workspace, episodeId: string, sceneId: string) =>
  writtenAt(ws, 'scenes', episodeId, sceneId, 'scene-video.mp4');

async function callsSince(ws: Workspace, count: number) {
  return (await readCallLog(ws.callLog)).slice(count);
}

/** The production made once, complete: read only, each test works on a copy of its own. */
let produced: Workspace;

beforeAll(async () => {
  produced = await workspace('rerun-produced');
  const manifestPath = await produced.manifest(FOUR_SCENES, MANIFEST_NAME, withRoomyBudget);
  const first = await produce({ manifestPath, ...runOptions(produced) });
  expect(first.report?.status).toBe('COMPLETE');
});

afterAll(async () => {
  await rm(produced.dir, { recursive: true, force: true });
});

/** A copy of the produced workspace (data, outputs, call log and manifest) for this test alone. */
async function copyOfProduced(): Promise<Workspace> {
  const ws = await workspace('rerun');
  onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
  await cp(produced.dir, ws.dir, { recursive: true });
  return ws;
}

describe('re-running a production', () => {
  it("after one scene's dialogue changes, re-renders only that scene and re-assembles only its episode", async () => {
    // Prepare
    const ws = await copyOfProduced();
    const callsBefore = (await readCallLog(ws.callLog)).length;
    const [ep01Before, ep02Before] = [await episodeWrittenAt(ws, 'ep01'), await episodeWrittenAt(ws, 'ep02')];
    const [changedBefore, keptBefore] = [
      await sceneVideoWrittenAt(ws, 'ep01', 's01'),
      await sceneVideoWrittenAt(ws, 'ep01', 's02'),
    ];
    const manifestPath = await ws.manifest(FOUR_SCENES, MANIFEST_NAME, (text) =>
      withRoomyBudget(text).replace('"Anh Minh! 🎉"', '"Anh Minh! Em đây! 🎉"'),
    );

    // Act
    const result = await produce({ manifestPath, ...runOptions(ws) });

    // Assess
    expect(result.report?.status).toBe('COMPLETE');
    const calls = await callsSince(ws, callsBefore);
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((c) => `${c.scene?.episodeId}/${c.scene?.sceneId}`))).toEqual(new Set(['ep01/s01']));
    expect(calls.map((c) => c.stage)).not.toContain('keyframe');
    expect(await episodeWrittenAt(ws, 'ep01')).toBeGreaterThan(ep01Before);
    expect(await episodeWrittenAt(ws, 'ep02')).toBe(ep02Before);
    // Only the changed scene is encoded again; the episode joins it with the others' kept videos.
    expect(await sceneVideoWrittenAt(ws, 'ep01', 's01')).toBeGreaterThan(changedBefore);
    expect(await sceneVideoWrittenAt(ws, 'ep01', 's02')).toBe(keptBefore);
  });

  it('rerender forces one scene afresh, keyframe included, and re-assembles only its episode', async () => {
    // Prepare
    const ws = await copyOfProduced();
    const callsBefore = (await readCallLog(ws.callLog)).length;
    const [ep01Before, ep02Before] = [await episodeWrittenAt(ws, 'ep01'), await episodeWrittenAt(ws, 'ep02')];

    // Act
    const result = await rerender({
      productionId: 'four-scene-check',
      episodeId: 'ep02',
      sceneId: 's01',
      ...runOptions(ws),
    });

    // Assess
    expect(result.reason).toBeUndefined();
    expect(result.report?.status).toBe('COMPLETE');
    const calls = await callsSince(ws, callsBefore);
    const sceneCalls = calls.filter((c) => c.scene);
    expect(new Set(sceneCalls.map((c) => `${c.scene?.episodeId}/${c.scene?.sceneId}`))).toEqual(new Set(['ep02/s01']));
    // The one call of no scene is the re-assembled episode's music bed, composed for its new scene lengths.
    expect(calls.filter((c) => !c.scene).map((c) => c.stage)).toEqual(['music']);
    expect(calls.map((c) => c.stage)).toEqual(expect.arrayContaining(['keyframe', 'video']));
    expect(await episodeWrittenAt(ws, 'ep02')).toBeGreaterThan(ep02Before);
    expect(await episodeWrittenAt(ws, 'ep01')).toBe(ep01Before);
  });

  it('rerender refuses a scene the production does not have', async () => {
    // Prepare
    const ws = await copyOfProduced();

    // Act
    const attempt = rerender({
      productionId: 'four-scene-check',
      episodeId: 'ep09',
      sceneId: 's01',
      ...runOptions(ws),
    });

    // Assess
    await expect(attempt).rejects.toThrow(/has no scene ep09\/s01/);
  });
});
