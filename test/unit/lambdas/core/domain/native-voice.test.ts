import { describe, expect, it } from 'vitest';
import { estimateProduction } from '../../../../../lambdas/composition/production-estimate.js';
import { stageDepsFromEnv } from '../../../../../lambdas/composition/stage-deps-from-env.js';
import { STAGE_VARIABLES } from '../../../../../lambdas/core/contracts/environment.js';
import {
  cuesFromSpeech,
  describeVoice,
  nativeVoiceModelProblems,
  sceneVoiceMode,
  voiceDriftWarning,
} from '../../../../../lambdas/core/domain/native-voice.js';
import { ManifestSchema } from '../../../../../lambdas/core/manifest/schema.js';
import { validateManifest } from '../../../../../lambdas/core/manifest/validate.js';
import { dialogueOf } from '../../../../../lambdas/core/pricing/pricing.js';
import { problemsOf } from '../../../../support/manifest-problems.js';

/** Two speakers and a cat, two scenes with written lines; `more` lays fields over the manifest. */
function nativeManifest(more: Record<string, unknown> = {}, characters?: Record<string, unknown>[]) {
  return {
    version: 1,
    production: 'native-voice',
    title: 'Native voice',
    language: 'en-US',
    budgetUsd: 10,
    providers: { profile: 'openai-compatible' },
    voice: { mode: 'native' },
    characters: characters ?? [
      { id: 'ana', name: 'Ana', description: '30, red hair', voice: { gender: 'female' } },
      { id: 'ben', name: 'Ben', description: '40, bald', voice: { gender: 'male', pitch: 0.8, rate: 0.9 } },
      { id: 'mo', name: 'Mo', description: 'a grey cat' },
    ],
    episodes: [
      {
        id: 'ep01',
        title: 'One',
        scenes: [
          {
            id: 's01',
            location: 'Harbour',
            characters: ['ana', 'ben', 'mo'],
            outline: 'They meet.',
            dialogue: [
              { character: 'ana', line: 'I wrote this the day you left.' },
              { character: 'ben', line: 'Then why give it to me now?' },
            ],
          },
          {
            id: 's02',
            location: 'Kitchen',
            characters: ['ben'],
            outline: 'He reads.',
            dialogue: [{ character: 'ben', line: 'So that is what she meant.' }],
          },
        ],
      },
    ],
    ...more,
  };
}

const LINES = [
  { characterId: 'ana', speaker: 'Ana', text: 'I wrote this the day you left.' },
  { characterId: 'ben', speaker: 'Ben', text: 'Then why give it to me now?' },
];

describe('which scenes the video model voices', () => {
  it('voices natively a scene whose speaking cast is all native, a cat that does not speak aside', () => {
    // Prepare
    const manifest = validateManifest(nativeManifest());

    // Act
    const modes = manifest.episodes[0]!.scenes!.map((scene) => sceneVoiceMode(manifest, scene));

    // Assess
    expect(modes).toEqual(['native', 'native']);
  });

  it('lets a character keep a synthesized voice, and then a scene it speaks in is synthesized too', () => {
    // Prepare: the schema alone, as a developed episode's cards are read (validation refuses the harbour's mix)
    const manifest = ManifestSchema.parse(
      nativeManifest({}, [
        { id: 'ana', name: 'Ana', description: '30, red hair' },
        { id: 'ben', name: 'Ben', description: '40, bald', voice: { mode: 'synthesized' } },
        { id: 'mo', name: 'Mo', description: 'a grey cat' },
      ]),
    );
    const [harbour, kitchen] = manifest.episodes[0]!.scenes!;

    // Act
    const modes = [sceneVoiceMode(manifest, harbour!), sceneVoiceMode(manifest, kitchen!)];

    // Assess
    expect(modes).toEqual(['synthesized', 'synthesized']);
  });
});

describe('validating a manifest that asks for native voice', () => {
  it('refuses a written scene that mixes native and synthesized speakers, naming both', () => {
    // Prepare
    const document = nativeManifest({}, [
      { id: 'ana', name: 'Ana', description: '30, red hair' },
      { id: 'ben', name: 'Ben', description: '40, bald', voice: { mode: 'synthesized' } },
      { id: 'mo', name: 'Mo', description: 'a grey cat' },
    ]);

    // Act
    const problems = problemsOf(document);

    // Assess
    expect(problems).toEqual([
      'episodes[0].scenes[0].characters: mixes native voices (ana) with synthesized ones (ben): one clip speaks with one kind of voice',
    ]);
  });

  it('refuses a review of the animatic, which the offline video model makes without dialogue', () => {
    // Act
    const problems = problemsOf(nativeManifest({ review: { before: 'video' } }));

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^review\.before: the animatic is made with the offline video model/),
    ]);
  });

  it('refuses, by name, a video model that renders no dialogue, and accepts sora-2', () => {
    // Prepare
    const manifest = validateManifest(nativeManifest());

    // Act
    const offline = nativeVoiceModelProblems(manifest, { provider: 'offline', model: 'camera-motion-v1' });
    const luma = nativeVoiceModelProblems(manifest, { provider: 'bedrock', model: 'luma.ray-v2:0' });
    const sora = nativeVoiceModelProblems(manifest, { provider: 'openai-compatible', model: 'sora-2' });

    // Assess
    expect(offline).toEqual([
      {
        path: 'voice.mode',
        reason:
          'native voice needs a video model that renders dialogue, and offline/camera-motion-v1 renders none (openai-compatible/sora-2 does)',
      },
    ]);
    expect(luma).toEqual([expect.objectContaining({ path: 'voice.mode' })]);
    expect(sora).toEqual([]);
    expect(dialogueOf('openai-compatible', 'sora-2')).toBe('in-prompt');
  });

  it('is refused by the Validate manifest stage on the offline profile, whose video renders no dialogue', () => {
    // Prepare
    const manifest = validateManifest(nativeManifest({ providers: { profile: 'offline' } }));
    const deps = stageDepsFromEnv({
      [STAGE_VARIABLES.tableName]: 'productions',
      [STAGE_VARIABLES.bucketName]: 'assets',
    });

    // Act
    const problems = deps.profileProblems(manifest.providers, manifest);

    // Assess
    expect(problems).toEqual([
      {
        path: 'voice.mode',
        reason:
          'native voice needs a video model that renders dialogue, and offline/camera-motion-v1 renders none (openai-compatible/sora-2 does)',
      },
    ]);
  });
});

