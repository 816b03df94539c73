import path from 'node:path';
import type { EpisodeQa, QaCheck } from '../../core/domain/scene-artifacts.js';
import type { SubtitleCue } from '../../core/text/subtitles.js';
import { LOUDNESS_TARGET, type LoudnessMeasurement } from './episode-audio.js';
import { analyseWithFfmpeg, type MediaProbe, probeMedia } from './ffmpeg.js';
import { fontCharacters } from './font-characters.js';
import { check, describeSpans, type Span, stillSpans, unheld } from './picture-qa.js';

/** Dialogue quieter than this is silence. */
const SILENCE_DB = -50;
/** Shorter gaps are the pauses between words. */
const SILENCE_MIN_SECONDS = 0.25;
/** A cue whose dialogue is silent for more than this share of it has lost its voice. */
const MAX_SILENT_SHARE_OF_CUE = 0.5;
/** Cue times are written to the millisecond. */
const CUE_TIME_TOLERANCE_SECONDS = 0.001;

export interface EpisodeQaRequest {
  /** The encoded episode, as it would be delivered. */
  videoFile: string;
  /** The dialogue alone, on the episode's timeline (buildDialogueStem). */
  dialogueFile: string;
  /** The dialogue's cues, on the episode's timeline: each one should be heard. */
  cues: SubtitleCue[];
  /** The cues as burned into the picture (what no font draws left out): each must lie inside the video and be drawable. */
  burnedCues: SubtitleCue[];
  /** The fonts libass may draw the subtitles with: every burned character needs a glyph in one of them. */
  fontFiles: string[];
  fps: number;
  /** The delivered file's loudness, when the caller has measured it already. */
  loudness: LoudnessMeasurement;
  /**
   * Where the picture is held on purpose: a dub's scene holding its last frame while its voice
   * finishes (at most a second). Frozen picture inside one of these spans is not a defect.
   */
  holds?: Span[];
}

/**
 * The checks an episode passes before delivery, each measured on the files themselves
 * (ffmpeg's blackdetect, freezedetect and silencedetect, ffprobe's stream timing, the
 * fonts' character maps). Every check is hard: one failure and the episode is not delivered.
 */
export async function checkEpisode(request: EpisodeQaRequest): Promise<EpisodeQa> {
  const probe = await probeMedia(request.videoFile);
  const durationSeconds = probe.durationSeconds ?? 0;
  const still = await stillSpans(request.videoFile);
  const checks: QaCheck[] = [
    check('black-frames', still.black, (spans) => describeSpans('black picture', spans)),
    check('frozen-frames', unheld(still.frozen, request.holds ?? [], request.fps), (spans) =>
      describeSpans('frozen picture', spans),
    ),
    dialogueSilenceCheck(request.cues, await silentSpans(request.dialogueFile)),
    driftCheck(probe, request.fps),
    loudnessCheck(request.loudness),
    subtitleTimingCheck(request.burnedCues, durationSeconds),
    await subtitleGlyphCheck(request.burnedCues, request.fontFiles),
  ];
  return { passed: checks.every((c) => c.passed), checks };
}

/** Where the audio is quieter than SILENCE_DB for SILENCE_MIN_SECONDS or more. */
export async function silentSpans(audioFile: string): Promise<Span[]> {
  const file = path.resolve(audioFile);
  const log = await analyseWithFfmpeg([
    '-i',
    file,
    '-map',
    '0:a:0',
    '-af',
    `silencedetect=noise=${SILENCE_DB}dB:d=${SILENCE_MIN_SECONDS}`,
    '-f',
    'null',
    '-',
  ]);
  const starts = [...log.matchAll(/silence_start:\s*(-?[\d.]+)/g)].map((m) => Math.max(0, Number(m[1])));
  const ends = [...log.matchAll(/silence_end:\s*([\d.]+)/g)].map((m) => Number(m[1]));
  const duration =
    starts.length > ends.length ? ((await probeMedia(file)).durationSeconds ?? Number.POSITIVE_INFINITY) : 0;
  return starts.map((startSeconds, index) => ({ startSeconds, endSeconds: ends[index] ?? duration }));
}

/** A cue during which the dialogue is mostly silent: its line was not heard. */
export function dialogueSilenceCheck(cues: SubtitleCue[], silences: Span[]): QaCheck {
  const silentCues = cues.filter((cue) => {
    const length = cue.endSeconds - cue.startSeconds;
    if (length <= 0) return false;
    const silent = silences.reduce(
      (sum, s) =>
        sum + Math.max(0, Math.min(s.endSeconds, cue.endSeconds) - Math.max(s.startSeconds, cue.startSeconds)),
      0,
    );
    return silent / length > MAX_SILENT_SHARE_OF_CUE;
  });
  return {
    name: 'dialogue-silence',
    passed: silentCues.length === 0,
    severity: 'hard',
    detail:
      silentCues.length === 0
        ? `every one of ${cues.length} cues is voiced`
        : silentCues
            .map((c) => `silent under "${c.text}" ${c.startSeconds.toFixed(2)}-${c.endSeconds.toFixed(2)} s`)
            .join('; '),
  };
}

