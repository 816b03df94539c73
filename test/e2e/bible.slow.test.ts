import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DevelopmentRecord } from '../../lambdas/core/domain/development-record.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { cliArguments } from '../support/cli.js';
import { ownWorkDir } from '../support/work-dir.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const BIBLE = fileURLToPath(new URL('./fixtures/small-bible.yaml', import.meta.url));

describe('dramaforge produce of a series bible', () => {
  it('develops the episode and produces its scenes in one run, the cards in report.json', async () => {
    // Prepare
    const workDir = await ownWorkDir('bible');
    const outDir = path.join(workDir, 'out');

    // Act
    const { stdout } = await run(
      process.execPath,
      cliArguments('produce', BIBLE, '--out', outDir, '--data', path.join(workDir, 'data')),
      { cwd: repositoryRoot, timeout: 800_000 },
    );

    // Assess
    expect(stdout).toContain('COMPLETE');
    const report = JSON.parse(
      await readFile(path.join(outDir, 'small-bible', 'report.json'), 'utf8'),
    ) as ProductionReport;
    expect(report.status).toBe('COMPLETE');
    const [development] = report.development as DevelopmentRecord[];
    expect(development!.scenes.map((scene) => scene.id)).toEqual(['s01', 's02']);
    expect(development!.summary).toContain('Mai finds Theo hiding on the ferry deck.');
    expect(report.episodes[0]!.scenes.map((scene) => [scene.id, scene.status])).toEqual([
      ['s01', 'COMPLETE'],
      ['s02', 'COMPLETE'],
    ]);
    expect((await stat(path.join(outDir, 'small-bible', 'ep01.mp4'))).size).toBeGreaterThan(10_000);
  });
});
