import { afterEach, describe, expect, it, vi } from 'vitest';
import { VOICE_SAMPLE_RATE, wavFromPcm } from '../../../../../lambdas/adapters/media/voice-track.js';
import { StoryboardImageModel } from '../../../../../lambdas/adapters/providers/offline/offline-image-model.js';
import type { BoundProviders } from '../../../../../lambdas/core/contracts/bound-providers.js';
import { BudgetExceeded } from '../../../../../lambdas/core/contracts/errors.js';
import type {
  ImageModel,
  SpeechModel,
  SpeechRequest,
  VideoModel,
} from '../../../../../lambdas/core/contracts/ports.js';
import type { ManifestInput } from '../../../../../lambdas/core/manifest/schema.js';
import { castCharacter } from '../../../../../lambdas/stages/cast-character/cast-character.js';
import { unitManifest } from '../../../../support/mocked-stage-deps.js';
import { stageWorld } from '../../../../support/stage-world.js';

const characters = [
  { id: 'ana', name: 'Ana', description: '30, short red hair, green coat', voice: { gender: 'female' as const } },
  { id: 'ben', name: 'Ben', description: 'bald, grey beard' },
];
const episodes = [
  {
    id: 'ep01',
    title: 'One',
    scenes: [
      { id: 's01', location: 'Harbour', characters: ['ben'], outline: 'Ben waits.' },
      {
        id: 's02',
        location: 'Harbour',
        characters: ['ana'],
        outline: 'Ana arrives.',
        dialogue: [{ character: 'ana', line: 'The tide turned without me.' }],
      },
    ],
  },
];
const sheet = 'productions/unit-series/characters/ana/reference';
const voiceKey = 'productions/unit-series/characters/ana/reference-voice.wav';

/** The storyboard model and a speech model, counted; the speech answers a second of silence per line. */
function countedProviders(image: Pick<BoundProviders['image'], 'provider' | 'model'>) {
  const storyboard = new StoryboardImageModel();
  const drawn: string[] = [];
  const spoken: SpeechRequest[] = [];
  const imagePort: ImageModel = {
    drawKeyframe: (request) => storyboard.drawKeyframe(request),
    drawReferenceSheet: (request) => {
      drawn.push(request.character.id);
      return storyboard.drawReferenceSheet(request);
    },
  };
  const speech: SpeechModel = {
    speak: async (request) => {
      spoken.push(request);
      return {
        result: { wav: wavFromPcm(Buffer.alloc(VOICE_SAMPLE_RATE * 2)), durationSeconds: 1 },
        usage: { speechCharacters: request.text.length },
        provider: 'openai-compatible',
        model: 'tts-1',
      };
    },
  };
  const providers: Partial<BoundProviders> = {
    image: { port: imagePort, ...image },
    speech: { port: speech, provider: 'openai-compatible', model: 'tts-1' },
    // Casting asks the video model only how it hears dialogue (its price entry), never for a clip.
    video: {
      port: { renderClip: () => Promise.reject(new Error('casting renders no clip')) } satisfies VideoModel,
      provider: 'openai-compatible',
      model: 'sora-2',
    },
  };
  return { providers, drawn, spoken };
}

