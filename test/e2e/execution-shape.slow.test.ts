import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { episodeExecutionName } from '../../lambdas/core/workflow/execution-name.js';
import { produce, produceMany } from '../../local/commands/produce.js';
import { TWO_SCENES, workspace } from './support/pipeline-harness.js';

const TWO_EPISODES = fileURLToPath(new URL('./fixtures/two-episodes.yaml', import.meta.url));

/**
 * An episode of one scene with no retries and no lip-sync, as Step Functions writes its history:
 * the execution 2, Plan episode 5, the Write dialogue Map 4 + its iteration 2 + its Write script
 * Task 5, Plan scenes 5, the Produce scenes Map 4 + its iteration 2, the scene's four Lambda Tasks
 * 5 each, its SQS task-token Task 6 and the lip-sync Choice 2, Assemble episode 5, and the Dub episode
 * Map 4 with no iteration (the manifest lists no dubs).
 */
const ONE_SCENE_EPISODE_EVENTS = 2 + 5 + (4 + 2 + 5) + 5 + (4 + 2 + 4 * 5 + 6 + 2) + 5 + 4;

describe('the execution shape', () => {
  it('runs a two-episode production as one production execution and two episode executions, each history counted', async () => {
    // Prepare
    const ws = await workspace('execution-shape');
    onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));

    // Act
    const result = await produce({
      manifestPath: TWO_EPISODES,
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      retryDelayMs: 5,
    });

    // Assess
    expect(result.ok).toBe(true);
    const executions = result.report!.executions!;
    const production = executions.filter((execution) => execution.kind === 'production');
    const episodes = executions.filter((execution) => execution.kind === 'episode');
    expect(production).toEqual([
      { name: result.executionName, kind: 'production', status: 'SUCCEEDED', events: expect.any(Number) },
    ]);
    expect(episodes.map((episode) => episode.name).sort()).toEqual(
      ['ep01', 'ep02'].map((id) => episodeExecutionName(result.executionName, id)).sort(),
    );
    expect(episodes.map((episode) => [episode.status, episode.events])).toEqual([
      ['SUCCEEDED', ONE_SCENE_EPISODE_EVENTS],
      ['SUCCEEDED', ONE_SCENE_EPISODE_EVENTS],
    ]);
    expect(production[0]!.events).toBeGreaterThan(0);
  });
});

describe('many productions at once', () => {
  it('runs every manifest of one produce as its own execution, at the same time, and delivers each', async () => {
    // Prepare
    const ws = await workspace('many-productions');
    onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
    const spans = new Map<string, { started: number; ended?: number }>();

    // Act
    const results = await produceMany({
      manifestPaths: [TWO_EPISODES, TWO_SCENES],
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      retryDelayMs: 5,
      onExecutionEvent: (event) => {
        if (event.executionName !== event.productionExecution) return;
        if (event.type === 'ExecutionStarted') spans.set(event.executionName, { started: event.timestamp });
        if (event.type === 'ExecutionSucceeded') spans.get(event.executionName)!.ended = event.timestamp;
      },
    });

    // Assess
    expect(results.map((result) => [result.ok, result.productionId])).toEqual([
      [true, 'two-episode-check'],
      [true, 'two-scene-check'],
    ]);
    const [first, second] = results.map((result) => spans.get(result.executionName)!);
    expect(second!.started).toBeLessThan(first!.ended!);
    expect(first!.started).toBeLessThan(second!.ended!);
  });
});
