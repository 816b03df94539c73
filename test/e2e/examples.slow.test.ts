import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { probeMedia } from '../../lambdas/adapters/media/ffmpeg.js';
import { parseDevelopedManifest } from '../../lambdas/core/manifest/parse.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { cliArguments } from '../support/cli.js';
import { ownWorkDir } from '../support/work-dir.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

describe.each(['tet-homecoming.yaml', 'spring-festival-reunion.yaml'])('the shipped example %s', (example) => {
  it('is produced in full at its own size and frame rate', async () => {
    // Prepare
    const workDir = await ownWorkDir('examples');
    const manifestPath = path.join(repositoryRoot, 'examples', example);
    const manifest = parseDevelopedManifest(await readFile(manifestPath));

    // Act
    await run(
      process.execPath,
      cliArguments('produce', manifestPath, '--out', workDir, '--data', path.join(workDir, 'data')),
      {
        cwd: repositoryRoot,
        timeout: 800_000,
      },
    );

    // Assess
    const delivered = path.join(workDir, manifest.production);
    const report = JSON.parse(await readFile(path.join(delivered, 'report.json'), 'utf8')) as ProductionReport;
    expect(report.status).toBe('COMPLETE');
    expect(report.episodes.map((e) => e.id)).toEqual(manifest.episodes.map((e) => e.id));
    for (const episode of manifest.episodes) {
      const probe = await probeMedia(path.join(delivered, `${episode.id}.mp4`));
      const video = probe.streams.find((s) => s.codecType === 'video')!;
      expect([video.codecName, video.width, video.height]).toEqual([
        'h264',
        manifest.format.width,
        manifest.format.height,
      ]);
      expect(video.fps).toBeCloseTo(manifest.format.fps, 5);
      expect(probe.streams).toContainEqual(expect.objectContaining({ codecType: 'audio', codecName: 'aac' }));
      const subtitles = (await readFile(path.join(delivered, `${episode.id}.srt`), 'utf8')).replace(/\s+/g, '');
      for (const line of episode.scenes.flatMap((s) => s.dialogue ?? [])) {
        expect(subtitles).toContain(line.line.replace(/\s+/g, '').slice(0, 8));
      }
    }
  });
});
