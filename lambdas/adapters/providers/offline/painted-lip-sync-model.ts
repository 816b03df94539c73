import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProviderRejected } from '../../../core/contracts/errors.js';
import type { LipSyncModel, LipSyncRequest, LipSyncResult, Metered } from '../../../core/contracts/ports.js';
import { renderCameraMoveClip } from '../../media/camera-move.js';
import { withTempDir } from '../../media/ffmpeg.js';
import { mouthFrames } from './mouth-frames.js';
import { StoryboardImageModel } from './offline-image-model.js';

const PROVIDER = 'offline';
const MODEL = 'painted-mouths-v1';

/**
 * The offline LipSyncModel: the painter draws the scene's keyframe again with the speaking
 * character's mouth half or fully open, switched frame by frame by the voice track's loudness,
 * and the offline video model's camera move runs over those frames (a lossless clip, so the
 * episode's encode stays the one lossy encode). Everyone else's mouth, and every mouth between
 * lines, stays closed, so a viewer can tell who is speaking.
 *
 * It can only open mouths it painted in a shot it planned: a keyframe another image model drew,
 * or a clip a provider rendered, comes back as the clip it was given, at no cost.
 */
export class PaintedLipSyncModel implements LipSyncModel {
  constructor(private readonly painter = new StoryboardImageModel()) {}

  async syncLips(request: LipSyncRequest): Promise<Metered<LipSyncResult>> {
    const frameCount = Math.round(request.durationSeconds * request.fps);
    if (frameCount < 1) throw new ProviderRejected(`${MODEL} cannot sync a clip of ${request.durationSeconds} s`);
    const unsynced = { result: { mp4: request.video }, usage: {}, provider: PROVIDER, model: MODEL };
    const move = request.shot.cameraMove;
    if (!move) return unsynced;
    const keyframe = await this.painter.paintKeyframe(request.shot.keyframe, {});
    if (!keyframe.result.png.equals(request.shot.keyframePng)) return unsynced;

    const frames = mouthFrames(request.audio, request.speech, request.fps, frameCount);
    if (frames.every((frame) => frame.shape === 'closed')) return unsynced;
    const mp4 = await withTempDir(async (dir) => {
      const drawn = new Map<string, string>();
      const fileFor = async (speaker: string | undefined, shape: 'closed' | 'half' | 'open'): Promise<string> => {
        const name = speaker && shape !== 'closed' ? `${speaker}-${shape}` : 'closed';
        let file = drawn.get(name);
        if (!file) {
          file = path.join(dir, `${name}.png`);
          const png =
            speaker && shape !== 'closed'
              ? (await this.painter.paintKeyframe(request.shot.keyframe, { [speaker]: shape })).result.png
              : keyframe.result.png;
          await writeFile(file, png);
          drawn.set(name, file);
        }
        return file;
      };
      for (const [index, frame] of frames.entries()) {
        await symlink(
          await fileFor(frame.speaker, frame.shape),
          path.join(dir, `frame-${String(index).padStart(6, '0')}.png`),
        );
      }
      return renderCameraMoveClip(
        { frames: path.join(dir, 'frame-%06d.png') },
        { move, width: request.width, height: request.height, fps: request.fps, frameCount },
      );
    });
    return { result: { mp4 }, usage: { lipSyncSeconds: frameCount / request.fps }, provider: PROVIDER, model: MODEL };
  }
}
