import { describe, expect, it } from 'vitest';
import { VOICE_SAMPLE_RATE, wavFromPcm } from '../../../../../lambdas/adapters/media/voice-track.js';
import {
  PROCEDURAL_MUSIC_MODEL,
  PROCEDURAL_MUSIC_PROVIDER,
  ProceduralMusicModel,
} from '../../../../../lambdas/adapters/providers/offline/procedural-music-model.js';
import type { PlatformPackage } from '../../../../../lambdas/core/contracts/platform-package.js';
import { sha256 } from '../../../../../lambdas/core/domain/content-hash.js';
import type {
  DubSummary,
  EpisodeSummary,
  StoredDubVoicing,
} from '../../../../../lambdas/core/domain/scene-artifacts.js';
import { dubEpisode, dubInputsHash } from '../../../../../lambdas/stages/dub-episode/dub-episode.js';
import { testPattern } from '../../../../support/media-fixtures.js';
import { unitManifest } from '../../../../support/mocked-stage-deps.js';
import { stageWorld } from '../../../../support/stage-world.js';

const event = { productionId: 'unit-series', episodeId: 'ep01', language: 'th' };
const episodes = 'productions/unit-series/episodes';
const keys = {
  master: `${episodes}/ep01.json`,
  voicing: 'productions/unit-series/dubs/ep01.th-TH.json',
  summary: `${episodes}/ep01.th-TH.json`,
  mp4: `${episodes}/ep01.th-TH.mp4`,
  platform: `${episodes}/ep01.th-TH.platform.json`,
};
const master: EpisodeSummary = {
  episodeId: 'ep01',
  file: 'ep01.mp4',
  durationSeconds: 6,
  sceneIds: ['s01'],
  inputsHash: 'master-hash',
};
const voicing: StoredDubVoicing = {
  language: 'th-TH',
  inputsHash: 'voicing-hash',
  title: 'ท่าเรือ',
  listing: { description: 'อานารอเรือข้ามฟาก', hashtags: ['#ละครสั้น'] },
  translation: { provider: 'offline', model: 'phrasebook-v1', standIn: true },
  fit: [{ sceneId: 's01', askedAgain: [], tempo: 1, holdSeconds: 0 }],
  costUsd: 0,
  scenes: [
    {
      sceneId: 's01',
      durationSeconds: 6,
      holdSeconds: 0,
      cues: [{ startSeconds: 0.5, endSeconds: 2, text: 'สวัสดี', speaker: 'Ana', characterId: 'ana' }],
    },
  ],
};
/** A dub of `voicing` cut before: delivered when QA passed, stopped with its findings when it did not. */
const previousDub = (passed: boolean, extra: Partial<DubSummary> = {}): DubSummary => ({
  language: 'th-TH',
  durationSeconds: 6.1,
  masterDurationSeconds: 6,
  inputsHash: dubInputsHash(voicing.inputsHash, undefined),
  translation: voicing.translation,
  fit: voicing.fit,
  audio: {
    loudness: { integratedLufs: -14, truePeakDbtp: -1.5, loudnessRangeLu: 4, normalization: 'linear' },
    music: { provider: 'offline', model: 'procedural-v1', moods: ['calm'] },
  },
  qa: {
    passed,
    checks: [
      { name: 'dialogue-silence', passed, severity: 'hard', detail: passed ? 'dialogue heard' : 'no dialogue in s01' },
    ],
  },
  costUsd: 0,
  ...(passed && { file: 'ep01.th-TH.mp4' }),
  ...extra,
});

const at = (key: string, value: unknown): [string, Buffer] => [key, Buffer.from(JSON.stringify(value))];

async function dubbing(objects: [string, Buffer][]) {
  const world = await stageWorld(
    unitManifest({
      characters: [{ id: 'ana', name: 'Ana', description: 'red hair' }],
      episodes: [
        {
          id: 'ep01',
          title: 'Harbour',
          scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'Ana waits.' }],
        },
      ],
      dubs: ['th'],
      format: { aspectRatio: '9:16', width: 180, height: 320, fps: 10 },
    }),
    {
      objects,
      providers: {
        music: { port: new ProceduralMusicModel(), provider: PROCEDURAL_MUSIC_PROVIDER, model: PROCEDURAL_MUSIC_MODEL },
      },
    },
  );
  await world.ensureScenes();
  return world;
}

/** The master's picture of s01 (a camera move over a test pattern) and the dub's voice: a tone, or silence. */
async function dubMedia(voiced = true): Promise<[string, Buffer][]> {
  const scene = 'productions/unit-series/scenes/ep01/s01';
  const keyframe = await testPattern(180, 320);
  const plan = { move: 'zoom-in', frameCount: 60, keyframeSha256: sha256(keyframe) };
  const pcm = Buffer.alloc(6 * VOICE_SAMPLE_RATE * 2);
  for (let i = 0; voiced && i < pcm.length / 2; i++)
    pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / VOICE_SAMPLE_RATE)), i * 2);
  const voice = wavFromPcm(pcm);
  return [
    [`${scene}/keyframe.png`, keyframe],
    at(`${scene}/camera-move.json`, plan),
    [`${scene}/dub-th-TH.wav`, voice],
  ];
}

/** The keys the stage wrote, besides the manifest the world was given. */
const written = (world: Awaited<ReturnType<typeof dubbing>>, before: Set<string>) =>
  [...world.objects.keys()].filter((key) => !before.has(key));

