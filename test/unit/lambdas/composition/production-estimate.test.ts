import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ALL_STAGES } from '../../../../lambdas/catalog.js';
import {
  ASSUMED_VIDEO_JOB_SECONDS,
  estimateProduction,
  formatEstimate,
} from '../../../../lambdas/composition/production-estimate.js';
import { roleRoute } from '../../../../lambdas/composition/provider-config.js';
import { parseManifest } from '../../../../lambdas/core/manifest/parse.js';
import { validateManifest } from '../../../../lambdas/core/manifest/validate.js';
import { costUsd } from '../../../../lambdas/core/pricing/pricing.js';
import { type ProfileOverride, withProfile } from '../../../../local/commands/profile-override.js';

const manifestFor = (profile: 'openai-compatible' | 'bedrock') =>
  validateManifest({
    version: 1,
    production: 'estimate-series',
    title: 'Estimate',
    language: 'en-US',
    budgetUsd: 10,
    providers: { profile },
    characters: [{ id: 'ana', name: 'Ana', description: 'red hair' }],
    episodes: [
      {
        id: 'ep01',
        title: 'One',
        scenes: [
          {
            id: 's01',
            location: 'Harbour',
            characters: ['ana'],
            outline: 'She waits.',
            dialogue: [{ character: 'ana', line: 'x'.repeat(70) }],
          },
        ],
      },
    ],
  });

describe('estimateProduction and subtitle timing', () => {
  it('adds a transcription per line, by the audio minute, when openai-compatible subtitles are timed by transcription', () => {
    // Prepare
    const manifest = manifestFor('openai-compatible');

    // Act
    const estimate = estimateProduction(manifest, { DRAMAFORGE_SUBTITLE_TIMING: 'transcription' });

    // Assess
    const timing = estimate.lines.find((line) => line.stage === 'subtitle-timing');
    // 70 characters at 14 a second: five seconds of audio.
    expect(timing).toMatchObject({ provider: 'openai-compatible', model: 'whisper-1', calls: 1 });
    expect(timing!.expectedUsd).toBeCloseTo((5 / 60) * 0.006, 12);
  });

  it('adds no transcription when subtitle timing is not set', () => {
    // Prepare
    const manifest = manifestFor('openai-compatible');

    // Act
    const estimate = estimateProduction(manifest, {});

    // Assess
    expect(estimate.lines.map((line) => line.stage)).not.toContain('subtitle-timing');
  });

  it('refuses a subtitle timing it does not know', () => {
    // Prepare
    const manifest = manifestFor('openai-compatible');

    // Act
    const estimate = () => estimateProduction(manifest, { DRAMAFORGE_SUBTITLE_TIMING: 'whisper' });

    // Assess
    expect(estimate).toThrow(/DRAMAFORGE_SUBTITLE_TIMING/);
  });

  it("counts Polly's speech marks request: each line bills its characters twice, and no transcription is added", () => {
    // Prepare
    const manifest = manifestFor('bedrock');

    // Act
    const estimate = estimateProduction(manifest, { DRAMAFORGE_SUBTITLE_TIMING: 'transcription' });

    // Assess
    const speech = estimate.lines.find((line) => line.stage === 'speech')!;
    expect(speech.expectedUsd).toBeCloseTo(costUsd('bedrock', 'polly-neural', { speechCharacters: 140 }), 12);
    expect(estimate.lines.map((line) => line.stage)).not.toContain('subtitle-timing');
  });
});

describe('formatEstimate', () => {
  it('prints what the production already spent, confirmed and unconfirmed apart, and what is left of the budget', () => {
    // Prepare
    const estimate = estimateProduction(manifestFor('openai-compatible'), {});

    // Act
    const printed = formatEstimate(estimate, { spentUsd: 1.25, unconfirmedUsd: 0.8, reservedUsd: 0 });

    // Assess
    expect(printed).toContain('spent so far: $1.2500 confirmed, $0.8000 unconfirmed');
    expect(printed).toContain('$7.9500 of the budget left');
    expect(formatEstimate(estimate)).not.toContain('spent so far');
  });

  it('every example the README and docs run carries a budget its estimate fits, at the profile they run it with', async () => {
    // Prepare: each mention of an example in a command, with the --profile the command gives it (else the manifest's own)
    const root = new URL('../../../../', import.meta.url);
    const documents = [
      'README.md',
      ...(await readdir(new URL('docs/', root))).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`),
    ];
    const runs = new Set<string>();
    for (const document of documents) {
      for (const [, example, profile = ''] of (await readFile(new URL(document, root), 'utf8')).matchAll(
        /(examples\/[\w-]+\.yaml)(?:[^`\n|]*?--profile ([\w-]+))?/g,
      )) {
        runs.add(`${example} ${profile}`.trim());
      }
    }

    // Act
    const estimates = await Promise.all(
      [...runs].map(async (run) => {
        const [example, profile] = run.split(' ') as [string, ProfileOverride | undefined];
        const bytes = await readFile(new URL(example, root));
        const manifest = parseManifest(profile ? withProfile(bytes, profile) : bytes);
        return { run, ...estimateProduction(manifest, {}) };
      }),
    );

    // Assess
    expect(estimates.map((estimate) => estimate.run)).toContain('examples/tet-homecoming.yaml openai-compatible');
    for (const estimate of estimates)
      expect(estimate.expectedUsd, estimate.run).toBeLessThanOrEqual(estimate.budgetUsd);
  });
});

