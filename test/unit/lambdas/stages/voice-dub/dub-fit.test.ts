import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { LineTranslationRequest } from '../../../../../lambdas/core/contracts/ports.js';
import { dubScene, MAX_DUB_TEMPO } from '../../../../../lambdas/stages/voice-dub/voice-dub.js';
import { mockedStageDeps, unitManifest } from '../../../../support/mocked-stage-deps.js';
import { pacedSpeechAt } from '../../../../support/paced-speech.js';

const manifest = unitManifest({
  characters: [{ id: 'ana', name: 'Ana', description: 'red hair', voice: { gender: 'female' } }],
  episodes: [
    {
      id: 'ep01',
      title: 'One',
      scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'She waits.' }],
    },
  ],
});
const ref = { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' };
/** The master: one line spoken in 1 s, with the track's 0.4 s lead-in and 0.6 s tail. */
const master = {
  durationSeconds: 2,
  cues: [{ index: 0, characterId: 'ana', speaker: 'Ana', text: 'I waited.', startSeconds: 0.4, endSeconds: 1.4 }],
};
const script = { source: 'manifest' as const, lines: [{ character: 'ana', line: 'I waited.' }] };
/** The fake voice speaks a tenth of a second a character. */
const SECONDS_PER_CHARACTER = 0.1;

/** A dub (priced as the offline models, $0) whose translator answers each asking with the next of `answers`, and whose voice takes 0.1 s a character. */
function sceneDub(answers: string[]) {
  const asked: LineTranslationRequest[] = [];
  const { deps, dynamoMock } = mockedStageDeps();
  dynamoMock.on(GetCommand).resolves({});
  dynamoMock.on(UpdateCommand).resolves({});
  dynamoMock.on(PutCommand).resolves({});
  const translation = {
    provider: 'offline',
    model: 'phrasebook-v1',
    port: {
      translateLine: async (request: LineTranslationRequest) => {
        asked.push(request);
        return { result: { line: answers[asked.length - 1]! }, usage: {}, provider: 'offline', model: 'phrasebook-v1' };
      },
      translateTitle: () => Promise.reject(new Error('a scene is fitted without its title')),
      translateListing: () => Promise.reject(new Error('a scene is fitted without its listing')),
    },
  };
  const speech = pacedSpeechAt(SECONDS_PER_CHARACTER);
  return {
    deps,
    asked,
    dub: { manifest, providers: { translation, speech }, ref, language: 'th-TH', master, script, pay: () => undefined },
  };
}

describe("fitting a dubbed scene to the master's length", () => {
  it('asks a line that runs long again, shorter; then speeds the scene up, and stays within the master', async () => {
    // Prepare: 1.5 s for a 1 s budget, then 1.1 s: still long, by less than the most tempo makes up
    const { deps, asked, dub } = sceneDub(['x'.repeat(15), 'x'.repeat(11)]);

    // Act
    const { track, cues, fit } = await dubScene(deps, dub);

    // Assess
    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatchObject({ to: 'th-TH', speaker: { id: 'ana' }, budgetSeconds: 1, index: 0 });
    expect(asked[1]!.tooLong).toEqual({ line: 'x'.repeat(15), seconds: expect.closeTo(1.5, 3) });
    expect(fit.askedAgain).toEqual([0]);
    expect(fit.tempo).toBeGreaterThan(1);
    expect(fit.tempo).toBeLessThanOrEqual(MAX_DUB_TEMPO);
    expect(track.durationSeconds - master.durationSeconds).toBeLessThan(0.01);
    expect(cues[0]!.endSeconds).toBeLessThanOrEqual(master.durationSeconds);
  });

  it('keeps a line that fits as it was first said', async () => {
    // Prepare
    const { deps, asked, dub } = sceneDub(['x'.repeat(8)]);

    // Act
    const { track, fit } = await dubScene(deps, dub);

    // Assess
    expect(asked).toHaveLength(1);
    expect(fit).toEqual({ sceneId: 's01', askedAgain: [], tempo: 1, holdSeconds: 0 });
    expect(track.durationSeconds).toBe(master.durationSeconds);
  });

  it('refuses a scene that still runs over after the most tempo and the longest hold', async () => {
    // Prepare: 4 s of speech for a 1 s budget, twice
    const { deps, dub } = sceneDub(['x'.repeat(40), 'y'.repeat(40)]);

    // Act
    const fitted = dubScene(deps, dub);

    // Assess
    await expect(fitted).rejects.toMatchObject({ name: 'DubDoesNotFit' });
  });
});
