import { describe, expect, it } from 'vitest';
import type { StoredVoiceCues } from '../../../../../lambdas/core/domain/scene-artifacts.js';
import { buildSubtitles } from '../../../../../lambdas/stages/build-subtitles/build-subtitles.js';
import { unitManifest } from '../../../../support/mocked-stage-deps.js';
import { stageWorld } from '../../../../support/stage-world.js';

const scene = { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' };
const root = 'productions/unit-series/scenes/ep01/s01';
/** 37 characters: two lines in the portrait feed preset (28 a line), one in broadcast (42). */
const LONG_LINE = 'I kept every letter you never sent me.';
const cues: StoredVoiceCues = {
  durationSeconds: 6,
  cues: [
    { index: 0, characterId: 'ana', speaker: 'Ana', text: 'You came back.', startSeconds: 0.5, endSeconds: 1.75 },
    { index: 1, characterId: 'ben', speaker: 'Ben', text: LONG_LINE, startSeconds: 2.25, endSeconds: 5.5 },
  ],
};

const manifestWith = (subtitles?: { preset: 'broadcast' }) =>
  unitManifest({
    characters: [
      { id: 'ana', name: 'Ana', description: 'red hair' },
      { id: 'ben', name: 'Ben', description: 'bald' },
    ],
    episodes: [
      {
        id: 'ep01',
        title: 'One',
        scenes: [{ id: 's01', location: 'Harbour', characters: ['ana', 'ben'], outline: 'They meet.' }],
      },
    ],
    ...(subtitles && { subtitles }),
  });

async function subtitledScene(subtitles?: { preset: 'broadcast' }) {
  const world = await stageWorld(manifestWith(subtitles), {
    objects: [[`${root}/voice-cues.json`, Buffer.from(JSON.stringify(cues))]],
  });
  await world.ensureScenes();
  return world;
}

/** An SRT file's blocks: index, timing and the lines shown. */
const srtBlocks = (srt: string) =>
  srt
    .trim()
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/));

describe('Build subtitles', () => {
  it("writes SRT and VTT timed by the voice track's cues, and names both on the scene's row", async () => {
    // Prepare
    const world = await subtitledScene();

    // Act
    await buildSubtitles(scene, world.deps);

    // Assess
    const srt = world.objects.get(`${root}/subtitles.srt`)!.toString('utf8');
    const vtt = world.objects.get(`${root}/subtitles.vtt`)!.toString('utf8');
    const blocks = srtBlocks(srt);
    expect(blocks.map((block) => block.slice(0, 2))).toEqual([
      ['1', '00:00:00,500 --> 00:00:01,750'],
      ['2', '00:00:02,250 --> 00:00:05,500'],
    ]);
    expect(blocks[0]!.slice(2)).toEqual(['You came back.']);
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(vtt).toContain('00:00:02.250 --> 00:00:05.500');
    expect(vtt).toContain('<v Ana>You came back.</v>');
    const row = await world.productions.getScene('unit-series', 'ep01', 's01');
    expect(row.status).toBe('SUBTITLES');
    expect(row.assets).toEqual({ srt: `${root}/subtitles.srt`, vtt: `${root}/subtitles.vtt` });
  });

  it("breaks a long line as the manifest's subtitle style does: two lines in the feed preset, one in broadcast", async () => {
    // Prepare
    const feed = await subtitledScene();
    const broadcast = await subtitledScene({ preset: 'broadcast' });

    // Act
    await buildSubtitles(scene, feed.deps);
    await buildSubtitles(scene, broadcast.deps);

    // Assess
    const shown = (world: typeof feed) =>
      srtBlocks(world.objects.get(`${root}/subtitles.srt`)!.toString('utf8'))[1]!.slice(2);
    const inFeed = shown(feed);
    expect(inFeed).toHaveLength(2);
    expect(inFeed.filter((line) => line.length > 28)).toEqual([]);
    expect(inFeed.join(' ')).toBe(LONG_LINE);
    expect(shown(broadcast)).toEqual([LONG_LINE]);
  });

  it('fails with AssetMissing when the voice stage left no cues, having written no subtitles', async () => {
    // Prepare
    const world = await stageWorld(manifestWith());
    await world.ensureScenes();

    // Act
    const attempt = buildSubtitles(scene, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'AssetMissing',
      message: expect.stringContaining('voice-cues.json'),
    });
    expect([...world.objects.keys()].filter((key) => key.includes('subtitles'))).toEqual([]);
    expect((await world.productions.getScene('unit-series', 'ep01', 's01')).assets).toEqual({});
  });
});