describe('estimateProduction and dubs', () => {
  it('prices each dub on lines of its own, its translations and its voices, and adds nothing visual', () => {
    // Prepare
    const master = validateManifest({
      ...(manifestFor('openai-compatible') as object),
      providers: { profile: 'offline' },
    });
    const dubbed = validateManifest({ ...master, dubs: ['th', 'ko-KR'] });

    // Act
    const [without, withDubs] = [estimateProduction(master, {}), estimateProduction(dubbed, {})];

    // Assess
    const added = withDubs.lines.slice(without.lines.length);
    expect(withDubs.lines.slice(0, without.lines.length)).toEqual(without.lines);
    // One line and the episode's title translated, the episode's listing translated, one line voiced, for each dub.
    expect(added.map((line) => [line.stage, line.provider, line.model, line.calls])).toEqual([
      ['th-TH translation', 'offline', 'phrasebook-v1', 2],
      ['th-TH listing', 'offline', 'phrasebook-v1', 1],
      ['th-TH speech', 'offline', 'espeak-ng', 1],
      ['ko-KR translation', 'offline', 'phrasebook-v1', 2],
      ['ko-KR listing', 'offline', 'phrasebook-v1', 1],
      ['ko-KR speech', 'offline', 'espeak-ng', 1],
    ]);
  });

  it.each(['openai-compatible', 'bedrock'] as const)(
    "prices a dub's translations on the %s profile as calls of the script stage's model",
    (profile) => {
      // Prepare
      const dubbed = validateManifest({ ...manifestFor(profile), dubs: ['ko-KR'] });
      const [script] = roleRoute(dubbed.providers, 'script', {})[0]!;

      // Act
      const { lines } = estimateProduction(dubbed, {});

      // Assess
      const translation = lines.find((line) => line.stage === 'ko-KR translation');
      expect(translation, 'the ko-KR translation line').toMatchObject({
        provider: script!.provider,
        model: script!.model,
        calls: 2,
      });
      expect(translation!.expectedUsd, 'a translation priced at the script model').toBeGreaterThan(0);
    },
  );
});

describe('estimateProduction and lip re-sync in dubs', () => {
  it("prices each dub's lip-sync of the master's lip-synced scenes on a line of its own, by the seconds of the scenes", () => {
    // Prepare
    const master = validateManifest({ ...manifestFor('openai-compatible'), lipSync: { mode: 'fast' } });
    const dubbed = validateManifest({ ...master, dubs: ['th-TH', 'ko-KR'] });
    const unsynced = validateManifest({ ...manifestFor('openai-compatible'), dubs: ['th-TH'] });

    // Act
    const [lines, withoutLipSync] = [estimateProduction(dubbed, {}).lines, estimateProduction(unsynced, {}).lines];

    // Assess: one scene with a line, synced by the profile's lip-sync model
    const resyncs = lines.filter((line) => line.stage.endsWith(' lip-sync'));
    expect(resyncs.map((line) => [line.stage, line.provider, line.model, line.calls])).toEqual([
      ['th-TH lip-sync', 'openai-compatible', 'lipsync-2', 1],
      ['ko-KR lip-sync', 'openai-compatible', 'lipsync-2', 1],
    ]);
    const [thai] = resyncs;
    const perSecond = costUsd('openai-compatible', 'lipsync-2', { lipSyncSeconds: 1 });
    expect(thai!.expectedUsd / perSecond).toBeGreaterThanOrEqual(2);
    expect(thai!.worstCaseUsd - thai!.expectedUsd, 'the held second at worst').toBeCloseTo(perSecond, 6);
    expect(withoutLipSync.filter((line) => line.stage.endsWith('lip-sync'))).toEqual([]);
  });
});

