import path from 'node:path';
import type { QaCheck, QaCheckName } from '../../core/domain/scene-artifacts.js';
import { analyseWithFfmpeg, probeMedia } from './ffmpeg.js';

/**
 * The picture's checks (black and frozen picture), on an episode or on one clip, apart from
 * the episode's other checks: the video worker judges its clips with these alone, and so
 * loads none of what the episode's subtitle and sound checks need (the font reader).
 */

/** Black or frozen picture for longer than this is a defect, not a cut. */
export const MAX_STILL_SECONDS = 0.5;
/** A pixel this dark (share of the luma range) counts as black, and a picture of 98 % such pixels is black. */
const BLACK_PIXEL_THRESHOLD = 0.1;
const BLACK_PICTURE_SHARE = 0.98;
/** freezedetect's noise floor: frames closer than this are the same frame (its default, −60 dB). */
const FREEZE_NOISE_DB = -60;

export interface Span {
  startSeconds: number;
  endSeconds: number;
}

/** A clip's picture, judged by the episode's own picture checks, and how much of it moves. */
export interface ClipPictureVerdict {
  checks: QaCheck[];
  durationSeconds: number;
  /** The share of the clip that is not frozen picture (0 for a still, 1 for a clip that never freezes). */
  motion: number;
}

/**
 * The picture checks QA makes on an episode (black and frozen picture longer than MAX_STILL_SECONDS),
 * made on one clip, so a clip that would fail the episode's QA is known before it is chosen.
 */
export async function checkClipPicture(videoFile: string): Promise<ClipPictureVerdict> {
  const [still, probe] = await Promise.all([stillSpans(videoFile), probeMedia(videoFile)]);
  const durationSeconds = probe.durationSeconds ?? 0;
  const frozenSeconds = still.frozen.reduce((sum, span) => sum + (span.endSeconds - span.startSeconds), 0);
  return {
    checks: [
      check('black-frames', still.black, (spans) => describeSpans('black picture', spans)),
      check('frozen-frames', still.frozen, (spans) => describeSpans('frozen picture', spans)),
    ],
    durationSeconds,
    motion: durationSeconds > 0 ? Math.max(0, Math.min(1, 1 - frozenSeconds / durationSeconds)) : 0,
  };
}

/**
 * The frozen spans no hold explains. A held frame may freeze up to MAX_STILL_SECONDS before the
 * hold begins (a clip that ended a little early was already being held) and a frame after it.
 */
export function unheld(frozen: Span[], holds: Span[], fps: number): Span[] {
  const frame = 1 / fps;
  return frozen.filter(
    (span) =>
      !holds.some(
        (hold) =>
          span.startSeconds >= hold.startSeconds - MAX_STILL_SECONDS - frame &&
          span.endSeconds <= hold.endSeconds + frame,
      ),
  );
}

export function check(name: QaCheckName, failures: Span[], describe: (spans: Span[]) => string): QaCheck {
  return {
    name,
    passed: failures.length === 0,
    severity: 'hard',
    detail: failures.length === 0 ? 'none longer than 0.5 s' : describe(failures),
  };
}

export function describeSpans(what: string, spans: Span[]): string {
  return spans.map((s) => `${what} ${s.startSeconds.toFixed(2)}-${s.endSeconds.toFixed(2)} s`).join('; ');
}

/**
 * Spans of black and of frozen picture longer than MAX_STILL_SECONDS, from one decode of the
 * video (decoding is most of the cost). A freeze still open at the end runs to the end.
 */
export async function stillSpans(videoFile: string): Promise<{ black: Span[]; frozen: Span[] }> {
  const file = path.resolve(videoFile);
  const log = await analyseWithFfmpeg([
    '-i',
    file,
    '-map',
    '0:v:0',
    '-vf',
    [
      `blackdetect=d=${MAX_STILL_SECONDS}:pic_th=${BLACK_PICTURE_SHARE}:pix_th=${BLACK_PIXEL_THRESHOLD}`,
      `freezedetect=n=${FREEZE_NOISE_DB}dB:d=${MAX_STILL_SECONDS}`,
    ].join(','),
    '-f',
    'null',
    '-',
  ]);
  const black = [...log.matchAll(/black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)/g)].map((m) => ({
    startSeconds: Number(m[1]),
    endSeconds: Number(m[2]),
  }));
  const starts = [...log.matchAll(/freeze_start:\s*([\d.]+)/g)].map((m) => Number(m[1]));
  const ends = [...log.matchAll(/freeze_end:\s*([\d.]+)/g)].map((m) => Number(m[1]));
  const duration = starts.length > ends.length ? ((await probeMedia(file)).durationSeconds ?? 0) : 0;
  const frozen = starts.map((startSeconds, index) => ({ startSeconds, endSeconds: ends[index] ?? duration }));
  const longerThanAllowed = (s: Span) => s.endSeconds - s.startSeconds > MAX_STILL_SECONDS;
  return { black: black.filter(longerThanAllowed), frozen: frozen.filter(longerThanAllowed) };
}
