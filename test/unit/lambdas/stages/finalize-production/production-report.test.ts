import { describe, expect, it } from 'vitest';
import type { CostRow } from '../../../../../lambdas/core/domain/ledger.js';
import type { ProductionMeta } from '../../../../../lambdas/core/domain/production-model.js';
import type { DubSummary, EpisodeSummary, QaCheck } from '../../../../../lambdas/core/domain/scene-artifacts.js';
import { parseDevelopedManifest } from '../../../../../lambdas/core/manifest/parse.js';
import { costsOnceSettled } from '../../../../../lambdas/stages/finalize-production/finalize-production.js';
import { buildProductionReport } from '../../../../../lambdas/stages/finalize-production/production-report.js';

const manifest = parseDevelopedManifest(
  JSON.stringify({
    version: 1,
    production: 'report-series',
    title: 'Report',
    language: 'en-US',
    budgetUsd: 5,
    characters: [{ id: 'ana', name: 'Ana', description: 'red hair' }],
    episodes: [
      {
        id: 'ep01',
        title: 'One',
        scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'Ana waits.' }],
      },
    ],
  }),
);

const row = (status: CostRow['status'], stage: string, usd: number, estimateUsd: number): CostRow => ({
  productionId: 'report-series',
  idempotencyKey: `${stage}#${status}`,
  stage,
  status,
  estimateUsd,
  usd,
  provider: 'openai-compatible',
  model: 'sora-2',
  episodeId: 'ep01',
  sceneId: 's01',
  createdAt: '2026-12-01T00:00:00.000Z',
  ...(status === 'UNCONFIRMED' ? { unconfirmedAt: '2026-12-01T00:05:00.000Z' } : {}),
});

