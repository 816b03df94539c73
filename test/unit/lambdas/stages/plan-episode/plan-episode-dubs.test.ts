import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { planEpisode } from '../../../../../lambdas/stages/plan-episode/plan-episode.js';
import { mockedStageDeps, unitManifest } from '../../../../support/mocked-stage-deps.js';

function planned(dubs: string[] | undefined) {
  const { deps, objects, dynamoMock } = mockedStageDeps();
  const manifest = unitManifest({
    characters: [{ id: 'ana', name: 'Ana', description: 'red hair' }],
    episodes: [
      {
        id: 'ep01',
        title: 'One',
        scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'She waits.' }],
      },
    ],
    ...(dubs && { dubs }),
  });
  objects.set('productions/unit-series/manifest.json', Buffer.from(JSON.stringify(manifest)));
  dynamoMock.on(QueryCommand).resolves({ Items: [] });
  return deps;
}

describe("Plan scenes and the episode's dubs", () => {
  it("names the final cut's dubs by their canonical tags, and none for the animatic", async () => {
    // Prepare
    const deps = planned(['th', 'ko-KR']);
    const event = { productionId: 'unit-series', episodeId: 'ep01', scripted: true };

    // Act
    const final = await planEpisode({ ...event, cut: 'final' }, deps);
    const animatic = await planEpisode({ ...event, cut: 'animatic' }, deps);

    // Assess
    expect(final.dubs).toEqual(['th-TH', 'ko-KR']);
    expect(animatic.dubs).toEqual([]);
  });

  it('plans no dubs for a manifest without them', async () => {
    // Act
    const plan = await planEpisode(
      { productionId: 'unit-series', episodeId: 'ep01', scripted: true, cut: 'final' },
      planned(undefined),
    );

    // Assess
    expect(plan.dubs).toEqual([]);
  });
});
