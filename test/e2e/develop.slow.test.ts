import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { DEFAULT_SCENE_COUNT } from '../../lambdas/core/manifest/limits.js';
import { parseDevelopedManifest } from '../../lambdas/core/manifest/parse.js';
import { developBible } from '../../local/commands/develop.js';
import { cliArguments } from '../support/cli.js';
import { FakeOpenAiServer, scripted } from '../support/fake-openai-server.js';
import { ownWorkDir } from '../support/work-dir.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const BIBLE = fileURLToPath(new URL('./fixtures/three-episode-bible.yaml', import.meta.url));
const CHAT = 'POST /v1/chat/completions';
const BIBLE_CAST = ['mai', 'theo', 'quan'];

const openAiEnvironment = (server: FakeOpenAiServer) => ({
  ...server.profileEnvironment,
  DRAMAFORGE_OPENAI_SCRIPT_MODELS: 'gpt-4.1-mini,gpt-4.1',
});

/** The user message of each development request, in the order they were sent. */
const developmentPrompts = (server: FakeOpenAiServer) =>
  server
    .requestsTo(CHAT)
    .map(
      (request) =>
        (request.json!.messages as { role: string; content: string }[]).find((m) => m.role === 'user')!.content,
    )
    .filter((prompt) => prompt.includes('Write the scenes'));

describe('dramaforge develop', () => {
  it('develops a 3-episode bible offline into a valid manifest with the asked scene counts, cast from the bible only, its own fields kept', async () => {
    // Prepare
    const workDir = await ownWorkDir('develop');
    const out = path.join(workDir, 'season.yaml');

    // Act
    const { stdout } = await run(
      process.execPath,
      cliArguments('develop', BIBLE, '--out', out, '--data', path.join(workDir, 'data')),
      { cwd: repositoryRoot, timeout: 240_000 },
    );

    // Assess
    const written = await readFile(out, 'utf8');
    const manifest = parseDevelopedManifest(written);
    expect(manifest.episodes.map((episode) => episode.scenes.length)).toEqual([3, 8, DEFAULT_SCENE_COUNT]);
    const cast = manifest.episodes.flatMap((episode) =>
      episode.scenes.flatMap((scene) => [...scene.characters, ...(scene.dialogue ?? []).map((line) => line.character)]),
    );
    expect(new Set(cast).size).toBeGreaterThan(1);
    expect(cast.filter((id) => !BIBLE_CAST.includes(id))).toEqual([]);
    expect(
      manifest.episodes.every((episode) =>
        episode.scenes.every((scene) => scene.camera && scene.mood && scene.outline),
      ),
    ).toBe(true);
    expect([manifest.logline, manifest.style, manifest.episodes[0]!.synopsis, manifest.characters[0]!.arc]).toEqual([
      'A deckhand hides a stowaway who knows how her father drowned.',
      'rain-soaked harbour at night, teal and amber neon',
      'Mai finds Theo hiding on the ferry deck. Mr Quan orders her to hand him over. Theo says her father did not drown by accident.',
      'from guarding her grief alone to trusting someone with it',
    ]);
    expect(written).toContain('# A series bible: the development stage writes every episode');
    expect(stdout).toContain('three-episode-bible: 3 episodes developed, 15 scene cards, spent $0.0000');
  });

  it("carries episode 1's summary into episode 2's request, and each part's cards into the next part's, through the ledger", async () => {
    // Prepare
    const workDir = await ownWorkDir('develop');
    const server = await FakeOpenAiServer.ownedByTest();

    // Act
    const result = await developBible({
      biblePath: BIBLE,
      profile: 'openai-compatible',
      dataDir: path.join(workDir, 'data'),
      environment: openAiEnvironment(server),
    });

    // Assess
    expect(result.ok).toBe(true);
    const prompts = developmentPrompts(server);
    expect(prompts).toHaveLength(4);
    expect(prompts[0]).toContain('This is the first episode of the season.');
    expect(prompts[1]).toContain('ep01 "Stowaway": Summary through ep01 part 1.');
    expect(prompts[2]).toContain('part 2 of 2');
    expect(prompts[2]).toContain('"id":"s06"');
    expect(prompts[3]).toContain('ep02 "The Compass": Summary through ep02 part 2.');
    if (!result.ok) return;
    expect(result.records.map((record) => record.summary)).toEqual([
      'Summary through ep01 part 1.',
      'Summary through ep02 part 2.',
      'Summary through ep03 part 1.',
    ]);
    expect(result.spentUsd).toBeGreaterThan(0);
  });

  it('a second develop of the same bible buys nothing again: every part comes from the cache', async () => {
    // Prepare
    const workDir = await ownWorkDir('develop');
    const server = await FakeOpenAiServer.ownedByTest();
    const options = {
      biblePath: BIBLE,
      profile: 'openai-compatible' as const,
      dataDir: path.join(workDir, 'data'),
      environment: openAiEnvironment(server),
    };
    const first = await developBible(options);
    const calls = server.requestsTo(CHAT).length;

    // Act
    const second = await developBible(options);

    // Assess
    expect(server.requestsTo(CHAT)).toHaveLength(calls);
    expect(second.ok && first.ok && second.yaml === first.yaml).toBe(true);
    expect(second.ok && first.ok && second.spentUsd === first.spentUsd).toBe(true);
  });
});

