import path from 'node:path';
import { MediaToolFailed } from '../../core/contracts/errors.js';
import { analyseWithFfmpeg, runFfmpeg, withTempDir } from './ffmpeg.js';

/** The episode's audio is mixed and delivered at this rate. */
export const EPISODE_AUDIO_SAMPLE_RATE = 48_000;

/**
 * What short-video feeds normalise to: −14 LUFS integrated, within 1 LU, and a true peak of
 * at most −1 dBTP (docs/audio.md).
 */
export const LOUDNESS_TARGET = { integratedLufs: -14, toleranceLu: 1, maxTruePeakDbtp: -1 } as const;

/**
 * The mix aims a little under the ceiling: the AAC encoder that follows may raise true
 * peaks by a few tenths of a dB, and the delivered file is what must stay at or under −1 dBTP.
 */
const TRUE_PEAK_TARGET_DBTP = -2.5;
/** Wide enough for a drama's quiet and loud scenes, so the range alone never forces the dynamic mode. */
const LOUDNORM_RANGE_LU = 20;
/** alimiter limits sample peaks; true peaks between samples can be this much higher. */
const LIMITER_INTER_SAMPLE_HEADROOM_DB = 1;
const LIMITER_TRIES = 4;
/** How far under the ceiling the limited peaks are aimed, so rounding never takes a linear gain over it. */
const LINEAR_MARGIN_DB = 0.3;

/** The bed sits this far under the dialogue between lines, before ducking takes it further down. */
const BED_UNDER_DIALOGUE_LU = 10;
/**
 * The ducker hears the dialogue at this loudness whatever the voices' own level, so it
 * ducks the same depth for espeak, Polly or OpenAI voices. With the threshold and ratio
 * below, speech pulls the bed down by about 8 dB.
 */
const DUCKING_KEY_LUFS = -20;
const DUCKING = { threshold: 0.03, ratio: 8, attackMs: 15, releaseMs: 450 } as const;

/** Loudness of a programme as EBU R 128 measures it (ffmpeg's ebur128 filter, true peak on). */
export interface LoudnessMeasurement {
  integratedLufs: number;
  truePeakDbtp: number;
  loudnessRangeLu: number;
}

export interface DialogueStemRequest {
  /** Each scene's voice track, in play order. */
  voiceFiles: string[];
  /** Each scene's length in frames (from sceneFrameCounts): its voice is padded or cut to exactly that. */
  frameCounts: number[];
  fps: number;
  outputFile: string;
}

/**
 * Lays the scenes' voices end to end, each padded with silence or cut to its scene's frames,
 * so the dialogue never drifts from the picture: 48 kHz stereo PCM.
 */
export async function buildDialogueStem(request: DialogueStemRequest): Promise<{ samples: number }> {
  if (request.voiceFiles.length !== request.frameCounts.length)
    throw new RangeError('one voice track per scene is needed');
  const chains: string[] = [];
  let elapsedFrames = 0;
  request.frameCounts.forEach((frames, index) => {
    // Samples are cut at the frame boundaries of the running total, so rounding never accumulates.
    const sampleStart = Math.round((elapsedFrames / request.fps) * EPISODE_AUDIO_SAMPLE_RATE);
    elapsedFrames += frames;
    const samples = Math.round((elapsedFrames / request.fps) * EPISODE_AUDIO_SAMPLE_RATE) - sampleStart;
    chains.push(
      [
        `[${index}:a]aresample=${EPISODE_AUDIO_SAMPLE_RATE}`,
        'aformat=sample_fmts=fltp:channel_layouts=stereo',
        'asetpts=PTS-STARTPTS',
        'apad',
        `atrim=end_sample=${samples}`,
        `asetpts=PTS-STARTPTS[a${index}]`,
      ].join(','),
    );
  });
  const inputs = request.frameCounts.map((_, index) => `[a${index}]`).join('');
  chains.push(`${inputs}concat=n=${request.frameCounts.length}:v=0:a=1[dialogue]`);
  await runFfmpeg([
    ...request.voiceFiles.flatMap((file) => ['-i', path.resolve(file)]),
    '-filter_complex',
    chains.join(';'),
    '-map',
    '[dialogue]',
    '-c:a',
    'pcm_f32le',
    '-y',
    path.resolve(request.outputFile),
  ]);
  return { samples: Math.round((elapsedFrames / request.fps) * EPISODE_AUDIO_SAMPLE_RATE) };
}

export interface EpisodeMixRequest {
  /** The dialogue stem, from buildDialogueStem. */
  dialogueFile: string;
  /** The episode's music bed; without one the mix is the dialogue alone. */
  musicFile?: string;
  outputFile: string;
}

export interface EpisodeMix {
  /** The level the bed was set to before ducking, relative to its own loudness (dB). */
  bedGainDb?: number;
  /** How the mix was normalised: `linear` (one gain for the whole episode), `dynamic` (loudnorm, where no one gain fits under the ceiling) or `none` (silence). */
  normalization: 'linear' | 'dynamic' | 'none';
}

