import { describe, expect, it } from 'vitest';
import {
  HISTORY_HEADROOM,
  HISTORY_MODEL,
  STEP_FUNCTIONS_QUOTAS,
  executionLimitProblems,
  largestEpisodeHeld,
  worstCaseEpisodeEvents,
  worstCaseProductionEvents,
} from '../../../lambdas/core/execution-limits.js';
import { episodeExecutionName } from '../../../lambdas/core/execution-name.js';
import { MANIFEST_LIMITS, MAX_DUBS } from '../../../lambdas/core/manifest/schema.js';
import { episodeWorkflow } from '../../../statemachines/episode-workflow-source.js';
import { START_CHILD_EXECUTION_SYNC, WAIT_FOR_TASK_TOKEN_SQS, taskStates, type Definition, type StateDefinition } from '../../../statemachines/production-definition.js';
import { productionWorkflow } from '../../../statemachines/production-workflow-source.js';
import { CHILD_EXECUTION_RETRY, OWN_WORK_RETRY, PROVIDER_CALL_RETRY } from '../../../statemachines/workflow-policies.js';

const retriesOf = (policy: { MaxAttempts: number }[]) => policy.reduce((sum, retrier) => sum + retrier.MaxAttempts, 0);
const sameRetry = (state: StateDefinition, policy: unknown) => JSON.stringify(state.Retry) === JSON.stringify(policy);
/** The largest manifest the schema accepts: ids of 63 characters everywhere. */
const id = (prefix: string, index: number) => `${prefix}${index}`.padEnd(63, 'x');
const largestManifest = {
  characters: Array.from({ length: MANIFEST_LIMITS.characters }, (_, index) => ({ id: id('c', index) })),
  episodes: Array.from({ length: MANIFEST_LIMITS.episodes }, (_, index) => ({
    id: id('e', index),
    scenes: Array.from({ length: MANIFEST_LIMITS.scenesPerEpisode }, (_, scene) => ({ id: id('s', scene) })),
  })),
};

describe('the history model', () => {
  it('matches the retry policies and the scene Tasks of the generated workflows', () => {
    // Prepare
    const sceneTasks = taskStates(episodeWorkflow.States['Produce scenes'].ItemProcessor as Definition).filter(({ state }) => sameRetry(state, PROVIDER_CALL_RETRY));
    const dialogueTasks = taskStates(episodeWorkflow.States['Write dialogue'].ItemProcessor as Definition);

    // Act
    const providerLambdaTasks = sceneTasks.filter(({ state }) => state.Resource !== WAIT_FOR_TASK_TOKEN_SQS).length;
    const childTask = taskStates(productionWorkflow).find(({ state }) => state.Resource === START_CHILD_EXECUTION_SYNC)!;

    // Assess
    expect(HISTORY_MODEL.retries).toEqual({
      providerCall: retriesOf(PROVIDER_CALL_RETRY),
      ownWork: retriesOf(OWN_WORK_RETRY),
      childExecution: retriesOf(CHILD_EXECUTION_RETRY),
    });
    expect(providerLambdaTasks).toBe(HISTORY_MODEL.sceneProviderLambdaTasks);
    const sceneMap = episodeWorkflow.States['Produce scenes'].ItemProcessor.States as Record<string, StateDefinition>;
    expect(Object.values(sceneMap).filter((state) => state.Type === 'Choice')).toHaveLength(HISTORY_MODEL.sceneChoices);
    const ownWorkSteps = Object.values(sceneMap).filter((state) => state.Type === 'Task' && sameRetry(state, OWN_WORK_RETRY) && !(state.Parameters as { outcome?: string }).outcome);
    expect(ownWorkSteps).toHaveLength(HISTORY_MODEL.sceneOwnWorkLambdaTasks);
    expect(dialogueTasks.map(({ state }) => sameRetry(state, PROVIDER_CALL_RETRY))).toEqual([true]);
    expect(sceneTasks.some(({ state }) => state.Resource === WAIT_FOR_TASK_TOKEN_SQS)).toBe(true);
    const dubTasks = taskStates(episodeWorkflow.States['Dub episode'].ItemProcessor as Definition);
    expect(dubTasks.filter(({ state }) => sameRetry(state, PROVIDER_CALL_RETRY))).toHaveLength(HISTORY_MODEL.dubProviderLambdaTasks);
    expect(dubTasks.filter(({ state }) => sameRetry(state, OWN_WORK_RETRY))).toHaveLength(HISTORY_MODEL.dubOwnWorkLambdaTasks);
    expect(dubTasks).toHaveLength(HISTORY_MODEL.dubProviderLambdaTasks + HISTORY_MODEL.dubOwnWorkLambdaTasks);
    expect(sameRetry(childTask.state, CHILD_EXECUTION_RETRY)).toBe(true);
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
    expect(executionLimitProblems({ ...largestManifest, lipSync: {}, dubs: Array.from({ length: MAX_DUBS }, () => 'th-TH') })).toEqual([]);
  });

  it('names the dubs when they are what no longer fits', () => {
    // Prepare: quotas the largest episode with lip-sync just fits without dubs
    const quotas = { historyEvents: HISTORY_HEADROOM * worstCaseEpisodeEvents(MANIFEST_LIMITS.scenesPerEpisode, true) };

    // Act
    const problems = executionLimitProblems({ ...largestManifest, lipSync: {}, dubs: ['th-TH', 'ko-KR'] }, quotas).filter((problem) => problem.path !== 'episodes');

    // Assess
    expect(problems[0]?.reason).toContain(`(at most ${largestEpisodeHeld(quotas, true, 2)} scenes an episode with lip-sync and 2 dubs)`);
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
        episodes: largestManifest.episodes.map((episode) => ({ episodeId: episode.id, executionName: episodeExecutionName(executionName, episode.id) })),
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
    const episodeProblems = (manifest: typeof largestManifest) => executionLimitProblems(manifest, quotas).filter((problem) => problem.path !== 'episodes');
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
      reason: expect.stringMatching(/^60 scenes could need \d+ history events in the episode's execution; Step Functions fails one at 10000, and dramaforge keeps 2x headroom \(at most \d+ scenes an episode\)$/),
    });
  });
});
