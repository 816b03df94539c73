import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderCameraMoveClip } from '../../../../../../lambdas/adapters/media/camera-move.js';
import { runFfmpeg, withTempDir } from '../../../../../../lambdas/adapters/media/ffmpeg.js';
import { wavFromPcm } from '../../../../../../lambdas/adapters/media/voice-track.js';
import { mouthFrames } from '../../../../../../lambdas/adapters/providers/offline/mouth-frames.js';
import { StoryboardImageModel } from '../../../../../../lambdas/adapters/providers/offline/offline-image-model.js';
import { PaintedLipSyncModel } from '../../../../../../lambdas/adapters/providers/offline/painted-lip-sync-model.js';
import type { MouthShape } from '../../../../../../lambdas/adapters/providers/offline/storyboard/figure.js';
import type { LipSyncRequest, SceneBrief, SpokenLine } from '../../../../../../lambdas/core/contracts/ports.js';

const WIDTH = 180;
const HEIGHT = 320;
const FPS = 10;
const SECONDS = 3;
const FRAMES = SECONDS * FPS;
const SAMPLE_RATE = 48_000;
/** Lan speaks frames 3-12, nobody 13-16, Minh 17-26. */
const SPEECH: SpokenLine[] = [
  { characterId: 'lan', startSeconds: 0.3, endSeconds: 1.3 },
  { characterId: 'minh', startSeconds: 1.7, endSeconds: 2.7 },
];
/** Each spoken frame's loudness, cycling loud, middling, almost silent: open, half open, closed. */
const SYLLABLES = [0.8, 0.3, 0.02];
const syllableOf = (frame: number) => SYLLABLES[frame % SYLLABLES.length]!;
const speakerAt = (frame: number) =>
  SPEECH.find((line) => (frame + 0.5) / FPS >= line.startSeconds && (frame + 0.5) / FPS < line.endSeconds)?.characterId;

function voiceTrack(): Buffer {
  const pcm = Buffer.alloc(SECONDS * SAMPLE_RATE * 2);
  for (let sample = 0; sample < SECONDS * SAMPLE_RATE; sample++) {
    const frame = Math.floor((sample / SAMPLE_RATE) * FPS);
    const amplitude = speakerAt(frame) ? syllableOf(frame) : 0;
    pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 220 * sample) / SAMPLE_RATE) * amplitude * 32767), sample * 2);
  }
  return wavFromPcm(pcm, SAMPLE_RATE);
}

const scene: SceneBrief = {
  episodeId: 'ep01',
  sceneId: 's01',
  index: 0,
  location: 'Hanoi railway station, night',
  outline: 'Lan steps off the train; Minh waits.',
  characters: [
    { id: 'lan', name: 'Lan', description: '25, long black hair, red ao dai', voice: { gender: 'female' } },
    { id: 'minh', name: 'Minh', description: '27, short hair, denim jacket', voice: { gender: 'male' } },
  ],
};

async function grayFrames(mp4: Buffer): Promise<Buffer[]> {
  return withTempDir(async (dir) => {
    const input = path.join(dir, 'clip.mp4');
    const output = path.join(dir, 'frames.gray');
    await writeFile(input, mp4);
    await runFfmpeg(['-i', input, '-f', 'rawvideo', '-pix_fmt', 'gray', '-y', output]);
    const raw = await readFile(output);
    const size = WIDTH * HEIGHT;
    return Array.from({ length: raw.length / size }, (_, index) => raw.subarray(index * size, (index + 1) * size));
  });
}

/** Pixels where two frames differ clearly: where a mouth drawn open lies in that frame. */
function maskWhere(a: Buffer, b: Buffer): number[] {
  const pixels: number[] = [];
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 40) pixels.push(i);
  return pixels;
}

const meanDifference = (a: Buffer, b: Buffer, pixels: number[]) =>
  pixels.reduce((sum, i) => sum + Math.abs(a[i]! - b[i]!), 0) / Math.max(1, pixels.length);

