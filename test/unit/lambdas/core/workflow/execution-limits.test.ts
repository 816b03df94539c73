import { describe, expect, it } from 'vitest';
import { MANIFEST_LIMITS, MAX_DUBS } from '../../../../../lambdas/core/manifest/limits.js';
import {
  executionLimitProblems,
  HISTORY_HEADROOM,
  HISTORY_MODEL,
  largestEpisodeHeld,
  STEP_FUNCTIONS_QUOTAS,
  workflowShapeOf,
  worstCaseEpisodeEvents,
  worstCaseProductionEvents,
} from '../../../../../lambdas/core/workflow/execution-limits.js';
import { episodeExecutionName } from '../../../../../lambdas/core/workflow/execution-name.js';
import {
  EPISODE_WORKFLOW_SHAPE,
  PRODUCTION_WORKFLOW_SHAPE,
} from '../../../../../lambdas/core/workflow/workflow-shapes.js';
import { stage as planProduction } from '../../../../../lambdas/stages/plan-production/stage.js';
import { stage as renderKeyframes } from '../../../../../lambdas/stages/render-keyframes/stage.js';
import { episodeWorkflow } from '../../../../../statemachines/episode-workflow-source.js';
import type { Definition, StateDefinition } from '../../../../../statemachines/production-definition.js';
import { productionWorkflow } from '../../../../../statemachines/production-workflow-source.js';
import { task } from '../../../../../statemachines/stage-task.js';
import {
  OWN_WORK_RETRY,
  PRODUCTION_STEP_CATCH,
  PROVIDER_CALL_RETRY,
  SCENE_IDS,
  SCENE_STAGE_CATCH,
} from '../../../../../statemachines/workflow-policies.js';

/** The largest manifest the schema accepts: ids of 63 characters everywhere. */
const id = (prefix: string, index: number) => `${prefix}${index}`.padEnd(63, 'x');
const largestManifest = {
  characters: Array.from({ length: MANIFEST_LIMITS.characters }, (_, index) => ({ id: id('c', index) })),
  episodes: Array.from({ length: MANIFEST_LIMITS.episodes }, (_, index) => ({
    id: id('e', index),
    scenes: Array.from({ length: MANIFEST_LIMITS.scenesPerEpisode }, (_, scene) => ({ id: id('s', scene) })),
  })),
};

/** The episode machine with a state added by `add`, reduced as `npm run asl` reduces it. */
function episodeShapeWith(add: (definition: Definition) => void) {
  const definition = structuredClone(episodeWorkflow) as Definition;
  add(definition);
  return workflowShapeOf(definition as Definition & { StartAt: string });
}
const sceneStatesOf = (definition: Definition) =>
  (definition.States['Produce scenes']!.ItemProcessor as Definition).States;
const lambdaTaskEvents = (retries: number) =>
  HISTORY_MODEL.lambdaTask.events + HISTORY_MODEL.lambdaTask.perRetry * retries;
const retriesOf = (policy: { MaxAttempts: number }[]) => policy.reduce((sum, retrier) => sum + retrier.MaxAttempts, 0);