describe('estimateProduction and video candidates', () => {
  const videoLines = (estimate: ReturnType<typeof estimateProduction>) =>
    estimate.lines.filter((line) => line.stage === 'video' || line.stage === 'clip-consistency');

  it('buys and scores every candidate: three candidates cost three clips, each scored on three frames per character', () => {
    // Prepare
    const single = manifestFor('openai-compatible');
    const three = { ...single, video: { candidates: 3 } };

    // Act
    const one = estimateProduction(single, {});
    const many = estimateProduction(three, {});

    // Assess
    const [oneClip] = videoLines(one);
    expect(videoLines(one).map((line) => line.stage)).toEqual(['video']);
    expect(videoLines(many)).toEqual([
      expect.objectContaining({ stage: 'video', calls: 3 }),
      expect.objectContaining({ stage: 'clip-consistency', model: 'gpt-4.1-mini', calls: 9 }),
    ]);
    expect(videoLines(many)[0]!.expectedUsd).toBeCloseTo(3 * oneClip!.expectedUsd, 12);
    expect(videoLines(many)[0]!.worstCaseUsd).toBeCloseTo(3 * oneClip!.worstCaseUsd, 12);
  });

  it("takes a scene's own candidates over the manifest's", () => {
    // Prepare
    const manifest = manifestFor('openai-compatible');
    const scene = { ...manifest.episodes[0]!.scenes![0]!, video: { candidates: 2 } };
    const perScene = {
      ...manifest,
      video: { candidates: 4 },
      episodes: [{ ...manifest.episodes[0]!, scenes: [scene] }],
    };

    // Act
    const estimate = estimateProduction(perScene, {});

    // Assess
    expect(videoLines(estimate).map((line) => [line.stage, line.calls])).toEqual([
      ['video', 2],
      ['clip-consistency', 6],
    ]);
  });
});

describe('estimateProduction and platform packages', () => {
  it("prices one listing an episode on the script stage's route", () => {
    // Prepare
    const manifest = manifestFor('openai-compatible');
    const script = roleRoute(manifest.providers, 'script', {})[0]![0]!;

    // Act
    const listing = estimateProduction(manifest, {}).lines.find((line) => line.stage === 'listing');

    // Assess
    expect(listing).toMatchObject({
      provider: script.provider,
      model: script.model,
      calls: manifest.episodes.length,
    });
    expect(listing?.expectedUsd).toBeGreaterThan(0);
    expect(listing?.worstCaseUsd).toBeGreaterThan(listing?.expectedUsd ?? 0);
  });
});

describe("estimateProduction and AWS's own bill", () => {
  const awsSection = (printed: string) => {
    const lines = printed.split('\n');
    const start = lines.findIndex((line) => line.startsWith('AWS itself'));
    const total = lines.findIndex((line) => line.startsWith('AWS total'));
    return { rows: lines.slice(start + 1, total), total: lines[total]! };
  };
  const dollars = (line: string) => Number(/\$\s*([\d.]+)\s*$/.exec(line)?.[1] ?? Number.NaN);

  it("prints an AWS section whose total is the sum of its lines, beside the providers' lines", () => {
    // Prepare
    const manifest = manifestFor('bedrock');

    // Act
    const estimate = estimateProduction(manifest, {}, 3, new Date('2026-12-06'), ALL_STAGES);
    const { rows, total } = awsSection(formatEstimate(estimate));

    // Assess
    expect(rows.map((row) => row.split(/\s{2,}/)[0])).toEqual([
      'Step Functions',
      'Lambda',
      'Lambda',
      'S3',
      'S3',
      'S3',
      'DynamoDB',
      'DynamoDB',
      'SQS',
      'CloudWatch Logs',
    ]);
    const summed = rows.reduce((sum, row) => sum + dollars(row), 0);
    expect(Number(/AWS total \$([\d.]+)/.exec(total)?.[1])).toBeCloseTo(summed, 3);
    expect(estimate.aws!.totalUsd).toBeCloseTo(
      estimate.aws!.lines.reduce((sum, line) => sum + line.usd, 0),
      12,
    );
    expect(total).toContain(
      `with the providers' expected cost $${(estimate.expectedUsd + estimate.aws!.totalUsd).toFixed(4)}`,
    );
  });

  it("polls a real profile's video jobs, each poll a queue message more, and not the offline profile's", () => {
    // Prepare
    const offline = validateManifest({ ...manifestFor('bedrock'), providers: { profile: 'offline' } });
    const sqs = (estimate: ReturnType<typeof estimateProduction>) =>
      estimate.aws!.lines.find((line) => line.service === 'SQS')!.quantity;

    // Act
    const estimate = (manifest: typeof offline) =>
      estimateProduction(manifest, { DRAMAFORGE_VIDEO_POLL_SECONDS: '30' }, 3, new Date('2026-12-06'), ALL_STAGES);
    const [real, local] = [estimate(manifestFor('bedrock')), estimate(offline)];

    // Assess: one scene; a message sent, received and deleted, and again for each of the job's polls at 30 s
    expect(sqs(local)).toBe(3);
    expect(sqs(real)).toBe(3 * (1 + Math.ceil(ASSUMED_VIDEO_JOB_SECONDS / 30)));
  });

  it('prints no AWS section without the functions to size it', () => {
    // Act
    const printed = formatEstimate(estimateProduction(manifestFor('bedrock'), {}));

    // Assess
    expect(printed).not.toContain('AWS itself');
  });
});
