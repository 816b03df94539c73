import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it, onTestFinished } from 'vitest';
import { probeMedia, runFfmpeg } from '../../lambdas/adapters/media/ffmpeg.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { cliArguments } from '../support/cli.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const twoScenes = fileURLToPath(new URL('./fixtures/two-scenes.yaml', import.meta.url));

async function produce(manifest: string, dataDir: string, outDir: string) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      cliArguments('produce', manifest, '--out', outDir, '--data', dataDir),
      {
        cwd: repositoryRoot,
        timeout: 240_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function srtCues(srt: string): { start: number; end: number }[] {
  const seconds = (stamp: string) => {
    const [h, m, rest] = stamp.split(':');
    const [s, ms] = rest!.split(',');
    return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
  };
  return [...srt.matchAll(/(\d{2}:\d{2}:\d{2},\d{3}) --> (\d{2}:\d{2}:\d{2},\d{3})/g)].map((m) => ({
    start: seconds(m[1]!),
    end: seconds(m[2]!),
  }));
}

/** The test's own data and outputs, so no test reads what another left behind. */
async function ownWorkDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-e2e-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return { dir, dataDir: path.join(dir, 'data'), outDir: path.join(dir, 'out') };
}

/** A directory's entries; none when nothing made the directory. */
async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

