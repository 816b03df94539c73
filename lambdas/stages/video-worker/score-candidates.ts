import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cameraMoveWindow, renderCameraMoveClip } from '../../adapters/media/camera-move.js';
import { frameAt } from '../../adapters/media/clip-frames.js';
import { withTempDir } from '../../adapters/media/ffmpeg.js';
import { checkClipPicture } from '../../adapters/media/picture-qa.js';
import type { Bound } from '../../core/contracts/bound-providers.js';
import { assetKeys, type SceneRef } from '../../core/contracts/keys.js';
import {
  type Box,
  type ClipResult,
  type ConsistencyScorer,
  isCameraMoveClip,
  type RenderedImage,
} from '../../core/contracts/ports.js';
import { sha256 } from '../../core/domain/content-hash.js';
import { CANDIDATE_SCORING_STAGE, SAMPLED_FRAMES } from '../../core/domain/video-candidates.js';
import type { Manifest } from '../../core/manifest/schema.js';
import { estimateUsd } from '../../core/pricing/estimates.js';
import { WORST_CASE_USAGE } from '../../core/pricing/worst-case-usage.js';
import { scoreCodec } from '../../pipeline/codecs.js';
import { callIdentity, paidCall } from '../../pipeline/paid-call.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import type { ScoredCandidate } from './choose-candidate.js';

export interface CandidateScoring {
  scene: SceneRef;
  manifest: Manifest;
  keyframe: RenderedImage;
  /** Each character's reference sheet, by id. */
  references: Record<string, RenderedImage>;
  consistency: Bound<ConsistencyScorer>;
}

/** A region of the still, where it shows in a frame of a camera move over it; absent when the move left it out. */
export function regionInWindow(box: Box, window: ReturnType<typeof cameraMoveWindow>, width: number, height: number) {
  const left = Math.max(0, (box.x / width - window.x) / window.width) * width;
  const top = Math.max(0, (box.y / height - window.y) / window.height) * height;
  const right = Math.min(1, ((box.x + box.width) / width - window.x) / window.width) * width;
  const bottom = Math.min(1, ((box.y + box.height) / height - window.y) / window.height) * height;
  if (right <= left || bottom <= top) return undefined;
  return { x: Math.round(left), y: Math.round(top), width: Math.round(right - left), height: Math.round(bottom - top) };
}

/**
 * Where each character stands in a sampled frame. A camera move's frames follow the keyframe's
 * regions through the move. A rendered clip is taken to keep its keyframe's composition (an
 * image-to-video model starts from it); a real image model's keyframe has no regions, and its
 * scorer compares whole frames.
 */
function frameRegions(clip: ClipResult, keyframe: RenderedImage, frameIndex: number): Record<string, Box> {
  if (!isCameraMoveClip(clip)) return keyframe.regions;
  const window = cameraMoveWindow(clip.cameraMove.move, frameIndex, clip.cameraMove.frameCount);
  return Object.fromEntries(
    Object.entries(keyframe.regions).flatMap(([id, box]) => {
      const moved = regionInWindow(box, window, keyframe.width, keyframe.height);
      return moved ? [[id, moved]] : [];
    }),
  );
}

/**
 * Scores one candidate clip: QA's picture checks and its motion on the whole clip, and each
 * character's consistency with their reference sheet on SAMPLED_FRAMES frames, each score a paid
 * call through the ledger like the keyframes' own. A camera move is rendered first (losslessly)
 * so it is measured as the episode will show it.
 */
export async function scoreCandidate(
  deps: StageDeps,
  scoring: CandidateScoring,
  candidate: { candidate: number; seed: number; provider: string; model: string; clip: ClipResult; clipKey: string },
): Promise<ScoredCandidate> {
  const { manifest, keyframe, consistency } = scoring;
  const { width, height, fps } = manifest.format;
  const { clip } = candidate;
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'candidate.mp4');
    if (isCameraMoveClip(clip)) {
      const still = path.join(dir, 'keyframe.png');
      await writeFile(still, keyframe.png);
      const { move, frameCount } = clip.cameraMove;
      await writeFile(file, await renderCameraMoveClip({ still }, { move, width, height, fps, frameCount }));
    } else {
      await writeFile(file, clip.mp4);
    }
    const picture = await checkClipPicture(file);
    const sampledSeconds = Array.from(
      { length: SAMPLED_FRAMES },
      (_, k) => Math.round(((k + 0.5) / SAMPLED_FRAMES) * picture.durationSeconds * 1000) / 1000,
    );
    const costKeys: string[] = [];
    const sums: Record<string, number> = {};
    const keys = await keepCandidate(deps, scoring.scene, candidate.candidate, clip);
    for (const [index, seconds] of sampledSeconds.entries()) {
      const png = await frameAt(file, seconds, width, height);
      if (index === Math.floor(SAMPLED_FRAMES / 2)) await deps.assets.putBytes(keys.frame, png, 'image/png');
      const frame: RenderedImage = {
        png,
        width,
        height,
        regions: frameRegions(clip, keyframe, Math.round(seconds * fps)),
      };
      for (const [characterId, reference] of Object.entries(scoring.references)) {
        const request = {
          productionId: manifest.production,
          priority: manifest.priority,
          stage: CANDIDATE_SCORING_STAGE,
          scene: scoring.scene,
          provider: consistency.provider,
          model: consistency.model,
          inputs: { frame: sha256(png), reference: sha256(reference.png), characterId },
          estimateUsd: estimateUsd(consistency, WORST_CASE_USAGE.consistency),
          codec: scoreCodec,
          call: (options: Parameters<ConsistencyScorer['score']>[1]) =>
            consistency.port.score({ keyframe: frame, reference, characterId }, options),
        };
        const { result } = await paidCall(deps, request);
        costKeys.push(callIdentity(request).idempotencyKey);
        sums[characterId] = (sums[characterId] ?? 0) + result.score;
      }
    }
    return {
      candidate: candidate.candidate,
      seed: candidate.seed,
      provider: candidate.provider,
      model: candidate.model,
      consistency: Object.fromEntries(
        Object.entries(sums).map(([id, sum]) => [id, Math.round((sum / SAMPLED_FRAMES) * 10_000) / 10_000]),
      ),
      sampledSeconds,
      motion: Math.round(picture.motion * 10_000) / 10_000,
      checks: picture.checks,
      costKeys: [candidate.clipKey, ...costKeys],
      ...keys,
    };
  });
}

/**
 * Keeps a candidate's clip under its own key, kept or not, so the console can show the candidates side by side:
 * the cache holds it too, but under a hash nothing names.
 */
async function keepCandidate(deps: StageDeps, scene: SceneRef, candidate: number, clip: ClipResult) {
  const frame = assetKeys.candidateFrame(scene, candidate);
  if (isCameraMoveClip(clip)) {
    const key = assetKeys.candidateCameraMove(scene, candidate);
    await deps.assets.putJson(key, clip.cameraMove);
    return { clip: key, frame };
  }
  const key = assetKeys.candidateClip(scene, candidate);
  await deps.assets.putBytes(key, clip.mp4, 'video/mp4');
  return { clip: key, frame };
}