async function casting(
  overrides: Partial<ManifestInput> = {},
  image: Pick<BoundProviders['image'], 'provider' | 'model'> = { provider: 'offline', model: 'storyboard-v1' },
) {
  const counted = countedProviders(image);
  const world = await stageWorld(unitManifest({ characters, episodes, ...overrides }), {
    providers: counted.providers,
  });
  return { world, ...counted };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Cast character', () => {
  it("draws the character's reference sheet and keeps it with where the character stands, its cost settled", async () => {
    // Prepare
    const { world, drawn, spoken } = await casting();

    // Act
    await castCharacter({ productionId: 'unit-series', characterId: 'ana' }, world.deps);

    // Assess
    expect(drawn).toEqual(['ana']);
    const png = world.objects.get(`${sheet}.png`)!;
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const layout = world.json<{ width: number; height: number; regions: Record<string, unknown> }>(`${sheet}.json`);
    expect(layout.width).toBeGreaterThan(0);
    expect(Object.keys(layout.regions)).toEqual(['ana']);
    const costs = await world.ledger.listCosts('unit-series');
    expect(costs.map((cost) => [cost.stage, cost.status, cost.provider])).toEqual([
      ['reference-sheet', 'SETTLED', 'offline'],
    ]);
    // A synthesized voice needs no reference: nothing is said.
    expect(spoken).toEqual([]);
    expect(world.objects.has(voiceKey)).toBe(false);
  });

  it('casts the same character again from the cache, drawing nothing', async () => {
    // Prepare
    const { world, drawn } = await casting();
    await castCharacter({ productionId: 'unit-series', characterId: 'ana' }, world.deps);
    const first = world.objects.get(`${sheet}.png`)!;

    // Act
    await castCharacter({ productionId: 'unit-series', characterId: 'ana' }, world.deps);

    // Assess
    expect(drawn).toEqual(['ana']);
    expect(world.objects.get(`${sheet}.png`)!.equals(first)).toBe(true);
    expect(await world.ledger.listCosts('unit-series')).toHaveLength(1);
  });

  it("says a native character's first line once as its reference voice when the video model takes one", async () => {
    // Prepare
    vi.stubEnv(
      'DRAMAFORGE_PRICE_OVERRIDES',
      JSON.stringify({ 'openai-compatible/sora-2': { dialogue: 'reference-voice' } }),
    );
    const { world, spoken } = await casting({ voice: { mode: 'native' } });

    // Act
    await castCharacter({ productionId: 'unit-series', characterId: 'ana' }, world.deps);

    // Assess
    expect(spoken).toEqual([
      { text: 'The tide turned without me.', language: 'en-US', characterId: 'ana', voice: { gender: 'female' } },
    ]);
    expect(world.objects.get(voiceKey)!.subarray(0, 4).toString('latin1')).toBe('RIFF');
    const stages = (await world.ledger.listCosts('unit-series')).map((cost) => [cost.stage, cost.status]).sort();
    expect(stages).toEqual([
      ['reference-sheet', 'SETTLED'],
      ['reference-voice', 'SETTLED'],
    ]);
  });

  it('buys no reference voice for a native character whose video model hears the voices in its prompt', async () => {
    // Prepare: sora-2 takes the lines in its prompt
    const { world, spoken } = await casting({ voice: { mode: 'native' } });

    // Act
    await castCharacter({ productionId: 'unit-series', characterId: 'ana' }, world.deps);

    // Assess
    expect(spoken).toEqual([]);
    expect(world.objects.has(voiceKey)).toBe(false);
  });

  it('refuses with BudgetExceeded a sheet the budget cannot hold, drawing and storing nothing', async () => {
    // Prepare: gpt-image-1 holds about $0.33 for a sheet; the budget is $0.10
    const { world, drawn } = await casting({ budgetUsd: 0.1 }, { provider: 'openai-compatible', model: 'gpt-image-1' });

    // Act
    const attempt = castCharacter({ productionId: 'unit-series', characterId: 'ana' }, world.deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(BudgetExceeded);
    expect(drawn).toEqual([]);
    expect(world.objects.has(`${sheet}.png`)).toBe(false);
    const budget = await world.productions.getProduction('unit-series');
    expect([budget.spentUsd, budget.reservedUsd]).toEqual([0, 0]);
  });

  it('fails with AssetMissing for a character the manifest does not cast', async () => {
    // Prepare
    const { world, drawn } = await casting();

    // Act
    const attempt = castCharacter({ productionId: 'unit-series', characterId: 'zed' }, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'AssetMissing', message: expect.stringContaining('zed') });
    expect(drawn).toEqual([]);
  });
});
