import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type MediaEnvironment, processEnvironment, readMediaEnvironment } from '../../core/contracts/environment.js';
import { MediaToolFailed } from '../../core/contracts/errors.js';
import { ProcessLauncher } from './process-launcher.js';

/**
 * ffmpeg and ffprobe always run as separate processes: the binaries are GPL and
 * must never be linked into our modules. In Lambda they come from a layer
 * (FFMPEG_PATH / FFPROBE_PATH); locally from the npm installer packages.
 */

const require = createRequire(import.meta.url);

/** Bytes of stderr kept for error messages; ffmpeg puts the reason at the end. */
const STDERR_TAIL_BYTES = 4096;

export function ffmpegPath(env: MediaEnvironment = readMediaEnvironment()): string {
  if (env.ffmpegPath) return env.ffmpegPath;
  // Resolved lazily: a Lambda bundle with a layer does not ship the installer package.
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export function ffprobePath(env: MediaEnvironment = readMediaEnvironment()): string {
  if (env.ffprobePath) return env.ffprobePath;
  return (require('@ffprobe-installer/ffprobe') as { path: string }).path;
}

export interface FfmpegProgress {
  /** Media time written so far, in seconds. */
  outTimeSeconds: number;
  frame?: number;
  /** Encoding speed relative to real time, when ffmpeg reports it. */
  speed?: number;
  done: boolean;
}

export interface RunFfmpegOptions {
  onProgress?: (progress: FfmpegProgress) => void;
  /** Fed to ffmpeg's stdin, for an input given as `-i pipe:0`. */
  input?: Buffer;
  /** Working directory of the ffmpeg process (lets filter arguments use plain relative names). */
  cwd?: string;
  /** Variables added to the inherited environment. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Keep all of stderr, not just its tail: analysis filters (ebur128, blackdetect...) report there. */
  keepStderr?: boolean;
}

export interface FfmpegRun {
  /** Whatever ffmpeg wrote to stdout (e.g. `-f s16le pipe:1`); empty when progress is reported. */
  stdout: Buffer;
  stderrTail: string;
  /** All of stderr, when `keepStderr` asked for it. */
  stderr?: string;
}

export async function runFfmpeg(args: string[], options: RunFfmpegOptions = {}): Promise<FfmpegRun> {
  const reportProgress = options.onProgress !== undefined;
  const fullArgs = [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    ...(options.input === undefined ? ['-nostdin'] : []),
    ...(reportProgress ? ['-progress', 'pipe:1'] : []),
    ...args,
  ];
  return runTool(ffmpegPath(), fullArgs, options);
}

/**
 * Runs an analysis (ebur128, loudnorm's measurement, blackdetect, freezedetect,
 * silencedetect) and returns what it logged: those filters report on stderr at the
 * info level, which runFfmpeg silences.
 */
export async function analyseWithFfmpeg(args: string[]): Promise<string> {
  const run = await runTool(ffmpegPath(), ['-hide_banner', '-nostats', '-nostdin', '-loglevel', 'info', ...args], {
    keepStderr: true,
  });
  return run.stderr ?? '';
}

/** Every tool run of this process starts from one launcher (process-launcher.ts says why). */
const launcher = new ProcessLauncher();

function runTool(binary: string, args: string[], options: RunFfmpegOptions): Promise<FfmpegRun> {
  const toolName = path.basename(binary);
  return new Promise((resolve, reject) => {
    const child = launcher.launch(binary, args, {
      cwd: options.cwd,
      env: { ...processEnvironment(), ...options.env },
      input: options.input,
      signal: options.signal,
    });

    const stdoutChunks: Buffer[] = [];
    let stderrTail = '';
    const stderrChunks: Buffer[] = [];
    let progressBuffer = '';
    let progressFields: Record<string, string> = {};

    child.stdout.on('data', (chunk: Buffer) => {
      if (!options.onProgress) {
        stdoutChunks.push(chunk);
        return;
      }
      progressBuffer += chunk.toString('utf8');
      const lines = progressBuffer.split('\n');
      progressBuffer = lines.pop() ?? '';
      for (const line of lines) {
        const separator = line.indexOf('=');
        if (separator < 0) continue;
        const key = line.slice(0, separator).trim();
        const value = line.slice(separator + 1).trim();
        progressFields[key] = value;
        // ffmpeg ends every progress block with a `progress=continue|end` line.
        if (key === 'progress') {
          options.onProgress(parseProgressBlock(progressFields));
          progressFields = {};
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (options.keepStderr) stderrChunks.push(chunk);
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });

    child.on('error', (error) => {
      reject(new MediaToolFailed(`${toolName} did not run to its end (${binary}): ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve({
          stdout: Buffer.concat(stdoutChunks),
          stderrTail,
          ...(options.keepStderr ? { stderr: Buffer.concat(stderrChunks).toString('utf8') } : {}),
        });
        return;
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new MediaToolFailed(`${toolName} ${how}: ${stderrTail.trim() || '(no error output)'}`));
    });
  });
}

function parseProgressBlock(fields: Record<string, string>): FfmpegProgress {
  // out_time_us is the reliable field; old builds misname it out_time_ms but still count microseconds.
  const micros = Number(fields.out_time_us ?? fields.out_time_ms);
  const frame = Number(fields.frame);
  const speed = Number.parseFloat(fields.speed ?? '');
  return {
    outTimeSeconds: Number.isFinite(micros) && micros > 0 ? micros / 1e6 : 0,
    ...(Number.isFinite(frame) ? { frame } : {}),
    ...(Number.isFinite(speed) ? { speed } : {}),
    done: fields.progress === 'end',
  };
}

/** Runs `work` in a fresh directory under os.tmpdir() (the only writable place in Lambda) and removes it afterwards. */
export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-media-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ProbedStream {
  index: number;
  codecType: string;
  codecName: string;
  width?: number;
  height?: number;
  pixelFormat?: string;
  /** Average frame rate. */
  fps?: number;
  frameCount?: number;
  sampleRate?: number;
  channels?: number;
  /** When the stream's first sample is presented, edit lists applied. */
  startSeconds?: number;
  durationSeconds?: number;
}

export interface MediaProbe {
  formatName: string;
  durationSeconds?: number;
  streams: ProbedStream[];
}

interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  sample_rate?: string;
  channels?: number;
  start_time?: string;
  duration?: string;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

export async function probeMedia(file: string): Promise<MediaProbe> {
  const { stdout } = await runTool(
    ffprobePath(),
    ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file],
    {},
  );
  let parsed: FfprobeOutput;
  try {
    parsed = JSON.parse(stdout.toString('utf8')) as FfprobeOutput;
  } catch (error) {
    throw new MediaToolFailed(`ffprobe returned output that is not JSON for ${file}`, { cause: error });
  }
  return {
    formatName: parsed.format?.format_name ?? '',
    ...optional('durationSeconds', parseNumber(parsed.format?.duration)),
    streams: (parsed.streams ?? []).map(toProbedStream),
  };
}

function toProbedStream(stream: FfprobeStream): ProbedStream {
  return {
    index: stream.index,
    codecType: stream.codec_type ?? 'unknown',
    codecName: stream.codec_name ?? 'unknown',
    ...optional('width', stream.width),
    ...optional('height', stream.height),
    ...optional('pixelFormat', stream.pix_fmt),
    ...optional('fps', parseRate(stream.avg_frame_rate) ?? parseRate(stream.r_frame_rate)),
    ...optional('frameCount', parseNumber(stream.nb_frames)),
    ...optional('sampleRate', parseNumber(stream.sample_rate)),
    ...optional('channels', stream.channels),
    ...optional('startSeconds', parseNumber(stream.start_time)),
    ...optional('durationSeconds', parseNumber(stream.duration)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function parseNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === 'N/A') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** ffprobe writes rates as fractions ("30000/1001"); "0/0" means unknown. */
function parseRate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const [numerator, denominator] = value.split('/').map(Number);
  if (numerator === undefined || !Number.isFinite(numerator) || numerator <= 0) return undefined;
  if (denominator === undefined) return numerator;
  return Number.isFinite(denominator) && denominator > 0 ? numerator / denominator : undefined;
}

/** H.264 with no loss, fast to write: frames a later step reads again (a sync, an encode) lose nothing on the way. */
export const LOSSLESS_H264_ARGS = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-qp',
  '0',
  '-pix_fmt',
  'yuv420p',
] as const;
