import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AssetMissing } from '../../core/contracts/errors.js';
import { assetKeys, type SceneRef, sceneLabel } from '../../core/contracts/keys.js';
import * as z from '../../core/contracts/zod-mini.js';
import { contentHash } from '../../core/domain/content-hash.js';
import type { SceneRecord } from '../../core/domain/production-model.js';
import type { EpisodeSummary, StoredVoiceCues } from '../../core/domain/scene-artifacts.js';
import type { Manifest, ManifestEpisode } from '../../core/manifest/schema.js';
import { languageOf } from '../../core/text/languages.js';
import { writeCover } from '../../pipeline/episode-cover.js';
import { type CutScene, cutEpisode, deliverCut, qaFailure } from '../../pipeline/episode-cut.js';
import { platformPackageOf, writeEpisodeListing, writePlatformPackage } from '../../pipeline/platform-package.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { assemblyProgress } from './assembly-progress.js';

/** The provider ports this stage uses: its handler declares them with their offline models. */
export type AssembleEpisodePorts = 'text' | 'music';

/** Part of the inputs hash: a change to how the sound is mixed or checked is a new episode. */
const AUDIO_AND_QA_VERSION = 'bed-ducked-limited-loudnorm-2pass+qa-v2';

export const AssembleEpisodeEventSchema = z.object({
  productionId: z.string().check(z.regex(/^[a-z0-9-]{3,63}$/)),
  episodeId: z.string().check(z.regex(/^[a-z0-9-]{1,63}$/)),
});

/**
 * Lays the episode's finished scenes end to end: one MP4 of their videos as Encode scene wrote
 * them (subtitles burned, joined without encoding again) with the voices over a ducked
 * music bed, normalised to −14 LUFS over the whole mix, plus SRT and VTT on the
 * episode's timeline, and the editor's exports (OTIO, FCPXML and the voice stem they place).
 * Scenes that did not finish are left out; an episode with none is not assembled. The MP4 is
 * checked (QA, docs/audio-and-qa.md) before anything is delivered: an episode that fails a
 * hard check keeps its findings in its summary, is not written to its delivery keys, and
 * stops with EpisodeQaFailed. A delivered episode is listed for the platforms (its platform package).
 */
