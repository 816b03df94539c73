import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { DevelopmentRecord } from '../../lambdas/core/domain/development-record.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { produceOnGateway } from '../support/cli.js';
import { FakeOpenAiServer } from '../support/fake-openai-server.js';
import { ownWorkDir } from '../support/work-dir.js';

const BIBLE = fileURLToPath(new URL('./fixtures/small-bible.yaml', import.meta.url));

describe('repair before refusing, through a gateway we did not write', () => {
  it('develops and scripts an episode from answers with wrong ids, speakers missing from the cast and over-long lines: it completes, and report.json says what was mended by whom', async () => {
    // Prepare
    const workDir = await ownWorkDir('repairs');
    const server = await FakeOpenAiServer.ownedByTest();
    server.sloppyStructuredAnswers = true;
    // The small bible's $1 is an offline budget; a real profile's estimate needs more. A line of 500
    // characters takes 20 s to say, longer than any clip sora-2 makes, so the pictures are offline:
    // the storyboard's camera moves, which last as long as their scene.
    const bible = parseDocument(await readFile(BIBLE, 'utf8'));
    bible.set('budgetUsd', 10);
    bible.set('providers', { profile: 'openai-compatible', overrides: { image: 'offline', video: 'offline' } });
    const manifest = path.join(workDir, 'bible.yaml');
    await writeFile(manifest, bible.toString());
    const outDir = path.join(workDir, 'out');

    // Act
    const { stdout } = await produceOnGateway(server, {
      manifest,
      outDir,
      dataDir: path.join(workDir, 'data'),
    });

    // Assess
    expect(stdout).toMatch(/^COMPLETE/);
    const report = JSON.parse(
      await readFile(path.join(outDir, 'small-bible', 'report.json'), 'utf8'),
    ) as ProductionReport;
    expect(report.status).toBe('COMPLETE');
    expect(report.episodes[0]!.scenes.map((scene) => [scene.id, scene.status])).toEqual([
      ['s01', 'COMPLETE'],
      ['s02', 'COMPLETE'],
    ]);
    const developed = report.development![0] as DevelopmentRecord;
    expect(developed.scenes[0]!.characters).toEqual(['mai', 'theo']);
    expect(developed.scenes[0]!.dialogue.map((line) => line.character)).toEqual(['mai', 'theo', 'theo']);
    expect(developed.repairs!.map((repair) => `${repair.by} ${repair.path}`)).toEqual([
      'pipeline part 1: scenes.0.id',
      'pipeline part 1: scenes.0.dialogue.1',
      'pipeline part 1: scenes.0.characters',
      'pipeline part 1: scenes.1.id',
      'pipeline part 1: scenes.1.dialogue',
    ]);
    expect(
      report.script!.repairs.map((repair) => `${repair.episodeId}/${repair.sceneId} ${repair.by} ${repair.path}`),
    ).toEqual(['ep01/s02 pipeline (answer)', 'ep01/s02 pipeline lines.0']);
    // Nothing had to go back to the model: one call for the scene cards, one for the script, and the episode's listing.
    expect(
      server
        .requestsTo('POST /v1/chat/completions')
        .filter((request) => !JSON.stringify(request.json).includes('image_url'))
        .map(
          (request) =>
            (request.json as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema
              ?.name,
        ),
    ).toEqual(['scene_cards', 'scene_script', 'episode_listing']);
  });
});
