import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { probeMedia, runFfmpeg } from '../lambdas/adapters/media/ffmpeg.js';
import { EPISODE_VIDEO_CODEC } from '../lambdas/adapters/media/scene-encode.js';
import { type ProduceResult, produce } from '../local/commands/produce.js';

/** Prices for the offline models, so a run that pays nothing shows $0 against a real charge. */
export const REHEARSAL_PRICES = {
  'offline/phrasebook-v1': { perOutputToken: 0.000001 },
  'offline/storyboard-v1': { perImage: 0.01 },
  'offline/espeak-ng': { perSpeechCharacter: 0.00001 },
  'offline/camera-motion-v1': { perVideoSecond: 0.01 },
};

export interface TimedRun {
  wallMs: number;
  ok: boolean;
  reused: boolean;
  executionName: string;
  spentUsd: number;
  providerCalls: number;
}

export interface RenderAndRerunResult {
  manifest: string;
  cold: TimedRun & { stageMilliseconds: Record<string, number>; peakRssMb: number };
  episode: {
    file: string;
    bytes: number;
    durationSeconds?: number;
    video?: string;
    audio?: string;
    width?: number;
    height?: number;
    fps?: number;
  };
  floorMs: number;
  renderOverFloor: number;
  /** A copy of the manifest under a new file name: a new execution over a warm cache. */
  rerunNewName: TimedRun & { fractionOfCold: number };
  /** The same bytes under the same name again: the execution already succeeded, nothing runs. */
  rerunSameBytes: TimedRun & { fractionOfCold: number };
}

async function countLines(file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

/**
 * The encoder floor: one plain ffmpeg pass re-encoding the finished episode with the
 * assembly's own codec settings. Any pipeline that encodes those frames pays at least this.
 */
async function encoderFloorMs(episode: string, fps: number, workDir: string): Promise<number> {
  const started = performance.now();
  await runFfmpeg([
    '-i',
    episode,
    ...EPISODE_VIDEO_CODEC,
    '-r',
    String(fps),
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ar',
    '48000',
    '-movflags',
    '+faststart',
    '-y',
    path.join(workDir, 'floor.mp4'),
  ]);
  return performance.now() - started;
}

export async function measureRenderAndRerun(manifestPath: string): Promise<RenderAndRerunResult> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-bench-render-'));
  try {
    const dataDir = path.join(workDir, 'data');
    const outDir = path.join(workDir, 'out');
    const callLog = path.join(workDir, 'calls.jsonl');
    const environment = {
      DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(REHEARSAL_PRICES),
      DRAMAFORGE_PROVIDER_CALL_LOG: callLog,
    };
    let spentSoFar = 0;
    const timed = async (file: string): Promise<{ run: TimedRun; result: ProduceResult }> => {
      const callsBefore = await countLines(callLog);
      const started = performance.now();
      const result = await produce({ manifestPath: file, outDir, dataDir, environment });
      const wallMs = performance.now() - started;
      const total = result.report?.cost.totalUsd ?? spentSoFar;
      const run = {
        wallMs,
        ok: result.ok,
        reused: result.reused,
        executionName: result.executionName,
        spentUsd: total - spentSoFar,
        providerCalls: (await countLines(callLog)) - callsBefore,
      };
      spentSoFar = total;
      return { run, result };
    };

    const cold = await timed(manifestPath);
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const productionId = cold.result.productionId!;
    const episodeFile = path.join(outDir, productionId, `${cold.result.report!.episodes[0]!.id}.mp4`);
    const probe = await probeMedia(episodeFile);
    const video = probe.streams.find((s) => s.codecType === 'video');
    const audio = probe.streams.find((s) => s.codecType === 'audio');
    const fps = video?.fps ?? 30;
    const floorMs = await encoderFloorMs(episodeFile, fps, workDir);

    const copy = path.join(workDir, `again-${path.basename(manifestPath)}`);
    await copyFile(manifestPath, copy);
    const again = await timed(copy);
    const same = await timed(copy);
    return {
      manifest: path.basename(manifestPath),
      cold: { ...cold.run, stageMilliseconds: cold.result.stageMilliseconds, peakRssMb },
      episode: {
        file: path.basename(episodeFile),
        bytes: (await stat(episodeFile)).size,
        durationSeconds: probe.durationSeconds,
        video: video?.codecName,
        audio: audio?.codecName,
        width: video?.width,
        height: video?.height,
        fps: video?.fps,
      },
      floorMs,
      renderOverFloor: cold.run.wallMs / floorMs,
      rerunNewName: { ...again.run, fractionOfCold: again.run.wallMs / cold.run.wallMs },
      rerunSameBytes: { ...same.run, fractionOfCold: same.run.wallMs / cold.run.wallMs },
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
