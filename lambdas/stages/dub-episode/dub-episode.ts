import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bulkhead } from 'cockatiel';
import { AssetMissing } from '../../core/contracts/errors.js';
import { assetKeys, dubStem } from '../../core/contracts/keys.js';
import type * as z from '../../core/contracts/zod-mini.js';
import { contentHash } from '../../core/domain/content-hash.js';
import type { DubSummary, EpisodeSummary, StoredDubVoicing } from '../../core/domain/scene-artifacts.js';
import type { Manifest } from '../../core/manifest/schema.js';
import { languageOf } from '../../core/text/languages.js';
import { writeCover } from '../../pipeline/episode-cover.js';
import { type CutScene, cutEpisode, deliverCut, qaFailure } from '../../pipeline/episode-cut.js';
import { platformPackageOf, writePlatformPackage } from '../../pipeline/platform-package.js';
import type { DubEventSchema } from '../../pipeline/scene-context.js';
import { encodeScenePicture, scenePicture } from '../../pipeline/scene-picture.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { resyncLips } from './lip-resync.js';

/** The provider ports this stage uses: its handler declares them with their offline models. */
export type DubEpisodePorts = 'lipSync' | 'music';

/** How many scenes' lips are synced again at once. */
const RESYNC_CONCURRENCY = 4;
/** Part of the dub's inputs hash: a dub cut before its lip-synced scenes were synced again is cut again. */
const LIP_RESYNC_VERSION = 'resync-to-dub-voice-v1';

/**
 * Cuts one dub of an assembled episode from the voices voice-dub made, over the master's
 * pictures: mixed over the same music bed and checked as the master is. Nothing visual is
 * bought: the pictures are the master's keyframes and clips, but for a scene the master synced
 * lips in, whose lips are synced again to the dubbed voice (lip-resync.ts). Delivered as
 * `<episode>.<language>.mp4` with its subtitles, editor's exports, a cover titled in the
 * language and its platform package; a dub that fails QA keeps its findings in its summary and
 * stops with EpisodeQaFailed.
 */