describe('the history model', () => {
  it('is walked from the generated machines: the checked-in shapes are those of the workflow sources', () => {
    // Act
    const shapes = { production: workflowShapeOf(productionWorkflow), episode: workflowShapeOf(episodeWorkflow) };

    // Assess
    expect(PRODUCTION_WORKFLOW_SHAPE).toEqual(shapes.production);
    expect(EPISODE_WORKFLOW_SHAPE).toEqual(shapes.episode);
  });

  it("moves each scene's worst case by a Task added to the scenes' Map, at its stage's retry policy", () => {
    // Prepare: a paid Task between Encode scene and Mark scene complete
    const shape = episodeShapeWith((definition) => {
      const scene = sceneStatesOf(definition);
      scene['Grade colour'] = task(renderKeyframes, {
        Parameters: SCENE_IDS,
        ResultPath: null,
        Catch: SCENE_STAGE_CATCH,
        Next: 'Mark scene complete',
      });
      scene['Encode scene']!.Next = 'Grade colour';
    });
    const scenes = MANIFEST_LIMITS.scenesPerEpisode;

    // Act
    const moved = worstCaseEpisodeEvents(scenes, false, 0, shape) - worstCaseEpisodeEvents(scenes);

    // Assess
    expect(moved).toBe(scenes * lambdaTaskEvents(retriesOf(PROVIDER_CALL_RETRY)));
  });

  it("moves the production's worst case by a step added before Finalize production", () => {
    // Prepare: an own-work Task between the last episodes' Map and Finalize production
    const definition = structuredClone(productionWorkflow) as Definition & { StartAt: string };
    expect(definition.States).not.toHaveProperty('Step added by the test');
    definition.States['Step added by the test'] = task(planProduction, {
      ResultPath: null,
      Catch: PRODUCTION_STEP_CATCH,
      Next: 'Finalize production',
    });
    definition.States['Produce final episodes']!.Next = 'Step added by the test';

    // Act
    const moved = worstCaseProductionEvents(100, 50, workflowShapeOf(definition)) - worstCaseProductionEvents(100, 50);

    // Assess
    expect(moved).toBe(lambdaTaskEvents(retriesOf(OWN_WORK_RETRY)));
  });

  it('follows the Choice the manifest decides: Sync lips counts only where the manifest syncs lips', () => {
    // Act
    const lipSyncEvents = worstCaseEpisodeEvents(10, true) - worstCaseEpisodeEvents(10, false);

    // Assess
    expect(lipSyncEvents).toBe(10 * lambdaTaskEvents(retriesOf(PROVIDER_CALL_RETRY)));
  });

  it('refuses a Map whose items it does not count, naming it', () => {
    // Prepare
    const shape = episodeShapeWith((definition) => {
      definition.States['Plan scenes']!.Next = 'Review scenes';
      definition.States['Review scenes'] = {
        ...(definition.States['Produce scenes'] as StateDefinition),
        ItemsPath: '$.plan.reviews',
        Next: 'Produce scenes',
      };
    });

    // Act
    const walk = () => worstCaseEpisodeEvents(1, false, 0, shape);

    // Assess
    expect(walk).toThrow(/the Map "Review scenes" iterates over \$\.plan\.reviews/);
  });

  it('refuses a state type whose events it does not know, naming the state', () => {
    // Prepare
    const shape = episodeShapeWith((definition) => {
      definition.States['Plan scenes']!.Next = 'Check both ways';
      definition.States['Check both ways'] = { Type: 'Parallel', Branches: [], Next: 'Produce scenes' };
    });

    // Act
    const walk = () => worstCaseEpisodeEvents(1, false, 0, shape);

    // Assess
    expect(walk).toThrow(/"Check both ways" is a Parallel state/);
  });

  it('refuses a workflow that loops, for its history has no worst case', () => {
    // Prepare
    const shape = episodeShapeWith((definition) => {
      definition.States['Plan scenes']!.Next = 'Plan episode';
    });

    // Act
    const walk = () => worstCaseEpisodeEvents(1, false, 0, shape);

    // Assess
    expect(walk).toThrow(/loops through "Plan episode"/);
  });
});

