import { rm } from 'node:fs/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import { assetKeys } from '../../lambdas/core/contracts/keys.js';
import { produce } from '../../local/commands/produce.js';
import { LocalRuntime } from '../../local/runtime/index.js';
import { stores, TWO_SCENES, workspace } from './support/pipeline-harness.js';

describe('a manifest that syncs lips', () => {
  it('runs Sync lips after video in every scene, assembles the synced clips, and records the calls in the ledger', async () => {
    // Prepare
    const ws = await workspace('lip-sync');
    onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
    const manifestPath = await ws.manifest(TWO_SCENES, 'lip-sync.yaml', (text) =>
      text.replace('budgetUsd: 1\n', 'budgetUsd: 1\nlipSync: { mode: high_precision }\n'),
    );

    // Act
    const result = await produce({ manifestPath, outDir: ws.outDir, dataDir: ws.dataDir, retryDelayMs: 5 });

    // Assess
    expect(result.report?.status).toBe('COMPLETE');
    const runtime = await LocalRuntime.start({ dataDir: ws.dataDir });
    try {
      const { productions, ledger } = stores(runtime);
      const assets = new AssetStore(runtime.s3, runtime.names.bucket);
      const scenes = await productions.listScenes('two-scene-check');
      const lipSyncRows = (await ledger.listCosts('two-scene-check')).filter((row) => row.stage === 'lip-sync');
      expect(scenes.map((scene) => scene.assets?.clip)).toEqual(scenes.map((scene) => assetKeys.syncedClip(scene)));
      expect(lipSyncRows.map((row) => [row.sceneId, row.provider, row.model, row.status])).toEqual(
        expect.arrayContaining([
          ['s01', 'offline', 'painted-mouths-v1', 'SETTLED'],
          ['s02', 'offline', 'painted-mouths-v1', 'SETTLED'],
        ]),
      );
      for (const scene of scenes) {
        const [unsynced, synced] = await Promise.all([
          assets.getBytes(assetKeys.syncInput(scene)),
          assets.getBytes(assetKeys.syncedClip(scene)),
        ]);
        expect(synced.equals(unsynced), `${scene.sceneId}'s synced clip is the camera move it was made from`).toBe(
          false,
        );
      }
    } finally {
      await runtime.stop();
    }
  });
});
