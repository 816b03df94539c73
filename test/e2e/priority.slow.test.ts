import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createAwsClients } from '../../lambdas/adapters/aws/clients.js';
import { TableProviderSlots } from '../../lambdas/adapters/aws/table-slots.js';
import { readStageEnvironment } from '../../lambdas/core/contracts/environment.js';
import { isAsyncVideoModel, type VideoModel } from '../../lambdas/core/contracts/ports.js';
import type { ManifestInput } from '../../lambdas/core/manifest/schema.js';
import { produceMany } from '../../local/commands/produce.js';
import { GATE_VARIABLES, GATED_VIDEO_SLOT } from '../support/gated-video-decorator.js';
import { waitFor } from '../support/wait-for.js';
import { readCallLog, workspace } from './support/pipeline-harness.js';

const SCENES = 5;

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

const VIDEO_SLOT = { 'offline/camera-motion-v1': 1 };

/**
 * How many clips wait for the video slot. In this process the queue takes a call as soon as the call is logged;
 * the table's takes it a few writes later, so the table itself is read, where the runtime's functions find it.
 */
async function clipsQueuedInTable(): Promise<number> {
  const slots = new TableProviderSlots(createAwsClients().dynamo, readStageEnvironment().tableName, VIDEO_SLOT);
  const { waiting } = await slots.snapshot({ provider: 'offline', model: 'camera-motion-v1' });
  return Object.values(waiting).reduce((sum, count) => sum + count, 0);
}

describe.each(['process', 'table'] as const)('priority, with the slots shared by the %s', (sharedBy) => {
  it('runs two productions of different priority to completion, and the higher one gets more of the contended video slot', async () => {
    // Prepare: one video slot for both productions, and video workers enough that every waiting clip queues for it
    const ws = await workspace(`priority-${sharedBy}`);
    onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
    const high = path.join(ws.dir, 'high.json');
    const low = path.join(ws.dir, 'low.json');
    await writeFile(high, JSON.stringify(contender('priority-high', 9), null, 2));
    await writeFile(low, JSON.stringify(contender('priority-low', 1), null, 2));
    const videoStarts: string[] = [];
    // A paid call is logged as it asks for its slot, so once every clip of both productions is in the log, every clip
    // but the one holding the slot waits in the slot's queue.
    const videoCallsAsked = async () =>
      (await readCallLog(ws.callLog)).filter((call) => call.model === 'camera-motion-v1').length;
    let everyoneWaiting: Promise<boolean> | undefined;

    // Act
    const results = await produceMany({
      manifestPaths: [low, high],
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      retryDelayMs: 5,
      environment: { DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog },
      settings: {
        sceneMaxConcurrency: SCENES,
        videoWorkerMaxConcurrency: 2 * SCENES,
        providerSlots: VIDEO_SLOT,
        providerSlotsSharedBy: sharedBy,
      },
      decorateProviders: (providers, manifest) => {
        const offline = providers.video.port;
        if (isAsyncVideoModel(offline)) throw new Error('the offline video model renders synchronously');
        // The first clip holds the one slot until every other clip of both productions queues behind it.
        const renderClip: VideoModel['renderClip'] = async (request, options) => {
          videoStarts.push(manifest.production);
          everyoneWaiting ??= waitFor(
            `all ${2 * SCENES} clips to ask for the video slot`,
            async () =>
              (await videoCallsAsked()) >= 2 * SCENES &&
              (sharedBy === 'process' || (await clipsQueuedInTable()) >= 2 * SCENES - 1),
          );
          await everyoneWaiting;
          return offline.renderClip(request, options);
        };
        return { ...providers, video: { ...providers.video, port: { renderClip } } };
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
    const lowBeforeLastHigh = videoStarts
      .slice(0, lastHigh)
      .filter((production) => production === 'priority-low').length;
    expect(lowBeforeLastHigh).toBeLessThanOrEqual(1);
  });
});

describe('priority, with the handlers in two worker processes', () => {
  it('gives the higher production the one video slot first, shared through the table across both processes', async () => {
    // Prepare: one video slot, two worker processes, and a gate in each that holds the first clip until every clip queues
    const ws = await workspace('priority-workers');
    onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
    const high = path.join(ws.dir, 'high.json');
    const low = path.join(ws.dir, 'low.json');
    const starts = path.join(ws.dir, 'video-starts.txt');
    await writeFile(high, JSON.stringify(contender('priority-high', 9), null, 2));
    await writeFile(low, JSON.stringify(contender('priority-low', 1), null, 2));

    // Act
    const results = await produceMany({
      manifestPaths: [low, high],
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      retryDelayMs: 5,
      environment: {
        DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog,
        [GATE_VARIABLES.starts]: starts,
        [GATE_VARIABLES.clips]: String(2 * SCENES),
      },
      settings: {
        sceneMaxConcurrency: SCENES,
        videoWorkerMaxConcurrency: 2 * SCENES,
        providerSlots: GATED_VIDEO_SLOT,
        // The gate counts the clips queued in the table; the runtime's broker (its default) is tested in slot-broker.test.ts.
        providerSlotsSharedBy: 'table',
        handlerWorkers: 2,
      },
      providerDecorator: {
        module: fileURLToPath(new URL('../support/gated-video-decorator.ts', import.meta.url)),
        exportName: 'gateFirstClip',
      },
    });

    // Assess
    expect(results.map((result) => [result.productionId, result.ok])).toEqual([
      ['priority-low', true],
      ['priority-high', true],
    ]);
    const rendered = (await readFile(starts, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    expect(rendered).toHaveLength(2 * SCENES);
    const renderers = new Set(rendered.map(([, pid]) => Number(pid)));
    expect(renderers.size).toBe(2);
    expect(renderers.has(process.pid)).toBe(false);
    // Shared by the table, the slot goes nine times to the high one for each time to the low one once both queue;
    // each process sharing it on its own would give each its own slot, and the low one its clips beside the high one's.
    const order = rendered.map(([production]) => production);
    const lastHigh = order.lastIndexOf('priority-high');
    expect(order.slice(0, lastHigh).filter((production) => production === 'priority-low').length).toBeLessThanOrEqual(
      1,
    );
  });
});
