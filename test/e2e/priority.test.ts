import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isAsyncVideoModel, type SpeechModel, type VideoModel } from '../../lambdas/core/ports.js';
import type { ManifestInput } from '../../lambdas/core/manifest/schema.js';
import { produceMany } from '../../local/produce.js';
import { workspace } from './support/pipeline-harness.js';

const SCENES = 5;
const VIDEO_CALL_MS = 200;
/** After the last voice is spoken, time enough for every scene's video job to reach the queue for the slot. */
const SETTLE_MS = 3000;

function contender(production: string, priority: number): ManifestInput {
  return {
    version: 1,
    production,
    title: production,
    language: 'en-US',
    format: { aspectRatio: '9:16', width: 64, height: 114, fps: 1 },
    budgetUsd: 5,
    priority,
    characters: [{ id: 'ana', name: 'Ana', description: '30, short red hair, green coat' }],
    episodes: [
      {
        id: 'ep01',
        title: 'Contention',
        scenes: Array.from({ length: SCENES }, (_, index) => ({
          id: `s${index + 1}`,
          location: 'Harbour at dawn',
          characters: ['ana'],
          outline: `Ana waits, beat ${index + 1}.`,
          dialogue: [{ character: 'ana', line: `Beat ${index + 1}.` }],
        })),
      },
    ],
  };
}

describe('priority', () => {
  it('runs two productions of different priority to completion, and the higher one gets more of the contended video slot', async () => {
    // Prepare: one video slot for both productions, and video workers enough that every waiting clip queues for it
    const ws = await workspace('priority');
    onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
    const high = path.join(ws.dir, 'high.json');
    const low = path.join(ws.dir, 'low.json');
    await writeFile(high, JSON.stringify(contender('priority-high', 9), null, 2));
    await writeFile(low, JSON.stringify(contender('priority-low', 1), null, 2));
    const videoStarts: string[] = [];
    let voicesSpoken = 0;
    let everyoneWaiting: Promise<void> | undefined;
    const allVoicesSpoken = async () => {
      while (voicesSpoken < 2 * SCENES) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    };

    // Act
    const results = await produceMany({
      manifestPaths: [low, high],
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      retryDelayMs: 5,
      settings: {
        sceneMaxConcurrency: SCENES,
        videoWorkerMaxConcurrency: 2 * SCENES,
        providerSlots: { 'offline/camera-motion-v1': 1 },
      },
      decorateProviders: (providers, manifest) => {
        const offline = providers.video.port;
        if (isAsyncVideoModel(offline)) throw new Error('the offline video model renders synchronously');
        // The first clip holds the one slot until every other scene of both productions queues behind it.
        const renderClip: VideoModel['renderClip'] = async (request, options) => {
          videoStarts.push(manifest.production);
          everyoneWaiting ??= allVoicesSpoken();
          await everyoneWaiting;
          await new Promise((resolve) => setTimeout(resolve, VIDEO_CALL_MS));
          return offline.renderClip(request, options);
        };
        const speak: SpeechModel['speak'] = async (request, options) => {
          const spoken = await providers.speech.port.speak(request, options);
          voicesSpoken += 1;
          return spoken;
        };
        return { ...providers, speech: { ...providers.speech, port: { speak } }, video: { ...providers.video, port: { renderClip } } };
      },
    });

    // Assess
    expect(results.map((result) => [result.productionId, result.ok])).toEqual([
      ['priority-low', true],
      ['priority-high', true],
    ]);
    expect(results.map((result) => result.report?.priority)).toEqual([1, 9]);
    expect(videoStarts).toHaveLength(2 * SCENES);
    // With both queued, the slot goes nine times to the high one for each time to the low one, so every waiting clip of
    // the high one comes first; first come, first served would give the low one about half of the slots before then.
    const lastHigh = videoStarts.lastIndexOf('priority-high');
    const lowBeforeLastHigh = videoStarts.slice(0, lastHigh).filter((production) => production === 'priority-low').length;
    expect(lowBeforeLastHigh).toBeLessThanOrEqual(1);
  });
});