export async function assembleEpisodeStage(
  event: z.output<typeof AssembleEpisodeEventSchema>,
  deps: StageDeps<AssembleEpisodePorts>,
) {
  const manifest = await deps.loadManifest(event.productionId);
  const episode = manifest.episodes.find((e) => e.id === event.episodeId);
  if (!episode) throw new Error(`episode ${event.episodeId} is not in production ${event.productionId}`);
  const records = new Map(
    (await deps.productions.listScenes(event.productionId))
      .filter((s) => s.episodeId === episode.id)
      .map((s) => [s.sceneId, s]),
  );
  const finished = episode.scenes.filter((scene) => records.get(scene.id)?.status === 'COMPLETE');
  if (finished.length === 0) {
    deps.logger.warn('no finished scenes to assemble', { episodeId: episode.id });
    return { episodeId: episode.id, assembled: false };
  }

  const inputsHash = await assemblyInputsHash(
    deps,
    manifest,
    event.productionId,
    episode.id,
    finished.map((s) => ({
      sceneId: s.id,
      videoKey: sceneVideoKey(
        { productionId: event.productionId, episodeId: episode.id, sceneId: s.id },
        records.get(s.id),
      ),
    })),
  );
  const previous = await deps.assets.findJson<EpisodeSummary>(assetKeys.episodeSummary(event.productionId, episode.id));
  if (previous?.inputsHash === inputsHash && previous.qa && !previous.qa.passed)
    throw qaFailure(episode.id, previous.qa);
  if (
    previous?.inputsHash === inputsHash &&
    previous.file &&
    previous.exports &&
    previous.cover &&
    (await deps.assets.exists(assetKeys.episode(event.productionId, episode.id, 'mp4')))
  ) {
    deps.logger.info('episode inputs unchanged; keeping the assembled MP4', { episodeId: episode.id });
    // The listing is not part of the MP4's inputs: a changed logline or synopsis lists the kept cut anew (from the cache when unchanged).
    const platform = await packageMaster(deps, manifest, episode, {
      durationSeconds: previous.durationSeconds,
      cover: previous.cover,
    });
    if (previous.platform !== platform)
      await deps.assets.putJson(assetKeys.episodeSummary(event.productionId, episode.id), { ...previous, platform });
    return { episodeId: episode.id, assembled: true, reused: true };
  }

  const progress = assemblyProgress(deps, event.productionId, episode.id);
  await progress.step('reading the scenes');
  const workDir = await mkdtemp(path.join(os.tmpdir(), `dramaforge-${episode.id}-`));
  try {
    const scenes: CutScene[] = [];
    for (const scene of finished) {
      const ref = { productionId: event.productionId, episodeId: episode.id, sceneId: scene.id };
      const videoFile = path.join(workDir, `${scene.id}.scene.mp4`);
      const [video, voiceWav, timing] = await Promise.all([
        deps.assets.getBytes(sceneVideoKey(ref, records.get(scene.id))),
        deps.assets.getBytes(assetKeys.voice(ref)),
        deps.assets.getJson<StoredVoiceCues>(assetKeys.voiceCues(ref)),
      ]);
      await writeFile(videoFile, video);
      const cues = timing.cues.map((cue) => ({
        startSeconds: cue.startSeconds,
        endSeconds: cue.endSeconds,
        text: cue.text,
        speaker: cue.speaker,
      }));
      scenes.push({ scene, videoFile, durationSeconds: timing.durationSeconds, voiceWav, cues });
    }
    const cut = await cutEpisode(deps, {
      manifest,
      episode,
      language: manifest.language,
      scenes,
      workDir,
      name: episode.id,
      progress,
    });
    const summary: EpisodeSummary = {
      episodeId: episode.id,
      durationSeconds: cut.durationSeconds,
      sceneIds: finished.map((s) => s.id),
      inputsHash,
      audio: cut.audio,
      qa: cut.qa,
    };
    if (!cut.qa.passed) {
      await deps.assets.putJson(assetKeys.episodeSummary(event.productionId, episode.id), summary);
      throw qaFailure(episode.id, cut.qa);
    }
    await progress.step('writing the deliverables');
    summary.exports = await deliverCut(deps, {
      productionId: event.productionId,
      manifest,
      episode,
      stem: episode.id,
      cut,
      scenes,
    });
    summary.cover = await writeCover(deps, {
      manifest,
      episode,
      stem: episode.id,
      title: episode.title,
      language: manifest.language,
      scenes,
    });
    summary.platform = await packageMaster(deps, manifest, episode, {
      durationSeconds: summary.durationSeconds,
      cover: summary.cover,
    });
    summary.file = `${episode.id}.mp4`;
    await deps.assets.putJson(assetKeys.episodeSummary(event.productionId, episode.id), summary);
    return { episodeId: episode.id, assembled: true, reused: false };
  } finally {
    await progress.step('done');
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The master's platform package: its listing written by the script model, beside its MP4 and cover. */
async function packageMaster(
  deps: StageDeps<AssembleEpisodePorts>,
  manifest: Manifest,
  episode: ManifestEpisode,
  delivered: { durationSeconds: number; cover: string },
): Promise<string> {
  const { text } = await deps.providers(manifest);
  const { listing } = await writeEpisodeListing(deps, { manifest, episode, text });
  return writePlatformPackage(deps, {
    productionId: manifest.production,
    stem: episode.id,
    package: platformPackageOf({
      manifest,
      episodeId: episode.id,
      language: languageOf(manifest.language).tag,
      title: episode.title,
      listing,
      durationSeconds: delivered.durationSeconds,
      cover: delivered.cover,
    }),
  });
}

/** The scene's video as Encode scene left it; a finished scene always has one. */
function sceneVideoKey(ref: SceneRef, record: SceneRecord | undefined): string {
  const key = record?.assets?.video;
  if (!key) throw new AssetMissing(`${sceneLabel(ref)} is complete but has no encoded video; produce its scene again`);
  return key;
}

/**
 * What the episode is made of: each finished scene's encoded video, voice track and cue timing
 * (by ETag, a content hash), the format, the language and the cover's title and scene. Equal hashes mean an equal MP4.
 */
async function assemblyInputsHash(
  deps: StageDeps,
  manifest: Manifest,
  productionId: string,
  episodeId: string,
  sceneVideos: { sceneId: string; videoKey: string }[],
) {
  const scenes = [];
  for (const { sceneId, videoKey } of sceneVideos) {
    const ref = { productionId, episodeId, sceneId };
    scenes.push({
      sceneId,
      video: await deps.assets.etag(videoKey),
      voice: await deps.assets.etag(assetKeys.voice(ref)),
      cues: await deps.assets.etag(assetKeys.voiceCues(ref)),
    });
  }
  const episode = manifest.episodes.find((e) => e.id === episodeId);
  const moods = episode?.scenes
    .filter((s) => sceneVideos.some((c) => c.sceneId === s.id))
    .map((s) => [s.mood, s.outline]);
  // The cover is part of the episode's delivery: a new title or cover scene draws it again.
  const cover = { title: episode?.title, scene: episode?.cover ?? null };
  return contentHash({
    format: manifest.format,
    language: manifest.language,
    subtitles: manifest.subtitles ?? null,
    seed: manifest.seed,
    moods,
    audioAndQa: AUDIO_AND_QA_VERSION,
    scenes,
    cover,
  });
}