export async function dubEpisode(event: z.output<typeof DubEventSchema>, deps: StageDeps<DubEpisodePorts>) {
  const manifest = await deps.loadManifest(event.productionId);
  const episode = manifest.episodes.find((e) => e.id === event.episodeId);
  if (!episode) throw new AssetMissing(`episode ${event.episodeId} is not in production ${event.productionId}`);
  const language = languageOf(event.language).tag;
  const stem = dubStem(episode.id, language);
  const master = await deps.assets.findJson<EpisodeSummary>(assetKeys.episodeSummary(event.productionId, episode.id));
  if (!master?.file) return { episodeId: episode.id, language, dubbed: false };

  const voicing = await deps.assets.getJson<StoredDubVoicing>(
    assetKeys.dubVoicing(event.productionId, episode.id, language),
  );
  const { lipSync } = await deps.providers(manifest);
  // The voices and, where the master synced lips, the model that syncs them again to the dubbed voice.
  const inputsHash = dubInputsHash(voicing.inputsHash, manifest.lipSync && lipSync ? lipSync : undefined);
  const summaryKey = assetKeys.dubSummary(event.productionId, episode.id, language);
  const previous = await deps.assets.findJson<DubSummary>(summaryKey);
  if (previous?.inputsHash === inputsHash && !previous.qa.passed) throw qaFailure(stem, previous.qa);
  if (
    previous?.inputsHash === inputsHash &&
    previous.file &&
    (await deps.assets.exists(assetKeys.episode(event.productionId, stem, 'mp4')))
  ) {
    deps.logger.info('dub inputs unchanged; keeping the dubbed MP4', { episodeId: episode.id, language });
    // A package names its cover: a dub kept from before covers existed has none to name until it is cut again.
    if (previous.cover) {
      const platform = await packageDub(deps, manifest, voicing, {
        episodeId: episode.id,
        stem,
        durationSeconds: previous.durationSeconds,
        cover: previous.cover,
      });
      if (previous.platform !== platform) await deps.assets.putJson(summaryKey, { ...previous, platform });
    }
    return { episodeId: episode.id, language, dubbed: true, reused: true };
  }

  const records = new Map(
    (await deps.productions.listScenes(event.productionId))
      .filter((s) => s.episodeId === episode.id)
      .map((s) => [s.sceneId, s]),
  );
  const workDir = await mkdtemp(path.join(os.tmpdir(), `dramaforge-${stem}-`));
  try {
    // A few scenes at once: a provider's jobs run side by side within the poll budget, and painted clips within memory.
    const resyncSlots = bulkhead(RESYNC_CONCURRENCY, Number.POSITIVE_INFINITY);
    // Each dubbed voice is read once: the re-sync and the cut both use it.
    const voicedScenes = await Promise.all(
      voicing.scenes.map((scene) =>
        resyncSlots.execute(async () => {
          const ref = { productionId: event.productionId, episodeId: episode.id, sceneId: scene.sceneId };
          const voiceWav = await deps.assets.getBytes(assetKeys.dubVoice(ref, language));
          const record = records.get(scene.sceneId);
          const synced = await resyncLips(deps, { manifest, lipSync, language, ref, record, voiced: scene, voiceWav });
          return { ref, voiceWav, synced };
        }),
      ),
    );
    const resyncs = voicedScenes.map(({ synced }) => synced);
    const resynced = voicing.scenes.filter((_, index) => resyncs[index]).map((scene) => scene.sceneId);
    const resyncUsd = resyncs.reduce((sum, synced) => sum + (synced?.usd ?? 0), 0);
    const scenes: CutScene[] = [];
    for (const [index, voiced] of voicing.scenes.entries()) {
      const { ref, voiceWav } = voicedScenes[index]!;
      const clip = resyncs[index]?.clipKey ?? records.get(voiced.sceneId)?.assets?.clip;
      const picture = await scenePicture(deps, ref, clip, workDir);
      const scene = episode.scenes.find((s) => s.id === voiced.sceneId)!;
      // The dub's own cues are burned, on its own scene lengths: the master's scene videos cannot be reused.
      const videoFile = path.join(workDir, `${stem}.${scene.id}.scene.mp4`);
      await encodeScenePicture(deps, {
        manifest,
        language,
        name: `${stem}/${scene.id}`,
        picture,
        durationSeconds: voiced.durationSeconds,
        cues: voiced.cues,
        outputFile: videoFile,
      });
      scenes.push({
        scene,
        videoFile,
        durationSeconds: voiced.durationSeconds,
        holdSeconds: voiced.holdSeconds,
        voiceWav,
        cues: voiced.cues,
      });
    }
    const cut = await cutEpisode(deps, { manifest, episode, language, scenes, workDir, name: stem });
    const summary: DubSummary = {
      language,
      durationSeconds: cut.durationSeconds,
      masterDurationSeconds: master.durationSeconds,
      inputsHash,
      translation: voicing.translation,
      fit: voicing.fit,
      ...(manifest.lipSync &&
        lipSync && { lipSync: { provider: lipSync.provider, model: lipSync.model, scenes: resynced } }),
      ...(voicing.repairs && { repairs: voicing.repairs }),
      audio: cut.audio,
      qa: cut.qa,
      costUsd: voicing.costUsd + resyncUsd,
    };
    if (!cut.qa.passed) {
      await deps.assets.putJson(summaryKey, summary);
      throw qaFailure(stem, cut.qa);
    }
    summary.exports = await deliverCut(deps, {
      productionId: event.productionId,
      manifest,
      episode,
      stem,
      cut,
      scenes,
    });
    summary.title = voicing.title;
    summary.cover = await writeCover(deps, { manifest, episode, stem, title: voicing.title, language, scenes });
    summary.platform = await packageDub(deps, manifest, voicing, {
      episodeId: episode.id,
      stem,
      durationSeconds: summary.durationSeconds,
      cover: summary.cover,
    });
    summary.file = `${stem}.mp4`;
    await deps.assets.putJson(summaryKey, summary);
    return { episodeId: episode.id, language, dubbed: true, reused: false };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The dub's platform package: the listing voice-dub translated, beside the dub's MP4 and cover. */
async function packageDub(
  deps: StageDeps,
  manifest: Manifest,
  voicing: StoredDubVoicing,
  delivered: { episodeId: string; stem: string; durationSeconds: number; cover: string },
): Promise<string> {
  return writePlatformPackage(deps, {
    productionId: manifest.production,
    stem: delivered.stem,
    package: platformPackageOf({
      manifest,
      episodeId: delivered.episodeId,
      language: voicing.language,
      title: voicing.title,
      listing: voicing.listing,
      durationSeconds: delivered.durationSeconds,
      cover: delivered.cover,
    }),
  });
}

/** What a dub's cut is made from: its voicing, and the lip re-sync that changes its pictures (none without lip-sync). */
export function dubInputsHash(voicingHash: string, lipResync: { model: string } | undefined): string {
  return contentHash({
    voicing: voicingHash,
    lipResync: lipResync ? { model: lipResync.model, version: LIP_RESYNC_VERSION } : null,
  });
}
