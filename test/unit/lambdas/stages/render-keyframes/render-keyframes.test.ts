import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { BoundProviders } from '../../../../../lambdas/core/contracts/bound-providers.js';
import { DEFAULT_CONSISTENCY_THRESHOLD, type Repair } from '../../../../../lambdas/core/contracts/ports.js';
import { renderKeyframes } from '../../../../../lambdas/stages/render-keyframes/render-keyframes.js';
import { meetingManifest, mockedStageDeps } from '../../../../support/mocked-stage-deps.js';

const manifest = meetingManifest();
const reference = (id: string) =>
  [
    [`productions/unit-series/characters/${id}/reference.png`, Buffer.from(`${id}-sheet`)],
    [
      `productions/unit-series/characters/${id}/reference.json`,
      Buffer.from(JSON.stringify({ width: 10, height: 10, regions: { [id]: { x: 0, y: 0, width: 5, height: 5 } } })),
    ],
  ] as [string, Buffer][];

/** Ben scores `benScores[attempt - 1]`; Ana always passes, and her verdict carries `anaRepairs`. */
function setUp(benScores: number[], anaRepairs: Repair[] = []) {
  let drawn = 0;
  const providers: Partial<BoundProviders> = {
    image: {
      provider: 'offline',
      model: 'storyboard-v1',
      port: {
        drawReferenceSheet: async () => {
          throw new Error('not used');
        },
        drawKeyframe: async (request) => {
          drawn += 1;
          return {
            result: {
              png: Buffer.from(`frame-${drawn}-${request.seed}`),
              width: 10,
              height: 10,
              regions: { ana: { x: 0, y: 0, width: 2, height: 2 }, ben: { x: 5, y: 0, width: 2, height: 2 } },
            },
            usage: { images: 1 },
            provider: 'offline',
            model: 'storyboard-v1',
          };
        },
      },
    },
    consistency: {
      provider: 'offline',
      model: 'pixel-similarity-v1',
      port: {
        score: async ({ characterId }) => ({
          result:
            characterId === 'ana'
              ? { score: 0.9, ...(anaRepairs.length > 0 && { repairs: anaRepairs }) }
              : { score: benScores[drawn - 1]! },
          usage: {},
          provider: 'offline',
          model: 'pixel-similarity-v1',
        }),
      },
    },
  };
  const mocks = mockedStageDeps({
    objects: new Map([
      ['productions/unit-series/manifest.json', Buffer.from(JSON.stringify(manifest))],
      ...reference('ana'),
      ...reference('ben'),
    ]),
    providers,
  });
  onTestFinished(() => {
    mocks.s3Mock.reset();
    mocks.dynamoMock.reset();
  });
  mocks.dynamoMock.on(GetCommand).resolves({});
  mocks.dynamoMock.on(UpdateCommand).resolves({});
  mocks.dynamoMock.on(PutCommand).resolves({});
  return mocks;
}

type Mocks = ReturnType<typeof setUp>;

function sceneUpdate(mocks: Mocks) {
  const updates = mocks.dynamoMock.commandCalls(UpdateCommand).map((call) => call.args[0].input);
  return updates.find((input) => input.ExpressionAttributeValues?.[':keyframeAttempts'])!.ExpressionAttributeValues!;
}

function storedKeyframe(mocks: Mocks): string {
  const put = mocks.s3Mock
    .commandCalls(PutObjectCommand)
    .find((call) => call.args[0].input.Key === 'productions/unit-series/scenes/ep01/s01/keyframe.png');
  return String(put!.args[0].input.Body);
}

const scene = { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' };

describe('Render keyframes', () => {
  it('regenerates with a new seed while a character scores below the threshold, and records every attempt', async () => {
    // Prepare
    const mocks = setUp([0.3, 0.5, 0.9]);

    // Act
    await renderKeyframes(scene, mocks.deps);

    // Assess
    const values = sceneUpdate(mocks);
    const attempts = values[':keyframeAttempts'] as {
      attempt: number;
      seed: number;
      scores: Record<string, number>;
      accepted: boolean;
    }[];
    expect(attempts.map((a) => [a.scores.ben, a.accepted])).toEqual([
      [0.3, false],
      [0.5, false],
      [0.9, true],
    ]);
    expect(new Set(attempts.map((a) => a.seed)).size).toBe(3);
    expect(values[':attempts']).toBe(3);
    expect(values[':consistency']).toEqual({ ana: 0.9, ben: 0.9 });
    expect(storedKeyframe(mocks)).toMatch(/^frame-3-/);
  });

  it("records what was mended in a judge's verdict with the attempt, naming the character", async () => {
    // Prepare
    const mended: Repair = {
      path: '(answer)',
      repaired: 'dropped 12 characters of text around the JSON object',
      by: 'pipeline',
    };
    const mocks = setUp([0.8], [mended]);

    // Act
    await renderKeyframes(scene, mocks.deps);

    // Assess
    const attempts = sceneUpdate(mocks)[':keyframeAttempts'] as { repairs?: unknown[] }[];
    expect(attempts[0]!.repairs).toEqual([{ ...mended, characterId: 'ana' }]);
  });

  it('stops at the first passing frame', async () => {
    // Prepare
    const mocks = setUp([0.8, 0.9, 0.9]);

    // Act
    await renderKeyframes(scene, mocks.deps);

    // Assess
    expect(sceneUpdate(mocks)[':attempts']).toBe(1);
    expect(storedKeyframe(mocks)).toMatch(/^frame-1-/);
  });

  it('keeps the best frame when no attempt passes', async () => {
    // Prepare
    const mocks = setUp([0.3, 0.55, 0.4]);

    // Act
    await renderKeyframes(scene, mocks.deps);

    // Assess
    const values = sceneUpdate(mocks);
    expect(values[':attempts']).toBe(3);
    expect((values[':keyframeAttempts'] as { accepted: boolean }[]).filter((a) => a.accepted)).toEqual([]);
    expect(values[':consistency']).toEqual({ ana: 0.9, ben: 0.55 });
    expect(values[':consistencyThreshold']).toBe(DEFAULT_CONSISTENCY_THRESHOLD);
    expect(storedKeyframe(mocks)).toMatch(/^frame-2-/);
  });
});