describe('dramaforge produce, end to end on the embedded engines', () => {
  it('turns a two-scene manifest into a watchable episode, subtitles, storyboard and report', async () => {
    // Prepare
    const { dataDir, outDir } = await ownWorkDir();

    // Act
    const result = await produce(twoScenes, dataDir, outDir);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const delivered = path.join(outDir, 'two-scene-check');
    expect((await readdir(delivered)).sort()).toEqual([
      'ep01.cover.jpg',
      'ep01.fcpxml',
      'ep01.mp4',
      'ep01.music.wav',
      'ep01.otio',
      'ep01.platform.json',
      'ep01.srt',
      'ep01.voices.wav',
      'ep01.vtt',
      'report.json',
      'storyboard.png',
    ]);

    const report = JSON.parse(await readFile(path.join(delivered, 'report.json'), 'utf8')) as ProductionReport;
    expect(report.status).toBe('COMPLETE');
    expect(report.cost.totalUsd).toBe(0);
    const scenes = report.episodes[0]!.scenes;
    expect(scenes.map((s) => s.status)).toEqual(['COMPLETE', 'COMPLETE']);
    expect(Object.keys(scenes[0]!.consistency!.scores).sort()).toEqual(['ana', 'ben']);
    for (const score of scenes.flatMap((s) => Object.values(s.consistency!.scores))) {
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThanOrEqual(1);
    }
    expect(scenes.filter((s) => s.attempts < 1)).toEqual([]);

    const probe = await probeMedia(path.join(delivered, 'ep01.mp4'));
    const video = probe.streams.find((s) => s.codecType === 'video')!;
    const audio = probe.streams.find((s) => s.codecType === 'audio')!;
    expect(video.codecName).toBe('h264');
    expect(audio.codecName).toBe('aac');
    expect([video.width, video.height]).toEqual([270, 480]);
    expect(video.fps).toBeCloseTo(12, 5);
    const voiceTotal = scenes.reduce((sum, s) => sum + s.durationSeconds, 0);
    expect(Math.abs(probe.durationSeconds! - voiceTotal) / voiceTotal).toBeLessThan(0.05);
    expect(report.episodes[0]!.durationSeconds).toBeCloseTo(probe.durationSeconds!, 2);

    const cues = srtCues(await readFile(path.join(delivered, 'ep01.srt'), 'utf8'));
    expect(cues.length).toBeGreaterThanOrEqual(3);
    for (const cue of cues) {
      expect(cue.start).toBeGreaterThanOrEqual(0);
      expect(cue.end).toBeGreaterThan(cue.start);
      expect(cue.end).toBeLessThanOrEqual(probe.durationSeconds!);
    }
    expect(await readFile(path.join(delivered, 'ep01.vtt'), 'utf8')).toMatch(/^WEBVTT/);
    expect((await readFile(path.join(delivered, 'storyboard.png'))).subarray(1, 4).toString()).toBe('PNG');

    // The editor's exports cut the delivered MP4 and voice stem into the scenes, to the frame, and lay the music bed under them.
    expect(report.episodes[0]!.exports).toEqual({
      otio: 'ep01.otio',
      fcpxml: 'ep01.fcpxml',
      voices: 'ep01.voices.wav',
      music: 'ep01.music.wav',
    });
    const otio = JSON.parse(await readFile(path.join(delivered, 'ep01.otio'), 'utf8')) as {
      tracks: {
        children: {
          name: string;
          children: {
            source_range: { duration: { value: number; rate: number } };
            media_references: { DEFAULT_MEDIA: { target_url: string } };
          }[];
        }[];
      };
    };
    expect(otio.tracks.children.map((track) => track.name)).toEqual(['Picture', 'Voices', 'Music']);
    for (const track of otio.tracks.children) {
      expect(track.children.filter((clip) => clip.source_range.duration.rate !== 12)).toEqual([]);
      expect(track.children.reduce((sum, clip) => sum + clip.source_range.duration.value, 0)).toBe(video.frameCount);
      for (const clip of track.children)
        await expect(
          readFile(path.join(delivered, clip.media_references.DEFAULT_MEDIA.target_url)),
        ).resolves.toBeDefined();
    }
    expect(otio.tracks.children[2]!.children.map((clip) => clip.media_references.DEFAULT_MEDIA.target_url)).toEqual([
      'ep01.music.wav',
    ]);
    type FcpClip = { duration: string; lane?: string; audioRole?: string; ref: string; 'asset-clip'?: FcpClip[] };
    const fcpxml = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => name === 'asset-clip' || name === 'asset',
    }).parse(await readFile(path.join(delivered, 'ep01.fcpxml'), 'utf8')) as {
      fcpxml: {
        resources: { asset: { id: string; 'media-rep': { src: string } }[] };
        library: { event: { project: { sequence: { duration: string; spine: { 'asset-clip': FcpClip[] } } } } };
      };
    };
    const sequence = fcpxml.fcpxml.library.event.project.sequence;
    const framesOf = (time: string) => Math.round(Number(/^(\d+)\/12s$/.exec(time)![1]));
    expect(sequence.spine['asset-clip'].reduce((sum, clip) => sum + framesOf(clip.duration), 0)).toBe(video.frameCount);
    expect(framesOf(sequence.duration)).toBe(video.frameCount);
    const musicAsset = fcpxml.fcpxml.resources.asset.find((asset) => asset['media-rep'].src === 'ep01.music.wav');
    const musicClips = sequence.spine['asset-clip']
      .flatMap((clip) => clip['asset-clip'] ?? [])
      .filter((clip) => clip.audioRole === 'music');
    expect(musicClips.map((clip) => [clip.ref, clip.lane])).toEqual([
      [musicAsset?.id, '-2'],
      [musicAsset?.id, '-2'],
    ]);
    expect(musicClips.reduce((sum, clip) => sum + framesOf(clip.duration), 0)).toBe(video.frameCount);
    const voiceStem = await probeMedia(path.join(delivered, 'ep01.voices.wav'));
    expect(Math.abs(voiceStem.durationSeconds! - video.frameCount! / 12)).toBeLessThan(1 / 48_000 + 1e-6);

    // The delivered sound, measured here with ffmpeg's ebur128, is at the feeds' loudness, and the report says what was measured.
    const { stderrTail } = await runFfmpeg([
      '-loglevel',
      'info',
      '-i',
      path.join(delivered, 'ep01.mp4'),
      '-vn',
      '-af',
      'ebur128=peak=true',
      '-f',
      'null',
      '-',
    ]);
    const summary = stderrTail.slice(stderrTail.lastIndexOf('Summary:'));
    const integrated = Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1]);
    const truePeak = Number(/Peak:\s+(-?[\d.]+) dBFS/.exec(summary)?.[1]);
    expect(Math.abs(integrated - -14)).toBeLessThanOrEqual(1);
    expect(truePeak).toBeLessThanOrEqual(-1);
    const episode = report.episodes[0]!;
    expect(episode.status).toBe('DELIVERED');
    expect(episode.audio?.loudness.integratedLufs).toBeCloseTo(integrated, 1);
    expect(episode.audio?.loudness.truePeakDbtp).toBeCloseTo(truePeak, 1);
    expect(episode.audio?.music.moods).toEqual(['tense', 'sad']);
    expect(report.qa.passed).toBe(true);
    expect(report.qa.checks.map((c) => c.name)).toEqual([
      'black-frames',
      'frozen-frames',
      'dialogue-silence',
      'av-drift',
      'loudness',
      'subtitle-timing',
      'subtitle-glyphs',
    ]);
  });

  it('a second upload of the same bytes is a no-op that still delivers the outputs', async () => {
    // Prepare: the same manifest produced once already
    const { dir, dataDir, outDir } = await ownWorkDir();
    const first = await produce(twoScenes, dataDir, outDir);
    expect(first.code, first.stderr).toBe(0);
    const againDir = path.join(dir, 'again');

    // Act
    const result = await produce(twoScenes, dataDir, againDir);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/already produced/);
    expect((await readdir(path.join(againDir, 'two-scene-check'))).sort()).toContain('ep01.mp4');
  });

  it('rejects a bad manifest with one `path: reason` line per problem and writes nothing but the rejection', async () => {
    // Prepare
    const { dir, dataDir, outDir } = await ownWorkDir();
    const bad = path.join(dir, 'bad-manifest.yaml');
    const text = (await readFile(twoScenes, 'utf8'))
      .replace('production: two-scene-check', 'production: bad-check')
      .replace('characters: [ben]', 'characters: [ben, zed]')
      .replace('budgetUsd: 1', 'budgetUsd: 1\ncolour: red');
    await writeFile(bad, text);

    // Act
    const result = await produce(bad, dataDir, outDir);

    // Assess
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toContain('colour: unknown key');
    expect(lines).toContain('episodes[0].scenes[1].characters[1]: character "zed" is not declared in characters');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await entries(outDir)).not.toContain('bad-check');
    const bucketDir = path.join(dataDir, 's3', 'dramaforge-local-assets');
    expect(await entries(path.join(bucketDir, 'productions'))).not.toContain('bad-check');
    const rejection = JSON.parse(
      await readFile(path.join(bucketDir, 'manifests', 'bad-manifest.yaml.errors.json._S3rver_object'), 'utf8'),
    );
    expect(rejection.problems).toContainEqual({ path: 'colour', reason: 'unknown key' });
  });
});