describe("timing a native scene's cues by the speech in its clip", () => {
  it('puts each line on its own stretch of speech when there are as many as lines', () => {
    // Act
    const cues = cuesFromSpeech(LINES, [
      { startSeconds: 0.4, endSeconds: 1.4 },
      { startSeconds: 1.9, endSeconds: 3.3 },
    ]);

    // Assess
    expect(cues?.map((cue) => [cue.characterId, cue.startSeconds, cue.endSeconds])).toEqual([
      ['ana', 0.4, 1.4],
      ['ben', 1.9, 3.3],
    ]);
  });

  it('joins stretches across their shortest pause when the clip breathes inside a line', () => {
    // Act
    const cues = cuesFromSpeech(LINES, [
      { startSeconds: 0.4, endSeconds: 0.9 },
      { startSeconds: 1.0, endSeconds: 1.4 },
      { startSeconds: 2.2, endSeconds: 3.3 },
    ]);

    // Assess
    expect(cues?.map((cue) => [cue.startSeconds, cue.endSeconds])).toEqual([
      [0.4, 1.4],
      [2.2, 3.3],
    ]);
  });

  it('splits the longest stretch when the lines run together, and finds no cues in a clip without speech', () => {
    // Act
    const split = cuesFromSpeech(LINES, [{ startSeconds: 0.5, endSeconds: 2.5 }]);
    const silent = cuesFromSpeech(LINES, []);

    // Assess
    expect(split?.map((cue) => [cue.startSeconds, cue.endSeconds])).toEqual([
      [0.5, 1.5],
      [1.5, 2.5],
    ]);
    expect(silent).toBeUndefined();
  });
});

describe('what a model that takes no reference voice is told, and what the report says of it', () => {
  it('describes each voice by gender, age, timbre and pace', () => {
    // Act
    const described = describeVoice({ gender: 'male', age: 'elderly', timbre: 'husky', pitch: 0.8, rate: 0.9 });

    // Assess
    expect(described).toBe('a elderly male voice, low-pitched, husky, speaking slowly');
  });

  it('warns that voices may drift where they were only described', () => {
    // Act
    const warning = voiceDriftWarning([
      { mode: 'native', provider: 'openai-compatible', model: 'sora-2', voices: 'in-prompt' },
      { mode: 'native', provider: 'openai-compatible', model: 'sora-2', voices: 'in-prompt' },
    ]);
    const none = voiceDriftWarning([
      { mode: 'native', provider: 'openai-compatible', model: 'voiced-1', voices: 'reference-voice' },
    ]);

    // Assess
    expect(warning).toBe(
      'voices may drift between clips: openai-compatible/sora-2 takes no reference voice, so 2 native scenes had each voice described in the prompt only',
    );
    expect(none).toBeUndefined();
  });
});

describe('the estimate of a natively voiced production', () => {
  it('buys no speech for native scenes and prices their clips on a line of their own', () => {
    // Prepare
    const env = { DRAMAFORGE_OPENAI_API_KEY: 'k' };
    const native = validateManifest(nativeManifest());
    const synthesized = validateManifest(nativeManifest({ voice: { mode: 'synthesized' } }));

    // Act
    const nativeLines = estimateProduction(native, env).lines.map((line) => [line.stage, line.model, line.calls]);
    const synthesizedLines = estimateProduction(synthesized, env).lines.map((line) => [
      line.stage,
      line.model,
      line.calls,
    ]);

    // Assess
    expect(nativeLines).toContainEqual(['video (native voice)', 'sora-2', 2]);
    expect(nativeLines.map(([stage]) => stage)).not.toContain('speech');
    expect(nativeLines.map(([stage]) => stage)).not.toContain('video');
    expect(synthesizedLines).toContainEqual(['speech', 'tts-1', 3]);
    expect(synthesizedLines).toContainEqual(['video', 'sora-2', 2]);
  });
});