/**
 * The episode's sound: the music bed under the dialogue, ducked while anyone speaks
 * (sidechaincompress keyed by the dialogue), then brought to −14 LUFS integrated under a
 * true-peak ceiling: measured, then one gain for the whole episode (`linear`).
 */
export async function mixEpisodeAudio(request: EpisodeMixRequest): Promise<EpisodeMix> {
  return withTempDir(async (workDir) => {
    const dialogueFile = path.resolve(request.dialogueFile);
    let premixFile = dialogueFile;
    let bedGainDb: number | undefined;
    if (request.musicFile) {
      const musicFile = path.resolve(request.musicFile);
      const [dialogueLufs, musicLufs] = await Promise.all([
        integratedLoudness(dialogueFile),
        integratedLoudness(musicFile),
      ]);
      const speaks = isAudible(dialogueLufs);
      const bedTarget = speaks ? dialogueLufs - BED_UNDER_DIALOGUE_LU : LOUDNESS_TARGET.integratedLufs;
      bedGainDb = isAudible(musicLufs) ? bedTarget - musicLufs : 0;
      const keyGainDb = speaks ? DUCKING_KEY_LUFS - dialogueLufs : 0;
      premixFile = path.join(workDir, 'premix.wav');
      const format = `aresample=${EPISODE_AUDIO_SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo`;
      await runFfmpeg([
        '-i',
        dialogueFile,
        '-i',
        musicFile,
        '-filter_complex',
        [
          `[0:a]${format},asplit=2[dialogue][key]`,
          `[key]volume=${keyGainDb.toFixed(2)}dB[keyed]`,
          `[1:a]${format},volume=${bedGainDb.toFixed(2)}dB,apad[bed]`,
          `[bed][keyed]sidechaincompress=threshold=${DUCKING.threshold}:ratio=${DUCKING.ratio}:attack=${DUCKING.attackMs}:release=${DUCKING.releaseMs}[ducked]`,
          // amix halves each of its two inputs; the volume after it gives the levels back.
          '[dialogue][ducked]amix=inputs=2:duration=first:dropout_transition=0,volume=2[mix]',
        ].join(';'),
        '-map',
        '[mix]',
        '-c:a',
        'pcm_f32le',
        '-y',
        premixFile,
      ]);
    }
    const normalization = await normaliseLoudness(premixFile, path.resolve(request.outputFile), workDir);
    return { ...(bedGainDb === undefined ? {} : { bedGainDb }), normalization };
  });
}

interface LoudnormMeasurement {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
  normalization_type?: string;
}

/**
 * The whole mix brought to the target loudness with one gain. Measuring and applying a gain is what
 * loudnorm's two linear passes do, but loudnorm works at 192 kHz: on a 70-second episode its
 * measurement alone took 1.5 CPU-seconds, against 0.2 for `ebur128` (true peak by 4x oversampling)
 * and next to nothing for `volume`, and the two passes were most of a scene's media-tool CPU.
 *
 * Speech has peaks far above its loudness: raised to −14 LUFS, they would cross the ceiling. So
 * the peaks that the gain would push over are first limited (alimiter, with headroom for the peaks
 * between samples), and the limited mix is measured again, for a few tries, until one gain fits.
 * Where it never does, loudnorm's dynamic mode finishes the job from close by.
 */
async function normaliseLoudness(
  inputFile: string,
  outputFile: string,
  workDir: string,
): Promise<EpisodeMix['normalization']> {
  const episodeFormat = `aresample=${EPISODE_AUDIO_SAMPLE_RATE},aformat=sample_fmts=s16:channel_layouts=stereo`;
  const unlimited = await measureLoudness(inputFile);
  if (!isAudible(unlimited.integratedLufs)) {
    // Silence cannot be brought to a loudness; it is delivered as it is, and QA says so.
    await runFfmpeg(['-i', inputFile, '-c:a', 'pcm_s16le', '-ar', String(EPISODE_AUDIO_SAMPLE_RATE), '-y', outputFile]);
    return 'none';
  }
  // The limiter costs some loudness, so the limited mix is measured and the gain raised by what it took.
  let source = inputFile;
  let measured = unlimited;
  let gainDb = LOUDNESS_TARGET.integratedLufs - unlimited.integratedLufs;
  const limit = 10 ** ((TRUE_PEAK_TARGET_DBTP - LIMITER_INTER_SAMPLE_HEADROOM_DB) / 20);
  for (let attempt = 0; attempt < LIMITER_TRIES && linearOvershootDb(measured) > -LINEAR_MARGIN_DB; attempt += 1) {
    source = path.join(workDir, `limited-${attempt}.wav`);
    await runFfmpeg([
      '-i',
      inputFile,
      '-af',
      `volume=${gainDb.toFixed(2)}dB,alimiter=limit=${limit.toFixed(5)}:level=false:attack=5:release=60`,
      '-c:a',
      'pcm_f32le',
      '-y',
      source,
    ]);
    measured = await measureLoudness(source);
    gainDb += LOUDNESS_TARGET.integratedLufs - measured.integratedLufs;
  }
  if (linearOvershootDb(measured) > -LINEAR_MARGIN_DB) return loudnormDynamically(source, outputFile, episodeFormat);
  const linearGainDb = LOUDNESS_TARGET.integratedLufs - measured.integratedLufs;
  await runFfmpeg([
    '-i',
    source,
    '-af',
    `volume=${linearGainDb.toFixed(2)}dB,${episodeFormat}`,
    '-c:a',
    'pcm_s16le',
    '-y',
    outputFile,
  ]);
  return 'linear';
}

