import { describe, expect, it } from 'vitest';
import { endOfLifeProblems, legacyWarnings } from '../../../../../lambdas/composition/model-lifecycle-check.js';
import { estimateProduction, formatEstimate } from '../../../../../lambdas/composition/production-estimate.js';
import { stageDepsFromEnv } from '../../../../../lambdas/composition/stage-deps-from-env.js';
import { STAGE_VARIABLES } from '../../../../../lambdas/core/contracts/environment.js';
import { validateManifest } from '../../../../../lambdas/core/manifest/validate.js';
import { lifecycleOf, lifecycleStateOn, lifecycleTable } from '../../../../../lambdas/core/pricing/model-lifecycle.js';
import { pricedModels } from '../../../../../lambdas/core/pricing/pricing.js';

/** The injected clock: each test says which day it is. */
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
const REEL = { DRAMAFORGE_BEDROCK_VIDEO_MODELS: 'amazon.nova-reel-v1:1' };

const manifest = validateManifest({
  version: 1,
  production: 'lifecycle-series',
  title: 'Lifecycle',
  language: 'en-US',
  budgetUsd: 10,
  // Only video goes to Bedrock, so the lines below are about that one route whatever the profile's defaults are.
  providers: { profile: 'offline', overrides: { video: 'bedrock' } },
  characters: [{ id: 'ana', name: 'Ana', description: 'red hair' }],
  episodes: [
    {
      id: 'ep01',
      title: 'One',
      scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'She waits.' }],
    },
  ],
});

describe('the model lifecycle table', () => {
  it('gives every model in the price table a lifecycle with its source and the day it was read', () => {
    // Act
    const missing = pricedModels().filter((key) => !lifecycleTable()[key]);
    const unsourced = Object.entries(lifecycleTable()).filter(
      ([, entry]) => !entry.source || !/^\d{4}-\d{2}-\d{2}$/.test(entry.readOn),
    );

    // Assess
    expect(missing).toEqual([]);
    expect(unsourced).toEqual([]);
  });

  it('reads an inference profile id as the model it routes to', () => {
    expect(lifecycleOf('bedrock', 'us.amazon.nova-2-lite-v1:0')).toBe(
      lifecycleOf('bedrock', 'amazon.nova-2-lite-v1:0'),
    );
    expect(lifecycleOf('bedrock', 'global.amazon.nova-2-lite-v1:0')?.state).toBe('Active');
  });

  it('turns a Legacy model into EOL on its end-of-life date, not the day before', () => {
    const reel = lifecycleOf('bedrock', 'amazon.nova-reel-v1:1')!;
    expect(lifecycleStateOn(reel, day('2026-09-29'))).toBe('Legacy');
    expect(lifecycleStateOn(reel, day('2026-09-30'))).toBe('EOL');
  });
});

describe('routes to models past their end of life', () => {
  it('refuses a video route to Nova Reel after 2026-09-30 in one line naming the role, the model, the date and a successor', () => {
    // Act
    const problems = endOfLifeProblems(manifest.providers, REEL, day('2026-12-06'));

    // Assess
    expect(problems.map((p) => `${p.path}: ${p.reason}`)).toEqual([
      'video: amazon.nova-reel-v1:1 reached end of life on 2026-09-30 (use luma.ray-v2:0)',
    ]);
  });

  it('refuses a model that is a rung of a ladder or a failover, not only the first one', () => {
    // Act
    const problems = endOfLifeProblems(
      { profile: 'offline', overrides: { image: 'bedrock' } },
      { DRAMAFORGE_BEDROCK_IMAGE_MODELS: 'stability.stable-image-core-v1:1,amazon.nova-canvas-v1:0' },
      day('2026-10-01'),
    );

    // Assess
    expect(problems.map((p) => p.path)).toEqual(['image']);
    expect(problems[0]!.reason).toContain('amazon.nova-canvas-v1:0 reached end of life on 2026-09-30');
  });

  it('does not refuse before the end of life, and warns that the model is Legacy with its date', () => {
    // Act
    const problems = endOfLifeProblems(manifest.providers, REEL, day('2026-09-20'));
    const warnings = legacyWarnings(manifest.providers, REEL, day('2026-09-20'));

    // Assess
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      'warning: video: amazon.nova-reel-v1:1 is Legacy and reaches end of life on 2026-09-30 (10 days) (use luma.ray-v2:0)',
    ]);
  });

  it('lets estimate carry the refusal and print the Legacy warning', () => {
    // Act
    const late = estimateProduction(manifest, REEL, 3, day('2026-12-06'));
    const early = estimateProduction(manifest, REEL, 3, day('2026-09-20'));

    // Assess
    expect(late.endOfLife).toHaveLength(1);
    expect(early.endOfLife).toEqual([]);
    expect(formatEstimate(early)).toContain('warning: video: amazon.nova-reel-v1:1 is Legacy');
  });
});

describe('the Validate manifest stage', () => {
  it('refuses a route to a model past its end of life through its profile check, on the day its clock gives', () => {
    // Prepare: a function's environment, with the video ladder set to Nova Reel
    const env = {
      [STAGE_VARIABLES.tableName]: 'productions',
      [STAGE_VARIABLES.bucketName]: 'assets',
      AWS_REGION: 'us-west-2',
      ...REEL,
    };
    const after = stageDepsFromEnv(env, { clock: () => day('2026-10-01') });
    const before = stageDepsFromEnv(env, { clock: () => day('2026-09-29') });

    // Act
    const refused = after.profileProblems(manifest.providers);
    const accepted = before.profileProblems(manifest.providers);

    // Assess
    expect(refused).toEqual([
      { path: 'video', reason: 'amazon.nova-reel-v1:1 reached end of life on 2026-09-30 (use luma.ray-v2:0)' },
    ]);
    expect(accepted).toEqual([]);
  });

  it("accepts the bedrock profile's defaults today", () => {
    // Prepare
    const deps = stageDepsFromEnv(
      { [STAGE_VARIABLES.tableName]: 'productions', [STAGE_VARIABLES.bucketName]: 'assets', AWS_REGION: 'us-west-2' },
      { clock: () => day('2026-12-06') },
    );

    // Act
    const problems = deps.profileProblems({ profile: 'bedrock' });

    // Assess
    expect(problems).toEqual([]);
  });
});
