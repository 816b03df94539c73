import { describe, expect, it } from 'vitest';
import { offlineConsistency } from '../../../../lambdas/composition/offline-ports/consistency.js';
import { offlineLipSync } from '../../../../lambdas/composition/offline-ports/lip-sync.js';
import { offlineModel } from '../../../../lambdas/composition/offline-ports/offline-port.js';
import { offlineVideo } from '../../../../lambdas/composition/offline-ports/video.js';
import { stageDepsWithProviders } from '../../../../lambdas/composition/stage-deps-with-providers.js';
import type { BoundProviders } from '../../../../lambdas/core/contracts/bound-providers.js';
import { STAGE_VARIABLES } from '../../../../lambdas/core/contracts/environment.js';
import { ProviderPortNotDeclared } from '../../../../lambdas/core/contracts/errors.js';
import { unitManifest } from '../../../support/mocked-stage-deps.js';

const ENV = {
  [STAGE_VARIABLES.tableName]: 'productions',
  [STAGE_VARIABLES.bucketName]: 'assets',
  AWS_REGION: 'us-east-1',
};

const MANIFEST = unitManifest({
  characters: [{ id: 'ana', name: 'Ana', description: 'red hair' }],
  episodes: [
    {
      id: 'ep01',
      title: 'One',
      scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'Ana waits.' }],
    },
  ],
});

describe('a stage composed with the provider ports its handler declares', () => {
  it('is served the declared ports by their offline models for an offline manifest, and no other port', async () => {
    // Prepare
    const deps = stageDepsWithProviders({ video: offlineVideo, consistency: offlineConsistency }, ENV);

    // Act
    const providers = await deps.providers(MANIFEST);

    // Assess
    expect(Object.keys(providers).sort()).toEqual(['consistency', 'video']);
    expect(providers.video).toMatchObject({ provider: 'offline', model: 'camera-motion-v1' });
    expect(providers.consistency).toMatchObject({ provider: 'offline', model: 'pixel-similarity-v1' });
  });

  it.each(['text', 'image', 'lipSync', 'transcription'] as const)(
    'fails by name when code reaches past the types for the undeclared port %s, rather than find it absent',
    async (port) => {
      // Prepare
      const deps = stageDepsWithProviders({ video: offlineVideo }, ENV);
      const providers = (await deps.providers(MANIFEST)) as Partial<BoundProviders>;

      // Act
      const read = () => providers[port];

      // Assess
      expect(read).toThrow(ProviderPortNotDeclared);
      expect(read).toThrow(`"${port}" provider port, which its handler did not declare (it declared video)`);
    },
  );

  it('leaves a declared optional port absent when the manifest asks for none: no lip-sync mode, no lip-sync', async () => {
    // Prepare
    const deps = stageDepsWithProviders({ lipSync: offlineLipSync }, ENV);

    // Act
    const providers = await deps.providers(MANIFEST);

    // Assess
    expect(providers.lipSync).toBeUndefined();
  });

  it('builds each offline model once per process, whichever stage and manifest ask for it', async () => {
    // Prepare
    const first = stageDepsWithProviders({ video: offlineVideo }, ENV);
    const second = stageDepsWithProviders({ video: offlineVideo, consistency: offlineConsistency }, ENV);

    // Act
    const [one, two] = await Promise.all([first.providers(MANIFEST), second.providers(MANIFEST)]);

    // Assess
    expect(one.video.port).toBe(two.video.port);
  });

  it('builds an offline model again on the next binding after its first build failed, rather than keep the failure', async () => {
    // Prepare
    let builds = 0;
    const flakyVideo = offlineModel<'video'>(async () => {
      builds += 1;
      if (builds === 1) throw new Error('the model could not load');
      return (await offlineVideo())!.port;
    }, 'flaky-v1');
    const deps = stageDepsWithProviders({ video: flakyVideo }, ENV);

    // Act
    const first = deps.providers(MANIFEST);
    await expect(first).rejects.toThrow('the model could not load');
    const second = await deps.providers(MANIFEST);

    // Assess
    expect(second.video).toMatchObject({ provider: 'offline', model: 'flaky-v1' });
    expect(builds).toBe(2);
  });
});