describe('the largest manifest the schema accepts', () => {
  it('fits every execution in half the history quota, retries included', () => {
    // Act
    const episode = worstCaseEpisodeEvents(MANIFEST_LIMITS.scenesPerEpisode);
    const production = worstCaseProductionEvents(MANIFEST_LIMITS.episodes, MANIFEST_LIMITS.characters);

    // Assess
    expect(episode * HISTORY_HEADROOM).toBeLessThanOrEqual(STEP_FUNCTIONS_QUOTAS.historyEvents);
    expect(production * HISTORY_HEADROOM).toBeLessThanOrEqual(STEP_FUNCTIONS_QUOTAS.historyEvents);
    expect(largestEpisodeHeld()).toBeGreaterThanOrEqual(MANIFEST_LIMITS.scenesPerEpisode);
    expect(executionLimitProblems(largestManifest)).toEqual([]);
  });

  it('still fits with lip-sync and every dub a manifest may list', () => {
    // Act
    const episode = worstCaseEpisodeEvents(MANIFEST_LIMITS.scenesPerEpisode, true, MAX_DUBS);

    // Assess
    expect(episode).toBeGreaterThan(worstCaseEpisodeEvents(MANIFEST_LIMITS.scenesPerEpisode, true));
    expect(episode * HISTORY_HEADROOM).toBeLessThanOrEqual(STEP_FUNCTIONS_QUOTAS.historyEvents);
    expect(
      executionLimitProblems({
        ...largestManifest,
        lipSync: {},
        dubs: Array.from({ length: MAX_DUBS }, () => 'th-TH'),
      }),
    ).toEqual([]);
  });

  it('names the dubs when they are what no longer fits', () => {
    // Prepare: quotas the largest episode with lip-sync just fits without dubs
    const quotas = { historyEvents: HISTORY_HEADROOM * worstCaseEpisodeEvents(MANIFEST_LIMITS.scenesPerEpisode, true) };

    // Act
    const problems = executionLimitProblems(
      { ...largestManifest, lipSync: {}, dubs: ['th-TH', 'ko-KR'] },
      quotas,
    ).filter((problem) => problem.path !== 'episodes');

    // Assess
    expect(problems[0]?.reason).toContain(
      `(at most ${largestEpisodeHeld(quotas, true, 2)} scenes an episode with lip-sync and 2 dubs)`,
    );
  });

  it('passes states far inside 256 KiB: the production plan carries episode ids and names, an episode plan its scene ids', () => {
    // Prepare
    const executionName = 'x'.repeat(STEP_FUNCTIONS_QUOTAS.executionNameLength);
    const productionState = {
      bucket: 'b'.repeat(63),
      key: `manifests/${'k'.repeat(1000)}`,
      production: { productionId: id('p', 0) },
      plan: {
        productionId: id('p', 0),
        sceneMaxConcurrency: 40,
        episodeMaxConcurrency: 40,
        characterIds: largestManifest.characters.map((character) => character.id),
        episodes: largestManifest.episodes.map((episode) => ({
          episodeId: episode.id,
          executionName: episodeExecutionName(executionName, episode.id),
        })),
      },
    };
    const episodeState = {
      productionId: id('p', 0),
      episodeId: id('e', 0),
      sceneMaxConcurrency: 40,
      AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: `arn:aws:states:us-east-1:000000000000:execution:dramaforge-production:${executionName}`,
      plan: { sceneIds: largestManifest.episodes[0]!.scenes.map((scene) => scene.id) },
    };

    // Act
    const bytes = [productionState, episodeState].map((state) => Buffer.byteLength(JSON.stringify(state)));

    // Assess
    for (const size of bytes) expect(size * HISTORY_HEADROOM).toBeLessThan(STEP_FUNCTIONS_QUOTAS.payloadBytes);
  });
});

describe('validation', () => {
  it('counts Sync lips only where the manifest syncs lips, and then names the smaller limit', () => {
    // Prepare
    const withLipSync = { ...largestManifest, lipSync: { mode: 'fast' } };
    // Quotas the largest episode just fits without lip-sync.
    const quotas = { historyEvents: HISTORY_HEADROOM * worstCaseEpisodeEvents(MANIFEST_LIMITS.scenesPerEpisode) };

    // Act: the episodes' problems (at these lowered quotas the production's own history may not fit either)
    const episodeProblems = (manifest: typeof largestManifest) =>
      executionLimitProblems(manifest, quotas).filter((problem) => problem.path !== 'episodes');
    const without = episodeProblems(largestManifest);
    const problems = episodeProblems(withLipSync);

    // Assess
    expect(without).toEqual([]);
    expect(largestEpisodeHeld(quotas, true)).toBeLessThan(MANIFEST_LIMITS.scenesPerEpisode);
    expect(problems[0]).toEqual({
      path: 'episodes[0].scenes',
      reason: expect.stringContaining(`(at most ${largestEpisodeHeld(quotas, true)} scenes an episode with lip-sync)`),
    });
  });

  it('rejects an episode that could outgrow its execution, naming the quota', () => {
    // Prepare
    const quotas = { historyEvents: 10_000 };

    // Act
    const problems = executionLimitProblems(largestManifest, quotas);

    // Assess
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toEqual({
      path: 'episodes[0].scenes',
      reason: expect.stringMatching(
        /^60 scenes could need \d+ history events in the episode's execution; Step Functions fails one at 10000, and dramaforge keeps 2x headroom \(at most \d+ scenes an episode\)$/,
      ),
    });
  });
});
