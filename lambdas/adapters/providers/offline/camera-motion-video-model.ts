import { ProviderRejected } from '../../../core/contracts/errors.js';
import {
  CAMERA_MOVES,
  type CameraMove,
  type CameraMoveClip,
  type ClipRequest,
  type Metered,
  type VideoModel,
} from '../../../core/contracts/ports.js';
import { sha256 } from '../../../core/domain/content-hash.js';

/**
 * The offline VideoModel: an animatic shot, a slow camera move over the keyframe (a Ken
 * Burns effect). It chooses the move and leaves the frames to the episode's encode
 * (lambdas/adapters/media/camera-move.ts), so each frame is encoded once, in the final
 * codec. It costs nothing and needs no network.
 */
export class CameraMotionVideoModel implements VideoModel {
  async renderClip(request: ClipRequest): Promise<Metered<CameraMoveClip>> {
    validate(request);
    const frameCount = Math.round(request.durationSeconds * request.fps);
    return {
      result: {
        cameraMove: { move: cameraMoveForSeed(request.seed), frameCount, keyframeSha256: sha256(request.keyframePng) },
      },
      usage: { videoSeconds: frameCount / request.fps },
      provider: 'offline',
      model: 'camera-motion-v1',
    };
  }
}

export function cameraMoveForSeed(seed: number): CameraMove {
  const index = mixSeed(seed) % CAMERA_MOVES.length;
  return CAMERA_MOVES[index] as CameraMove;
}

/** Spreads nearby seeds (0, 1, 2...) over the moves so consecutive scenes vary. */
function mixSeed(seed: number): number {
  let x = Math.trunc(seed) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

function validate(request: ClipRequest): void {
  const problems: string[] = [];
  if (!Number.isInteger(request.width) || request.width < 2 || request.width % 2 !== 0) {
    problems.push(`width must be an even whole number (yuv420p), got ${request.width}`);
  }
  if (!Number.isInteger(request.height) || request.height < 2 || request.height % 2 !== 0) {
    problems.push(`height must be an even whole number (yuv420p), got ${request.height}`);
  }
  if (!(request.fps > 0) || !Number.isFinite(request.fps)) problems.push(`fps must be positive, got ${request.fps}`);
  if (!(request.durationSeconds > 0) || Math.round(request.durationSeconds * request.fps) < 1) {
    problems.push(`durationSeconds must cover at least one frame, got ${request.durationSeconds}`);
  }
  if (request.keyframePng.length === 0) problems.push('keyframePng is empty');
  if (problems.length > 0)
    throw new ProviderRejected(`camera-motion-v1 cannot render this clip: ${problems.join('; ')}`);
}