describe('the production report', () => {
  it('shows confirmed and unconfirmed spend apart, both against the budget, and names each unconfirmed call', () => {
    // Prepare
    const costs = [
      row('SETTLED', 'video', 0.4, 0.8),
      row('UNCONFIRMED', 'video', 0, 0.8),
      row('RELEASED', 'image', 0, 0.2),
      row('SETTLED', 'image', 0.05, 0.2),
    ];

    // Act
    const report = buildProductionReport({
      manifest,
      meta: {} as ProductionMeta,
      scenes: [],
      costs,
      episodes: new Map(),
    });

    // Assess
    expect(report.cost).toMatchObject({
      confirmedUsd: 0.45,
      unconfirmedUsd: 0.8,
      totalUsd: 1.25,
      remainingUsd: 3.75,
      byStage: { video: 0.4, image: 0.05 },
    });
    expect(report.cost.unconfirmed).toEqual([
      {
        stage: 'video',
        scene: 'ep01/s01',
        estimateUsd: 0.8,
        idempotencyKey: 'video#UNCONFIRMED',
        since: '2026-12-01T00:05:00.000Z',
      },
    ]);
  });

  it('marks an episode that failed QA as FAILED with the failed checks as its reason, undelivered, and the production FAILED', () => {
    // Prepare
    const checks: QaCheck[] = [
      { name: 'black-frames', passed: true, severity: 'hard', detail: 'none longer than 0.5 s' },
      {
        name: 'loudness',
        passed: false,
        severity: 'hard',
        detail: 'integrated loudness -21 LUFS is outside -14 ± 1 LU',
      },
    ];
    const summary: EpisodeSummary = {
      episodeId: 'ep01',
      durationSeconds: 4,
      sceneIds: ['s01'],
      inputsHash: 'h',
      audio: {
        loudness: { integratedLufs: -21, truePeakDbtp: -9, loudnessRangeLu: 2, normalization: 'none' },
        music: { provider: 'offline', model: 'procedural-bed-v1', moods: ['unstated'] },
      },
      qa: { passed: false, checks },
    };
    const scenes = [
      { productionId: 'report-series', episodeId: 'ep01', sceneId: 's01', status: 'COMPLETE', attempts: 1 },
    ] as never;

    // Act
    const failed = buildProductionReport({
      manifest,
      meta: {} as ProductionMeta,
      scenes,
      costs: [],
      episodes: new Map([['ep01', summary]]),
    });
    const delivered = buildProductionReport({
      manifest,
      meta: {} as ProductionMeta,
      scenes,
      costs: [],
      episodes: new Map([
        [
          'ep01',
          { ...summary, file: 'ep01.mp4', qa: { passed: true, checks: checks.map((c) => ({ ...c, passed: true })) } },
        ],
      ]),
    });

    // Assess
    expect(failed.status).toBe('FAILED');
    expect(failed.episodes[0]).toMatchObject({
      status: 'FAILED',
      file: null,
      reason: 'EpisodeQaFailed: loudness: integrated loudness -21 LUFS is outside -14 ± 1 LU',
    });
    expect(failed.qa.passed).toBe(false);
    expect(failed.qa.checks.map((c) => [c.episode, c.name, c.passed])).toEqual([
      ['ep01', 'black-frames', true],
      ['ep01', 'loudness', false],
    ]);
    expect(delivered.status).toBe('COMPLETE');
    expect(delivered.episodes[0]).toMatchObject({ status: 'DELIVERED', file: 'ep01.mp4' });
    expect(delivered.qa.passed).toBe(true);
  });

  it('lists the platform package of a delivered episode and of each delivered dub, by language', () => {
    // Prepare
    const audio = {
      loudness: { integratedLufs: -14, truePeakDbtp: -2, loudnessRangeLu: 3, normalization: 'linear' as const },
      music: { provider: 'offline', model: 'procedural-bed-v1', moods: ['tender'] },
    };
    const master: EpisodeSummary = {
      episodeId: 'ep01',
      file: 'ep01.mp4',
      durationSeconds: 4,
      sceneIds: ['s01'],
      inputsHash: 'h',
      cover: 'ep01.cover.jpg',
      platform: 'ep01.platform.json',
      audio,
      qa: { passed: true, checks: [] },
    };
    const thai: DubSummary = {
      language: 'th-TH',
      file: 'ep01.th-TH.mp4',
      durationSeconds: 4,
      masterDurationSeconds: 4,
      inputsHash: 'd',
      translation: { provider: 'offline', model: 'phrasebook-v1', standIn: true },
      fit: [],
      cover: 'ep01.th-TH.cover.jpg',
      platform: 'ep01.th-TH.platform.json',
      audio,
      qa: { passed: true, checks: [] },
      costUsd: 0,
    };

    // Act
    const report = buildProductionReport({
      manifest: { ...manifest, dubs: ['th-TH', 'ko-KR'] },
      meta: {} as ProductionMeta,
      scenes: [],
      costs: [],
      episodes: new Map([['ep01', master]]),
      dubs: new Map([['ep01', [thai]]]),
    });

    // Assess
    const [episode] = report.episodes;
    expect(episode?.platform).toBe('ep01.platform.json');
    expect(episode?.dubs?.map((dub) => [dub.language, dub.status, dub.platform])).toEqual([
      ['th-TH', 'DELIVERED', 'ep01.th-TH.platform.json'],
      ['ko-KR', 'NOT_DUBBED', undefined],
    ]);
  });

  it("carries a dub's translation repairs and its lip re-synced scenes into its entry, and none into a dub without", () => {
    // Prepare
    const audio = {
      loudness: { integratedLufs: -14, truePeakDbtp: -2, loudnessRangeLu: 3, normalization: 'linear' as const },
      music: { provider: 'offline', model: 'procedural-bed-v1', moods: ['tender'] },
    };
    const master: EpisodeSummary = {
      episodeId: 'ep01',
      file: 'ep01.mp4',
      durationSeconds: 4,
      sceneIds: ['s01'],
      inputsHash: 'h',
      audio,
      qa: { passed: true, checks: [] },
    };
    const dubbed = (language: string): DubSummary => ({
      language,
      file: `ep01.${language}.mp4`,
      durationSeconds: 4,
      masterDurationSeconds: 4,
      inputsHash: language,
      translation: { provider: 'openai-compatible', model: 'deepseek-chat', standIn: false },
      fit: [],
      audio,
      qa: { passed: true, checks: [] },
      costUsd: 0,
    });
    const repairs = [
      { sceneId: 's01', line: 0, path: 'line', repaired: 'line: Too small', by: 'model' as const },
      {
        sceneId: 's01',
        line: 0,
        path: 'line',
        repaired: 'quotation marks "" around it left out',
        by: 'pipeline' as const,
      },
      { of: 'title' as const, path: 'line', repaired: 'whitespace and line breaks', by: 'pipeline' as const },
    ];
    const lipSync = { provider: 'offline', model: 'painted-mouths-v1', scenes: ['s01'] };

    // Act
    const report = buildProductionReport({
      manifest: { ...manifest, dubs: ['th-TH', 'ko-KR'] },
      meta: {} as ProductionMeta,
      scenes: [],
      costs: [],
      episodes: new Map([['ep01', master]]),
      dubs: new Map([['ep01', [{ ...dubbed('th-TH'), repairs, lipSync }, dubbed('ko-KR')]]]),
    });

    // Assess
    const [thai, korean] = report.episodes[0]?.dubs ?? [];
    expect(thai).toMatchObject({ language: 'th-TH', repairs, lipSync });
    expect(korean?.language).toBe('ko-KR');
    expect(korean).not.toHaveProperty('repairs');
    expect(korean).not.toHaveProperty('lipSync');
  });

  it('marks a scene whose every keyframe attempt fell short, with the threshold and the best score, and counts it', () => {
    // Prepare: two scenes of one episode; s01 passed on its second attempt, s02 kept its best of three under 0.58
    const twoScenes = parseDevelopedManifest(
      JSON.stringify({
        ...manifest,
        episodes: [
          {
            id: 'ep01',
            title: 'One',
            scenes: ['s01', 's02'].map((id) => ({
              id,
              location: 'Harbour',
              characters: ['ana'],
              outline: 'Ana waits.',
            })),
          },
        ],
      }),
    );
    const attempt = (score: number) => ({ attempt: 1, seed: 1, scores: { ana: score }, accepted: score >= 0.58 });
    const scene = (sceneId: string, scores: number[]) => ({
      productionId: 'report-series',
      episodeId: 'ep01',
      sceneId,
      status: 'COMPLETE',
      attempts: scores.length,
      keyframeAttempts: scores.map(attempt),
      consistency: { ana: Math.max(...scores) },
      consistencyThreshold: 0.58,
    });
    const scenes = [scene('s01', [0.5, 0.7]), scene('s02', [0.4, 0.571, 0.55])] as never;

    // Act
    const report = buildProductionReport({
      manifest: twoScenes,
      meta: {} as ProductionMeta,
      scenes,
      costs: [],
      episodes: new Map(),
    });

    // Assess
    const [passed, short] = report.episodes[0]!.scenes;
    expect(passed!.consistency).toEqual({ passed: true, threshold: 0.58, best: 0.7, scores: { ana: 0.7 } });
    expect(short!.consistency).toEqual({ passed: false, threshold: 0.58, best: 0.571, scores: { ana: 0.571 } });
    expect(short!.status).toBe('COMPLETE');
    expect(report.consistency).toEqual({ passed: false, scenesBelowThreshold: 1, scenes: ['ep01/s02'] });
  });

  it("lists what was mended in a judge's verdicts under the scene's consistency, by attempt and character", () => {
    // Prepare
    const judged = {
      path: 'score',
      repaired: 'Invalid input: expected number, received string',
      by: 'model' as const,
      characterId: 'ana',
    };
    const scenes = [
      {
        productionId: 'report-series',
        episodeId: 'ep01',
        sceneId: 's01',
        status: 'COMPLETE',
        attempts: 2,
        keyframeAttempts: [
          { attempt: 1, seed: 1, scores: { ana: 0.4 }, accepted: false },
          { attempt: 2, seed: 2, scores: { ana: 0.8 }, accepted: true, repairs: [judged] },
        ],
        consistency: { ana: 0.8 },
        consistencyThreshold: 0.7,
      },
    ] as never;

    // Act
    const report = buildProductionReport({
      manifest,
      meta: {} as ProductionMeta,
      scenes,
      costs: [],
      episodes: new Map(),
    });

    // Assess
    expect(report.episodes[0]!.scenes[0]!.consistency!.repairs).toEqual([{ attempt: 2, ...judged }]);
  });

  it("waits for a call still in flight, so the report's spend is the ledger's once it settles", async () => {
    // Prepare: a sibling call of the one that failed the production settles after two looks at the ledger
    const inFlight = row('RESERVED', 'reference-sheet', 0, 0.2);
    const ledger = [[inFlight], [inFlight], [{ ...inFlight, status: 'SETTLED' as const, usd: 0.0425 }]];
    let looks = 0;
    const pauses: number[] = [];

    // Act
    const costs = await costsOnceSettled(async () => ledger[Math.min(looks++, ledger.length - 1)]!, {
      pause: async (ms) => void pauses.push(ms),
    });
    const report = buildProductionReport({
      manifest,
      meta: {} as ProductionMeta,
      scenes: [],
      costs,
      episodes: new Map(),
    });

    // Assess
    expect(pauses).toHaveLength(2);
    expect(report.cost).toMatchObject({
      confirmedUsd: 0.0425,
      unconfirmedUsd: 0,
      totalUsd: 0.0425,
      byStage: { 'reference-sheet': 0.0425 },
    });
    expect(report.cost.settling).toBeUndefined();
  });

  it('lists a call that is still in flight when the wait runs out as settling, apart from the spend', async () => {
    // Prepare: a call that never settles while the report waits
    const inFlight = row('RESERVED', 'keyframe', 0, 0.2);
    let looks = 0;

    // Act
    const costs = await costsOnceSettled(
      async () => {
        looks++;
        return [inFlight];
      },
      { polls: 3, pause: async () => undefined },
    );
    const report = buildProductionReport({
      manifest,
      meta: {} as ProductionMeta,
      scenes: [],
      costs,
      episodes: new Map(),
    });

    // Assess
    expect(looks).toBe(4);
    expect(report.cost).toMatchObject({ confirmedUsd: 0, unconfirmedUsd: 0, totalUsd: 0 });
    expect(report.cost.settling).toEqual([
      {
        stage: 'keyframe',
        scene: 'ep01/s01',
        estimateUsd: 0.2,
        idempotencyKey: 'keyframe#RESERVED',
        since: '2026-12-01T00:00:00.000Z',
      },
    ]);
  });
});