/** Two-pass loudnorm, for a mix whose peaks no one gain keeps under the ceiling: it goes dynamic. */
async function loudnormDynamically(
  source: string,
  outputFile: string,
  episodeFormat: string,
): Promise<EpisodeMix['normalization']> {
  const target = `I=${LOUDNESS_TARGET.integratedLufs}:TP=${TRUE_PEAK_TARGET_DBTP}:LRA=${LOUDNORM_RANGE_LU}`;
  const measured = parseLoudnormJson(
    await analyseWithFfmpeg(['-i', source, '-af', `loudnorm=${target}:print_format=json`, '-f', 'null', '-']),
  );
  const second = [
    `loudnorm=${target}`,
    `measured_I=${measured.input_i}`,
    `measured_TP=${measured.input_tp}`,
    `measured_LRA=${measured.input_lra}`,
    `measured_thresh=${measured.input_thresh}`,
    `offset=${measured.target_offset}`,
    'linear=true',
    'print_format=json',
  ].join(':');
  // loudnorm works at 192 kHz; the episode goes back to its own rate.
  const applied = parseLoudnormJson(
    await analyseWithFfmpeg(['-i', source, '-af', `${second},${episodeFormat}`, '-c:a', 'pcm_s16le', '-y', outputFile]),
  );
  return applied.normalization_type === 'linear' ? 'linear' : 'dynamic';
}

/** How far over the true-peak target one linear gain to the target loudness would take the peaks (dB). */
function linearOvershootDb(measured: LoudnessMeasurement): number {
  const gainDb = LOUDNESS_TARGET.integratedLufs - measured.integratedLufs;
  return measured.truePeakDbtp + gainDb - TRUE_PEAK_TARGET_DBTP;
}

function parseLoudnormJson(log: string): LoudnormMeasurement {
  const start = log.lastIndexOf('{');
  const end = log.lastIndexOf('}');
  if (start < 0 || end < start) throw new MediaToolFailed('loudnorm printed no measurement');
  try {
    return JSON.parse(log.slice(start, end + 1)) as LoudnormMeasurement;
  } catch (error) {
    throw new MediaToolFailed('loudnorm printed a measurement that is not JSON', { cause: error });
  }
}

/** Below this, ebur128 and loudnorm report silence (their gate is at −70 LUFS). */
const SILENCE_LUFS = -69;

function isAudible(lufs: number): boolean {
  return Number.isFinite(lufs) && lufs > SILENCE_LUFS;
}

/**
 * The first audio stream's integrated loudness, loudness range and true peak, as ffmpeg's
 * ebur128 filter measures them (EBU R 128, ITU-R BS.1770; true peak by 4x oversampling).
 * Silence reads as −70 LUFS and −inf dBTP.
 */
export async function measureLoudness(file: string): Promise<LoudnessMeasurement> {
  const read = await ebur128Summary(file, { truePeak: true });
  return {
    integratedLufs: read(/I:\s+(-?[\d.]+|-inf) LUFS/),
    loudnessRangeLu: read(/LRA:\s+(-?[\d.]+|-inf) LU/),
    truePeakDbtp: read(/Peak:\s+(-?[\d.]+|-inf) dBFS/),
  };
}

/** The integrated loudness alone: without the true peak, ebur128 does not oversample, a third of the CPU. */
async function integratedLoudness(file: string): Promise<number> {
  const read = await ebur128Summary(file, { truePeak: false });
  return read(/I:\s+(-?[\d.]+|-inf) LUFS/);
}

/** Runs ebur128 over the file's first audio stream; a reader of its summary's figures. */
async function ebur128Summary(file: string, options: { truePeak: boolean }) {
  const log = await analyseWithFfmpeg([
    '-i',
    path.resolve(file),
    '-map',
    '0:a:0',
    '-af',
    options.truePeak ? 'ebur128=peak=true' : 'ebur128',
    '-f',
    'null',
    '-',
  ]);
  const summary = log.slice(log.lastIndexOf('Summary:'));
  if (!summary.startsWith('Summary:')) throw new MediaToolFailed(`ebur128 printed no summary for ${file}`);
  return (label: RegExp) => {
    const match = label.exec(summary);
    if (!match) throw new MediaToolFailed(`ebur128 printed no ${label.source} for ${file}`);
    return match[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(match[1]);
  };
}
