import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { awsCostModel, costModel, priceSourceOf, priceSources, SOURCE_SCENARIO } from '../../../bench/cost-model.js';
import { resultsMarkdown } from '../../../bench/results-markdown.js';
import { ALL_STAGES } from '../../../lambdas/catalog.js';
import { costUsd } from '../../../lambdas/core/pricing/pricing.js';

const SCENES = SOURCE_SCENARIO.dramas * SOURCE_SCENARIO.chaptersPerDrama * SOURCE_SCENARIO.scenesPerChapter;

describe('costModel', () => {
  it('prices 16,000 scenes of the source scenario per stage with each profile first rung', () => {
    // Act
    const model = costModel('bedrock');

    // Assess
    const byStage = Object.fromEntries(model.lines.map((line) => [line.stage, line]));
    expect(byStage.video!.model).toBe('luma.ray-v2:0');
    expect(byStage.video!.calls).toBe(SCENES);
    // Luma Ray 2 generates 5 or 9 seconds: a scene of the scenario's length bills the shortest that covers it.
    const billed = SOURCE_SCENARIO.videoSecondsPerScene <= 5 ? 5 : 9;
    expect(byStage.video!.usd).toBeCloseTo(SCENES * billed * 1.5, 6);
    expect(byStage.script!.model).toBe('us.amazon.nova-2-lite-v1:0');
    expect(byStage.script!.usage).toEqual({ inputTokens: 1_000, outputTokens: 2_000 });
    expect(byStage.speech!.usage).toEqual({ speechCharacters: 15 * 14 });
    // Each line priced again from its own usage through the price table, independently of how the model added it up.
    expect(model.totalUsd).toBeCloseTo(
      model.lines.reduce((sum, line) => sum + line.calls * costUsd(line.provider, line.model, line.usage), 0),
      6,
    );
  });

  it('rounds video up to the provider step: a 6 s scene bills 8 s on sora-2', () => {
    // Act
    const model = costModel('openai-compatible');

    // Assess
    const video = model.lines.find((line) => line.stage === 'video')!;
    expect(video.usage.videoSeconds).toBe(8);
    expect(video.usd).toBeCloseTo(SCENES * costUsd('openai-compatible', 'sora-2', { videoSeconds: 8 }), 6);
  });

  it('costs nothing offline', () => {
    // Act
    const model = costModel('offline');

    // Assess
    expect(model.totalUsd).toBe(0);
  });
});

describe('priceSources', () => {
  it('gives each entry the comment above it or above its group', () => {
    // Prepare
    const pricingSource = [
      "  'offline/a': {},",
      '  // https://example.com/pricing, list of 2025-01-02',
      '  // (second line of the note).',
      "  'p/one': { perImage: 1 },",
      "  'p/two': { perImage: 2 },",
      '',
      '  // https://other.example/prices, list of 2024-11',
      "  'q/three': {",
    ].join('\n');

    // Act
    const sources = priceSources(pricingSource);

    // Assess
    expect(sources).toEqual({
      'p/one': 'https://example.com/pricing, list of 2025-01-02 (second line of the note).',
      'p/two': 'https://example.com/pricing, list of 2025-01-02 (second line of the note).',
      'q/three': 'https://other.example/prices, list of 2024-11',
    });
  });

  it('finds a dated source for every priced model a profile routes to', () => {
    // Prepare
    const pricingSource = readFileSync(new URL('../../../lambdas/core/pricing/pricing.ts', import.meta.url), 'utf8');
    const routed = (['openai-compatible', 'bedrock'] as const).flatMap((profile) => costModel(profile).lines);

    // Act
    const sources = priceSources(pricingSource);

    // Assess
    for (const line of routed) {
      expect(priceSourceOf(sources, line.provider, line.model), `${line.provider}/${line.model}`).toMatch(
        /^https:\/\/\S+.*\b(19|20)\d\d-\d\d/,
      );
    }
  });
});

describe('awsCostModel', () => {
  it("bills the season as its dramas' productions, each of 20 episodes of 4 scenes", () => {
    // Act
    const model = awsCostModel('bedrock', ALL_STAGES);

    // Assess
    expect(model.dramas).toBe(SOURCE_SCENARIO.dramas);
    expect(model.perSeasonUsd).toBeCloseTo(SOURCE_SCENARIO.dramas * model.perProduction.totalUsd, 9);
    const keyframes = model.perProduction.functions.find((fn) => fn.name === 'render-keyframes')!;
    expect(keyframes.invocations).toBe(SOURCE_SCENARIO.chaptersPerDrama * SOURCE_SCENARIO.scenesPerChapter);
    const assemblies = model.perProduction.functions.find((fn) => fn.name === 'assemble-episode')!;
    expect(assemblies.invocations).toBe(SOURCE_SCENARIO.chaptersPerDrama);
  });

  it("polls a real profile's video jobs and not the offline profile's", () => {
    // Act
    const [offline, bedrock] = [awsCostModel('offline', ALL_STAGES), awsCostModel('bedrock', ALL_STAGES)];

    // Assess: each of its 80 clips polled 6 times more, a 120 s job at 20 s a poll
    const worker = (model: typeof offline) =>
      model.perProduction.functions.find((fn) => fn.name === 'video-worker')!.invocations;
    expect(worker(offline)).toBe(80);
    expect(worker(bedrock)).toBe(80 * (1 + 6));
  });

  it("is shown beside each profile's provider lines, per drama and for the season", () => {
    // Prepare
    const aws = awsCostModel('bedrock', ALL_STAGES);
    const results = {
      ranAt: '2026-12-06T00:00:00.000Z',
      machine: { node: 'v20', nproc: 2, cpuModel: 'x', memory: 'm', ffmpeg: 'f', platform: 'p' },
      figures: [],
      cost: [{ ...costModel('bedrock'), lines: [], aws }],
    };

    // Act
    const markdown = resultsMarkdown(results);

    // Assess
    expect(markdown).toContain(
      `**AWS itself, profile \`bedrock\`**: $${aws.perProduction.totalUsd.toFixed(4)} a drama`,
    );
    const stepFunctions = markdown
      .split('\n')
      .find((line) => line.startsWith('| Step Functions | state transitions |'));
    const transitions = aws.perProduction.lines[0]!.quantity;
    expect(stepFunctions).toContain(`| ${transitions} transitions |`);
    expect(stepFunctions).toContain(
      `| ${(SOURCE_SCENARIO.dramas * transitions).toLocaleString('en-US')} transitions |`,
    );
  });
});