describe('hostile bibles', () => {
  it('an empty synopsis and a sceneCount over the limit are rejected with `path: reason` before any call', async () => {
    // Prepare
    const workDir = await ownWorkDir('develop');
    const document = parseDocument(await readFile(BIBLE, 'utf8'));
    document.setIn(['episodes', 0, 'synopsis'], '  ');
    document.setIn(['episodes', 1, 'sceneCount'], 61);
    const hostile = path.join(workDir, 'hostile.yaml');
    await writeFile(hostile, document.toString());

    // Act
    const failure = await run(
      process.execPath,
      cliArguments('develop', hostile, '--data', path.join(workDir, 'data')),
      { cwd: repositoryRoot, timeout: 240_000 },
    ).catch((error: { code: number; stderr: string }) => error);

    // Assess
    expect('code' in failure && failure.code).toBe(1);
    expect((failure as { stderr: string }).stderr.trim().split('\n')).toEqual([
      'episodes[0].synopsis: synopsis must not be empty',
      'episodes[1].sceneCount: sceneCount must be at most 60 (scenes an episode)',
    ]);
  });

  it('a model that keeps naming a character the bible lacks fails the episode with ProviderOutputInvalid naming the character', async () => {
    // Prepare
    const workDir = await ownWorkDir('develop');
    const server = await FakeOpenAiServer.ownedByTest();
    const invented = JSON.stringify({
      scenes: ['s01', 's02', 's03'].map((id) => ({
        id,
        location: 'the deck',
        characters: ['mai', 'ghost'],
        outline: 'x',
        mood: 'tense',
        camera: 'wide',
        dialogue: [],
      })),
      summary: 'x',
    });
    server.answerOnly(CHAT, ...Array.from({ length: 4 }, () => scripted.chatAnswer('gpt-4.1', invented)));

    // Act
    const result = await developBible({
      biblePath: BIBLE,
      profile: 'openai-compatible',
      dataDir: path.join(workDir, 'data'),
      environment: openAiEnvironment(server),
    });

    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      /^ep01 could not be developed: ProviderOutputInvalid: .*"ghost" is not a character of the bible \(mai, theo, quan\)/,
    );
    expect(developmentPrompts(server)).toHaveLength(4);
  });

  it('a production of a bible whose development fails stops before planning, and report.json says why', async () => {
    // Prepare
    const workDir = await ownWorkDir('develop');
    const server = await FakeOpenAiServer.ownedByTest();
    const invented = JSON.stringify({
      scenes: ['s01', 's02', 's03'].map((id) => ({
        id,
        location: 'the deck',
        characters: ['ghost'],
        outline: 'x',
        mood: 'tense',
        camera: 'wide',
        dialogue: [],
      })),
      summary: 'x',
    });
    // Every call of every retry invents the same character.
    server.answerAlways(CHAT, scripted.chatAnswer('gpt-4.1', invented));
    const outDir = path.join(workDir, 'out');

    // Act
    const failure = await run(
      process.execPath,
      cliArguments(
        'produce',
        BIBLE,
        '--profile',
        'openai-compatible',
        '--out',
        outDir,
        '--data',
        path.join(workDir, 'data'),
      ),
      { cwd: repositoryRoot, timeout: 240_000, env: { ...process.env, ...openAiEnvironment(server) } },
    ).catch((error: { code: number; stderr: string }) => error);

    // Assess
    expect('code' in failure && failure.code).toBe(1);
    const report = JSON.parse(await readFile(path.join(outDir, 'three-episode-bible', 'report.json'), 'utf8')) as {
      status: string;
      development: { episodeId: string; failure?: { error: string; message: string } }[];
      episodes: { scenes: unknown[] }[];
    };
    expect(report.status).toBe('FAILED');
    // The development Map runs one episode at a time; once ep01 fails, Step Functions starts none of the others.
    expect(report.development.map((record) => record.episodeId)).toEqual(['ep01']);
    expect(developmentPrompts(server).filter((prompt) => !prompt.includes('(ep01)'))).toEqual([]);
    expect(report.development[0]!.failure!.error).toBe('ProviderOutputInvalid');
    expect(report.development[0]!.failure!.message).toContain('"ghost" is not a character of the bible');
    expect(report.episodes.filter((episode) => episode.scenes.length !== 0)).toEqual([]);
  });
});