/** The audio and video streams start together and last as long, within one frame, as the episode's probe reads them. */
function driftCheck(probe: MediaProbe, fps: number): QaCheck {
  const timing = streamTiming(probe);
  const frame = 1 / fps;
  const problems: string[] = [];
  if (!timing.video || !timing.audio) {
    problems.push(`the file has ${timing.video ? 'no audio' : 'no video'} stream`);
  } else {
    const startGap = Math.abs(timing.audio.startSeconds - timing.video.startSeconds);
    const endGap = Math.abs(timing.audio.endSeconds - timing.video.endSeconds);
    if (startGap > frame) problems.push(`audio starts ${startGap.toFixed(3)} s apart from video`);
    if (endGap > frame) problems.push(`audio ends ${endGap.toFixed(3)} s apart from video`);
  }
  return {
    name: 'av-drift',
    passed: problems.length === 0,
    severity: 'hard',
    detail:
      problems.length === 0
        ? `audio and video within one frame (${(frame * 1000).toFixed(1)} ms) at start and end`
        : problems.join('; '),
  };
}

interface StreamSpan {
  startSeconds: number;
  endSeconds: number;
}

/** Each stream's presentation start and end, as ffprobe reads the container (edit lists applied). */
function streamTiming(probe: MediaProbe): { video?: StreamSpan; audio?: StreamSpan } {
  const spanOf = (type: string): StreamSpan | undefined => {
    const stream = probe.streams.find((s) => s.codecType === type);
    if (!stream || stream.durationSeconds === undefined) return undefined;
    const startSeconds = stream.startSeconds ?? 0;
    return { startSeconds, endSeconds: startSeconds + stream.durationSeconds };
  };
  const video = spanOf('video');
  const audio = spanOf('audio');
  return { ...(video ? { video } : {}), ...(audio ? { audio } : {}) };
}

export function loudnessCheck(loudness: LoudnessMeasurement): QaCheck {
  const { integratedLufs, toleranceLu, maxTruePeakDbtp } = LOUDNESS_TARGET;
  const problems: string[] = [];
  if (!(Math.abs(loudness.integratedLufs - integratedLufs) <= toleranceLu)) {
    problems.push(
      `integrated loudness ${loudness.integratedLufs} LUFS is outside ${integratedLufs} ± ${toleranceLu} LU`,
    );
  }
  if (!(loudness.truePeakDbtp <= maxTruePeakDbtp))
    problems.push(`true peak ${loudness.truePeakDbtp} dBTP is over ${maxTruePeakDbtp} dBTP`);
  return {
    name: 'loudness',
    passed: problems.length === 0,
    severity: 'hard',
    detail:
      problems.length === 0
        ? `${loudness.integratedLufs} LUFS integrated, true peak ${loudness.truePeakDbtp} dBTP`
        : problems.join('; '),
  };
}

/** Every cue lies inside the video and ends before the next one starts. */
export function subtitleTimingCheck(cues: SubtitleCue[], durationSeconds: number): QaCheck {
  const problems: string[] = [];
  const ordered = [...cues].sort((a, b) => a.startSeconds - b.startSeconds);
  ordered.forEach((cue, index) => {
    const label = `"${cue.text}" ${cue.startSeconds.toFixed(3)}-${cue.endSeconds.toFixed(3)} s`;
    if (
      cue.startSeconds < -CUE_TIME_TOLERANCE_SECONDS ||
      cue.endSeconds > durationSeconds + CUE_TIME_TOLERANCE_SECONDS
    ) {
      problems.push(`${label} is outside the video (0-${durationSeconds.toFixed(3)} s)`);
    }
    if (cue.endSeconds <= cue.startSeconds) problems.push(`${label} ends before it starts`);
    const next = ordered[index + 1];
    if (next && next.startSeconds < cue.endSeconds - CUE_TIME_TOLERANCE_SECONDS)
      problems.push(`${label} overlaps "${next.text}" from ${next.startSeconds.toFixed(3)} s`);
  });
  return {
    name: 'subtitle-timing',
    passed: problems.length === 0,
    severity: 'hard',
    detail: problems.length === 0 ? `${cues.length} cues inside the video, none overlapping` : problems.join('; '),
  };
}

/** Characters that draw nothing (spaces, joiners, variation selectors) need no glyph. */
const DRAWS_NOTHING = /[\s\p{Default_Ignorable_Code_Point}\p{Cc}]/u;

/** Every character a cue burns has a glyph in at least one subtitle font, so none is drawn as a box. */
export async function subtitleGlyphCheck(cues: SubtitleCue[], fontFiles: string[]): Promise<QaCheck> {
  const fonts = await Promise.all(fontFiles.map(fontCharacters));
  const missing = new Map<string, string>();
  for (const cue of cues) {
    for (const character of cue.text) {
      if (DRAWS_NOTHING.test(character) || missing.has(character)) continue;
      const codePoint = character.codePointAt(0)!;
      if (!fonts.some((font) => font.has(codePoint))) missing.set(character, cue.text);
    }
  }
  return {
    name: 'subtitle-glyphs',
    passed: missing.size === 0,
    severity: 'hard',
    detail:
      missing.size === 0
        ? `every character of ${cues.length} cues has a glyph in ${fontFiles.map((f) => path.basename(f)).join(', ')}`
        : [...missing]
            .map(
              ([character, text]) =>
                `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} "${character}" in "${text}" has no glyph`,
            )
            .join('; '),
  };
}