describe('Dub episode', () => {
  it('dubs nothing while the master episode is not delivered, and reads no voices for it', async () => {
    // Prepare: the master stopped at QA (no file); the voices of the dub are not even there
    const { file: _file, ...undelivered } = master;
    const world = await dubbing([at(keys.master, undelivered)]);
    const before = new Set(world.objects.keys());

    // Act
    const answer = await dubEpisode(event, world.deps);

    // Assess
    expect(answer).toEqual({ episodeId: 'ep01', language: 'th-TH', dubbed: false });
    expect(written(world, before)).toEqual([]);
  });

  it('keeps the dubbed MP4 of unchanged voices, and writes its platform package from the translated listing', async () => {
    // Prepare
    const world = await dubbing([
      at(keys.master, master),
      at(keys.voicing, voicing),
      at(keys.summary, previousDub(true, { cover: 'ep01.th-TH.cover.jpg' })),
      [keys.mp4, Buffer.from('dubbed-mp4')],
    ]);
    const before = new Set(world.objects.keys());

    // Act
    const answer = await dubEpisode(event, world.deps);

    // Assess
    expect(answer).toEqual({ episodeId: 'ep01', language: 'th-TH', dubbed: true, reused: true });
    expect(world.objects.get(keys.mp4)!.toString()).toBe('dubbed-mp4');
    expect(written(world, before).sort()).toEqual([keys.platform]);
    const platform = world.json<PlatformPackage>(keys.platform);
    expect(platform).toMatchObject({
      episodeId: 'ep01',
      language: 'th-TH',
      title: 'ท่าเรือ',
      description: voicing.listing.description,
      hashtags: voicing.listing.hashtags,
      durationSeconds: 6.1,
      cover: 'ep01.th-TH.cover.jpg',
    });
    expect(world.json<DubSummary>(keys.summary).platform).toBe('ep01.th-TH.platform.json');
  });

  it('stops with EpisodeQaFailed, cutting nothing, when the same voices already failed QA', async () => {
    // Prepare
    const world = await dubbing([
      at(keys.master, master),
      at(keys.voicing, voicing),
      at(keys.summary, previousDub(false)),
    ]);
    const before = new Set(world.objects.keys());

    // Act
    const attempt = dubEpisode(event, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'EpisodeQaFailed',
      message: 'episode ep01.th-TH failed QA, not delivered: dialogue-silence: no dialogue in s01',
    });
    expect(written(world, before)).toEqual([]);
  });

  it("holds no earlier QA failure against changed voices: it goes on to cut, reading each scene's dubbed voice", async () => {
    // Prepare: the dub failed QA over other voices; this scene's dubbed voice is missing
    const world = await dubbing([
      at(keys.master, master),
      at(keys.voicing, voicing),
      at(keys.summary, previousDub(false, { inputsHash: 'earlier-voicing-hash' })),
    ]);
    await world.ensureScenes();

    // Act
    const attempt = dubEpisode(event, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'AssetMissing' });
    expect(world.gets()).toContain('productions/unit-series/scenes/ep01/s01/dub-th-TH.wav');
    expect(world.objects.has(keys.mp4)).toBe(false);
  });

  it("cuts the dub over the master's pictures and delivers it with its summary, cover and platform package", async () => {
    // Prepare
    const world = await dubbing([at(keys.master, master), at(keys.voicing, voicing), ...(await dubMedia())]);
    await world.productions.updateScene(
      { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' },
      { assets: { clip: 'productions/unit-series/scenes/ep01/s01/camera-move.json' } },
    );

    // Act
    const answer = await dubEpisode(event, world.deps);

    // Assess
    expect(answer).toEqual({ episodeId: 'ep01', language: 'th-TH', dubbed: true, reused: false });
    const summary = world.json<DubSummary>(keys.summary);
    expect(summary.qa.passed).toBe(true);
    expect([summary.file, summary.cover, summary.platform, summary.title]).toEqual([
      'ep01.th-TH.mp4',
      'ep01.th-TH.cover.jpg',
      'ep01.th-TH.platform.json',
      'ท่าเรือ',
    ]);
    expect([summary.inputsHash, summary.masterDurationSeconds]).toEqual([dubInputsHash('voicing-hash', undefined), 6]);
    expect(summary.durationSeconds).toBeCloseTo(6, 0);
    expect(world.objects.get(keys.mp4)!.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(world.json<PlatformPackage>(keys.platform).title).toBe('ท่าเรือ');
    // Nothing visual is bought: the one paid call is the music bed.
    const costs = await world.ledger.listCosts('unit-series');
    expect(costs.map((cost) => cost.stage)).toEqual(['music']);
  });

  it('keeps the findings of a cut that fails QA in its summary and stops with EpisodeQaFailed, delivering nothing', async () => {
    // Prepare: the dubbed voice is silent under its cue
    const world = await dubbing([at(keys.master, master), at(keys.voicing, voicing), ...(await dubMedia(false))]);
    await world.productions.updateScene(
      { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' },
      { assets: { clip: 'productions/unit-series/scenes/ep01/s01/camera-move.json' } },
    );

    // Act
    const attempt = dubEpisode(event, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'EpisodeQaFailed', message: /ep01\.th-TH failed QA/ });
    const summary = world.json<DubSummary>(keys.summary);
    expect(summary.qa.passed).toBe(false);
    expect(summary.qa.checks.find((check) => check.name === 'dialogue-silence')?.passed).toBe(false);
    expect(summary.file).toBeUndefined();
    expect([world.objects.has(keys.mp4), world.objects.has(keys.platform)]).toEqual([false, false]);
  });

  it('fails with AssetMissing for an episode the production does not have', async () => {
    // Prepare
    const world = await dubbing([at(keys.master, master)]);

    // Act
    const attempt = dubEpisode({ ...event, episodeId: 'ep09' }, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'AssetMissing', message: expect.stringContaining('ep09') });
  });
});
