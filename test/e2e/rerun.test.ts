import { stat, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produce } from '../../local/produce.js';
import { rerender } from '../../local/rerender.js';
import { TEST_PRICES, readCallLog, workspace } from './support/pipeline-harness.js';

const FOUR_SCENES = fileURLToPath(new URL('./fixtures/four-scenes.yaml', import.meta.url));
let ws: Awaited<ReturnType<typeof workspace>>;
let manifestPath: string;
const environment = () => ({ DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES), DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog });
/** Spend accumulates over a production's runs; these runs should never be stopped by it. */
const withRoomyBudget = (text: string) => text.replace('budgetUsd: 2', 'budgetUsd: 50');
const runOptions = () => ({ outDir: ws.outDir, dataDir: ws.dataDir, environment: environment(), retryDelayMs: 5 });

/** When the bucket last wrote an episode's MP4. */
async function episodeWrittenAt(episodeId: string): Promise<number> {
  const object = path.join(ws.dataDir, 's3', 'dramaforge-local-assets', 'productions', 'four-scene-check', 'episodes', `${episodeId}.mp4._S3rver_object`);
  return (await stat(object)).mtimeMs;
}

async function callsSince(count: number) {
  return (await readCallLog(ws.callLog)).slice(count);
}

beforeAll(async () => {
  ws = await workspace('rerun');
  manifestPath = await ws.manifest(FOUR_SCENES, 'series.yaml', withRoomyBudget);
  const first = await produce({ manifestPath, ...runOptions() });
  expect(first.report?.status).toBe('COMPLETE');
});

afterAll(async () => {
  await rm(ws.dir, { recursive: true, force: true });
});

describe('re-running a production', () => {
  it('after one scene\'s dialogue changes, re-renders only that scene and re-assembles only its episode', async () => {
    const callsBefore = (await readCallLog(ws.callLog)).length;
    const [ep01Before, ep02Before] = [await episodeWrittenAt('ep01'), await episodeWrittenAt('ep02')];
    await ws.manifest(FOUR_SCENES, 'series.yaml', (text) => withRoomyBudget(text).replace('"Anh Minh! 🎉"', '"Anh Minh! Em đây! 🎉"'));

    const result = await produce({ manifestPath, ...runOptions() });
    expect(result.report?.status).toBe('COMPLETE');
    const calls = await callsSince(callsBefore);
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((c) => `${c.scene?.episodeId}/${c.scene?.sceneId}`))).toEqual(new Set(['ep01/s01']));
    expect(calls.map((c) => c.stage)).not.toContain('keyframe');
    expect(await episodeWrittenAt('ep01')).toBeGreaterThan(ep01Before);
    expect(await episodeWrittenAt('ep02')).toBe(ep02Before);
  });

  it('rerender forces one scene afresh, keyframe included, and re-assembles only its episode', async () => {
    const callsBefore = (await readCallLog(ws.callLog)).length;
    const [ep01Before, ep02Before] = [await episodeWrittenAt('ep01'), await episodeWrittenAt('ep02')];

    const result = await rerender({ productionId: 'four-scene-check', episodeId: 'ep02', sceneId: 's01', ...runOptions() });
    expect(result.reason).toBeUndefined();
    expect(result.report?.status).toBe('COMPLETE');
    const calls = await callsSince(callsBefore);
    expect(new Set(calls.map((c) => `${c.scene?.episodeId}/${c.scene?.sceneId}`))).toEqual(new Set(['ep02/s01']));
    expect(calls.map((c) => c.stage)).toEqual(expect.arrayContaining(['keyframe', 'video']));
    expect(await episodeWrittenAt('ep02')).toBeGreaterThan(ep02Before);
    expect(await episodeWrittenAt('ep01')).toBe(ep01Before);
  });

  it('rerender refuses a scene the production does not have', async () => {
    await expect(rerender({ productionId: 'four-scene-check', episodeId: 'ep09', sceneId: 's01', ...runOptions() })).rejects.toThrow(/has no scene ep09\/s01/);
  });
});
