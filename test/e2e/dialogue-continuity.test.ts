import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { LocalRuntime } from '../../local/runtime/index.js';
import { FakeOpenAiServer, scripted } from '../support/fake-openai-server.js';

const CHAT = 'POST /v1/chat/completions';

/** Three scenes of one episode: the first with its dialogue given, the others for the model to write. */
const manifest = {
  version: 1,
  production: 'dialogue-continuity',
  title: 'Continuity',
  language: 'en-US',
  budgetUsd: 5,
  providers: { profile: 'offline', overrides: { script: 'openai-compatible' } },
  characters: [
    { id: 'ana', name: 'Ana', description: 'red hair' },
    { id: 'ben', name: 'Ben', description: 'grey suit' },
  ],
  episodes: [
    {
      id: 'ep01',
      title: 'The letter',
      synopsis: 'Ana gives Ben the letter she never sent, and Ben reads it alone.',
      scenes: [
        {
          id: 's01',
          location: 'Harbour',
          characters: ['ana', 'ben'],
          outline: 'Ana hands Ben a letter.',
          dialogue: [{ character: 'ana', line: 'I wrote this the day you left.' }],
        },
        { id: 's02', location: 'Kitchen', characters: ['ana', 'ben'], outline: 'Ben asks why now.' },
        { id: 's03', location: 'Bedroom', characters: ['ben'], outline: 'Ben reads the letter alone.' },
      ],
    },
  ],
};

async function ownRuntime(server: FakeOpenAiServer): Promise<LocalRuntime> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-continuity-'));
  const runtime = await LocalRuntime.start({
    dataDir,
    environment: {
      ...server.profileEnvironment,
      DRAMAFORGE_OPENAI_SCRIPT_MODELS: 'gpt-4.1',
    },
  });
  onTestFinished(async () => {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  return runtime;
}

describe("an episode's dialogue, written in order", () => {
  it("gives each scene's script request the synopsis and the lines of the scenes before it", async () => {
    // Prepare
    const server = await new FakeOpenAiServer().start();
    onTestFinished(() => server.stop());
    const runtime = await ownRuntime(server);
    const key = 'incoming/continuity.yaml';
    await runtime.s3.send(new PutObjectCommand({ Bucket: runtime.names.bucket, Key: key, Body: stringify(manifest) }));
    await runtime.invokeFunction('validate-manifest', {
      bucket: runtime.names.bucket,
      key,
      executionName: 'continuity',
    });
    await runtime.invokeFunction('plan-production', {
      productionId: 'dialogue-continuity',
      executionName: 'continuity',
    });
    const plan = (await runtime.invokeFunction('plan-episode', {
      productionId: 'dialogue-continuity',
      episodeId: 'ep01',
    })) as { dialogueParts: string[][] };

    // Act
    for (const sceneIds of plan.dialogueParts)
      await runtime.invokeFunction('write-script', {
        productionId: 'dialogue-continuity',
        episodeId: 'ep01',
        sceneIds,
      });

    // Assess
    expect(plan.dialogueParts).toEqual([['s01', 's02', 's03']]);
    const prompts = server
      .requestsTo(CHAT)
      .map(
        (request) =>
          (request.json!.messages as { role: string; content: string }[]).find((m) => m.role === 'user')!.content,
      );
    expect(prompts).toHaveLength(2);
    expect(prompts[0]).toContain('The episode: Ana gives Ben the letter she never sent, and Ben reads it alone.');
    expect(prompts[0]).toContain('[s01] ana: I wrote this the day you left.');
    expect(prompts[1]).toContain(
      '[s01] ana: I wrote this the day you left.\n[s02] ana: You came back.\n[s02] ben: I never really left.',
    );
  });

  it('stops a scene whose script fails for good, writes the next one, and sends only the written scenes on to keyframes', async () => {
    // Prepare
    const server = await new FakeOpenAiServer().start();
    onTestFinished(() => server.stop());
    const runtime = await ownRuntime(server);
    const key = 'incoming/continuity.yaml';
    await runtime.s3.send(new PutObjectCommand({ Bucket: runtime.names.bucket, Key: key, Body: stringify(manifest) }));
    await runtime.invokeFunction('validate-manifest', {
      bucket: runtime.names.bucket,
      key,
      executionName: 'continuity',
    });
    await runtime.invokeFunction('plan-production', {
      productionId: 'dialogue-continuity',
      executionName: 'continuity',
    });
    server.queue(CHAT, scripted.chatAnswer('gpt-4.1', 'not json'), scripted.chatAnswer('gpt-4.1', '{"lines": []}'));

    // Act
    await runtime.invokeFunction('write-script', {
      productionId: 'dialogue-continuity',
      episodeId: 'ep01',
      sceneIds: ['s01', 's02', 's03'],
    });
    const scenes = (await runtime.invokeFunction('plan-episode', {
      productionId: 'dialogue-continuity',
      episodeId: 'ep01',
      scripted: true,
    })) as { sceneIds: string[] };

    // Assess
    expect(scenes.sceneIds).toEqual(['s01', 's03']);
    const last = (server.requestsTo(CHAT).at(-1)!.json!.messages as { role: string; content: string }[]).find(
      (m) => m.role === 'user',
    )!.content;
    expect(last).toContain('Ben reads the letter alone.');
    expect(last).not.toContain('[s02]');
  });
});