describe('the offline lip-sync', () => {
  const painter = new StoryboardImageModel();
  let seed = 0;
  let frames: { plain: Buffer[]; synced: Buffer[]; lanMouth: number[][]; minhMouth: number[][] };

  beforeAll(async () => {
    // A take in which both faces are towards the camera: each one's open mouth changes pixels the other's does not.
    const keyframe = { scene, width: WIDTH, height: HEIGHT, seed: 0 };
    let pngs: { closed: Buffer; lan: Buffer; minh: Buffer } | undefined;
    for (seed = 1; seed < 60 && !pngs; seed++) {
      const [closed, lan, minh] = await Promise.all(
        ([{}, { lan: 'open' }, { minh: 'open' }] as Record<string, MouthShape>[]).map(
          async (mouths) => (await painter.paintKeyframe({ ...keyframe, seed }, mouths)).result.png,
        ),
      );
      if (!closed!.equals(lan!) && !closed!.equals(minh!)) pngs = { closed: closed!, lan: lan!, minh: minh! };
    }
    seed -= 1;
    const render = { move: 'pan-right' as const, width: WIDTH, height: HEIGHT, fps: FPS, frameCount: FRAMES };
    const [plain, lanOpen, minhOpen] = await Promise.all(
      [pngs!.closed, pngs!.lan, pngs!.minh].map((png) =>
        withTempDir(async (dir) => {
          const still = path.join(dir, 'still.png');
          await writeFile(still, png);
          return renderCameraMoveClip({ still }, render);
        }),
      ),
    );
    const request: LipSyncRequest = {
      video: plain!,
      audio: voiceTrack(),
      videoKey: 'clip.mp4',
      audioKey: 'voice.wav',
      language: 'vi-VN',
      syncMode: 'fast',
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      durationSeconds: SECONDS,
      speech: SPEECH,
      shot: { keyframePng: pngs!.closed, keyframe: { ...keyframe, seed }, cameraMove: render.move },
    };
    const synced = await new PaintedLipSyncModel().syncLips(request);
    expect(synced.usage).toEqual({ lipSyncSeconds: SECONDS });
    const [plainFrames, syncedFrames, lanFrames, minhFrames] = await Promise.all(
      [plain!, synced.result.mp4, lanOpen!, minhOpen!].map(grayFrames),
    );
    frames = {
      plain: plainFrames!,
      synced: syncedFrames!,
      lanMouth: lanFrames!.map((frame, index) => maskWhere(frame, plainFrames![index]!)),
      minhMouth: minhFrames!.map((frame, index) => maskWhere(frame, plainFrames![index]!)),
    };
  }, 120_000);

  it("switches each frame's mouth by the voice track's loudness, for the character whose line it is", () => {
    // Act
    const planned = mouthFrames(voiceTrack(), SPEECH, FPS, FRAMES);

    // Assess
    planned.forEach((frame, index) => {
      const speaker = speakerAt(index);
      const expected = speaker ? { speaker, shape: ['open', 'half', 'closed'][index % 3] } : { shape: 'closed' };
      expect(frame, `frame ${index}`).toEqual(expected);
    });
  });

  it("changes a character's mouth region only while that character speaks, and opens it with the loud syllables", () => {
    // Act
    const lan = frames.synced.map((frame, index) =>
      meanDifference(frame, frames.plain[index]!, frames.lanMouth[index]!),
    );
    const minh = frames.synced.map((frame, index) =>
      meanDifference(frame, frames.plain[index]!, frames.minhMouth[index]!),
    );

    // Assess
    expect(frames.synced).toHaveLength(FRAMES);
    expect(
      frames.lanMouth.every((mouth) => mouth.length > 0) && frames.minhMouth.every((mouth) => mouth.length > 0),
    ).toBe(true);
    for (let index = 0; index < FRAMES; index++) {
      const speaker = speakerAt(index);
      const loud = speaker !== undefined && syllableOf(index) === SYLLABLES[0];
      const shut = speaker === undefined || syllableOf(index) === SYLLABLES[2];
      expect(speaker === 'lan' ? 0 : lan[index]!, `Lan's mouth in frame ${index}, not hers to speak`).toBeLessThan(8);
      expect(speaker === 'minh' ? 0 : minh[index]!, `Minh's mouth in frame ${index}, not his to speak`).toBeLessThan(8);
      if (loud)
        expect(
          speaker === 'lan' ? lan[index]! : minh[index]!,
          `the speaker's open mouth in frame ${index}`,
        ).toBeGreaterThan(40);
      if (shut) expect(Math.max(lan[index]!, minh[index]!), `every mouth closed in frame ${index}`).toBeLessThan(8);
    }
  });
});
