import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../../lambdas/adapters/media/ffmpeg.js';
import { glyphCoverage } from '../../lambdas/adapters/media/font-coverage.js';
import { parseManifest } from '../../lambdas/core/manifest/parse.js';
import { languagesSupportedBy } from '../../lambdas/core/text/languages.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { cliArguments } from '../support/cli.js';
import { isWrittenIn, usesVocabularyOf } from '../support/written-in.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (tag: string) => fileURLToPath(new URL(`./fixtures/languages/${tag}.yaml`, import.meta.url));

const LANGUAGES = ['vi-VN', 'th-TH', 'id-ID', 'ms-MY', 'fil-PH', 'zh-CN', 'zh-TW', 'ja-JP', 'ko-KR', 'en-US'];

/** Each cue's text lines, joined as it is shown. */
function srtCueTexts(srt: string): string[] {
  return srt
    .trim()
    .split(/\n\n+/)
    .map((block) => block.split('\n').slice(2).join(' '));
}

describe('one scene in each offline language, end to end', () => {
  let dir: string;
  let produced: { code: number; stderr: string };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-languages-'));
    try {
      // One process produces all ten at once, as a studio would.
      await run(
        process.execPath,
        cliArguments(
          'produce',
          ...LANGUAGES.map(fixture),
          '--out',
          path.join(dir, 'out'),
          '--data',
          path.join(dir, 'data'),
        ),
        {
          cwd: repositoryRoot,
          timeout: 840_000,
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      produced = { code: 0, stderr: '' };
    } catch (error) {
      const failed = error as { code: number; stderr: string };
      produced = { code: failed.code, stderr: failed.stderr };
    }
  }, 900_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('covers every language the offline profile claims', () => {
    // Assess
    expect(languagesSupportedBy('offline')).toEqual(expect.arrayContaining(LANGUAGES));
  });

  it.each(LANGUAGES)(
    '%s: delivered, subtitled with fonts that draw every character, in its own script',
    async (tag) => {
      // Prepare
      expect(produced.code, produced.stderr).toBe(0);
      const manifest = parseManifest(await readFile(fixture(tag)));
      const delivered = path.join(dir, 'out', manifest.production);
      const names = manifest.characters.map((character) => character.name);

      // Act
      const report = JSON.parse(await readFile(path.join(delivered, 'report.json'), 'utf8')) as ProductionReport;
      const cues = srtCueTexts(await readFile(path.join(delivered, 'ep01.srt'), 'utf8'));
      const vtt = await readFile(path.join(delivered, 'ep01.vtt'), 'utf8');
      const coverage = await glyphCoverage(tag);
      const video = (await probeMedia(path.join(delivered, 'ep01.mp4'))).streams.find(
        (stream) => stream.codecType === 'video',
      );

      // Assess
      expect(report.status).toBe('COMPLETE');
      expect(video).toMatchObject({ width: 1080, height: 1920 });
      expect(cues.length).toBeGreaterThanOrEqual(2);
      for (const cue of cues) {
        expect(coverage.missing(cue), `${tag}: ${cue}`).toEqual([]);
        expect(isWrittenIn(tag, cue, names), `${tag}: ${cue}`).toBe(true);
      }
      expect(usesVocabularyOf(tag, cues)).toBe(true);
      expect(vtt.startsWith('WEBVTT')).toBe(true);
    },
  );
});
