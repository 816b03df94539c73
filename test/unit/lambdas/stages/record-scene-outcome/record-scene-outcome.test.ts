import { describe, expect, it } from 'vitest';
import { recordSceneOutcome } from '../../../../../lambdas/stages/record-scene-outcome/record-scene-outcome.js';
import { oneSceneManifest } from '../../../../support/mocked-stage-deps.js';
import { stageWorld } from '../../../../support/stage-world.js';

const manifest = oneSceneManifest();
const scene = { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' };

/** A world whose scene row is in `status`, as the stage that stopped left it. */
async function sceneIn(status: 'VIDEO' | 'PENDING') {
  const world = await stageWorld(manifest);
  await world.ensureScenes();
  if (status !== 'PENDING') await world.productions.updateScene(scene, { status });
  return world;
}

describe('Record scene outcome', () => {
  it('marks a finished scene COMPLETE and answers the Map with its status', async () => {
    // Prepare
    const world = await sceneIn('VIDEO');

    // Act
    const answer = await recordSceneOutcome({ ...scene, outcome: 'COMPLETE' }, world.deps);

    // Assess
    expect(answer).toEqual({ sceneId: 's01', status: 'COMPLETE' });
    const row = await world.productions.getScene('unit-series', 'ep01', 's01');
    expect([row.status, row.failedStage, row.failure]).toEqual(['COMPLETE', undefined, undefined]);
  });

  it("records where a failed scene stopped, and the message inside a Lambda error's JSON Cause", async () => {
    // Prepare
    const world = await sceneIn('VIDEO');
    const cause = JSON.stringify({ errorType: 'ProviderRejected', errorMessage: 'the clip was refused: policy' });

    // Act
    const answer = await recordSceneOutcome(
      { ...scene, outcome: 'FAILED', error: { Error: 'ProviderRejected', Cause: cause } },
      world.deps,
    );

    // Assess
    expect(answer).toEqual({ sceneId: 's01', status: 'FAILED' });
    const row = await world.productions.getScene('unit-series', 'ep01', 's01');
    expect(row.status).toBe('FAILED');
    expect(row.failedStage).toBe('VIDEO');
    expect(row.failure).toEqual({ error: 'ProviderRejected', cause: 'the clip was refused: policy' });
  });

  it('keeps a Cause that is not JSON as it came, and names the outcome when the Catch gave no error', async () => {
    // Prepare
    const world = await sceneIn('VIDEO');

    // Act
    await recordSceneOutcome(
      { ...scene, outcome: 'FAILED', error: { Error: 'States.Timeout', Cause: 'Task timed out' } },
      world.deps,
    );
    const timedOut = await world.productions.getScene('unit-series', 'ep01', 's01');
    await recordSceneOutcome({ ...scene, outcome: 'BUDGET_EXCEEDED' }, world.deps);
    const overBudget = await world.productions.getScene('unit-series', 'ep01', 's01');

    // Assess
    expect(timedOut.failure).toEqual({ error: 'States.Timeout', cause: 'Task timed out' });
    expect(overBudget.status).toBe('BUDGET_EXCEEDED');
    expect(overBudget.failure).toEqual({ error: 'BUDGET_EXCEEDED', cause: '' });
  });

  it('names no stage for a scene that stopped before any stage began', async () => {
    // Prepare
    const world = await sceneIn('PENDING');

    // Act
    await recordSceneOutcome({ ...scene, outcome: 'FAILED', error: { Error: 'Boom' } }, world.deps);

    // Assess
    const row = await world.productions.getScene('unit-series', 'ep01', 's01');
    expect([row.status, row.failedStage]).toEqual(['FAILED', undefined]);
  });

  it('refuses a scene the production has no row for, naming it', async () => {
    // Prepare
    const world = await stageWorld(manifest);

    // Act
    const attempt = recordSceneOutcome({ ...scene, outcome: 'FAILED' }, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'AssetMissing', message: expect.stringContaining('ep01/s01') });
  });
});
