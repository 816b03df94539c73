import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { StoredReview } from '../../../../../lambdas/core/domain/production-model.js';
import { awaitApproval } from '../../../../../lambdas/stages/await-approval/await-approval.js';
import { oneSceneManifest } from '../../../../support/mocked-stage-deps.js';
import { type StageWorld, stageWorld } from '../../../../support/stage-world.js';

const manifest = oneSceneManifest({ review: { before: 'video', waitHours: 2 } });
const gate = {
  productionId: 'unit-series',
  executionName: 'run-1',
  before: 'video' as const,
  cut: 'animatic' as const,
  waitSeconds: 7200,
};

/** What the gate answered its waiting Tasks with, token by token. */
const answers = (world: StageWorld) =>
  world.sfnMock
    .commandCalls(SendTaskSuccessCommand)
    .map((call) => [call.args[0].input.taskToken, JSON.parse(call.args[0].input.output!)]);

/** A review the same execution opened at this gate before, as the production's row keeps it. */
async function earlierReview(world: StageWorld, review: Partial<StoredReview>) {
  await world.productions.openReview('unit-series', {
    before: gate.before,
    cut: gate.cut,
    executionName: gate.executionName,
    taskToken: 'token-1',
    requestedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    ...review,
  });
}

describe('Await approval', () => {
  it("keeps the waiting Task's token on the row, marks the production AWAITING_APPROVAL until the wait ends, and answers nothing", async () => {
    // Prepare
    const world = await stageWorld(manifest);
    const before = Date.now();

    // Act
    await awaitApproval({ ...gate, taskToken: 'token-1' }, world.deps);

    // Assess
    const meta = await world.productions.getProduction('unit-series');
    expect(meta.status).toBe('AWAITING_APPROVAL');
    expect(meta.review).toMatchObject({
      before: 'video',
      cut: 'animatic',
      executionName: 'run-1',
      taskToken: 'token-1',
    });
    const expiresAt = Date.parse(meta.review!.expiresAt);
    expect(expiresAt - Date.parse(meta.review!.requestedAt)).toBe(7_200_000);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 7_200_000);
    expect(answers(world)).toEqual([]);
  });

  it('reached again by the same execution, keeps the deadline it set and stores the new token', async () => {
    // Prepare
    const world = await stageWorld(manifest);
    const expiresAt = new Date(Date.now() + 600_000).toISOString();
    await earlierReview(world, { expiresAt });

    // Act
    await awaitApproval({ ...gate, taskToken: 'token-2' }, world.deps);

    // Assess
    const review = (await world.productions.getProduction('unit-series')).review!;
    expect(review.taskToken).toBe('token-2');
    expect([review.requestedAt, review.expiresAt]).toEqual(['2026-01-01T00:00:00.000Z', expiresAt]);
    expect(answers(world)).toEqual([]);
  });

  it('answers the new token at once with a decision already taken, notes and all', async () => {
    // Prepare
    const world = await stageWorld(manifest);
    await earlierReview(world, {});
    await world.productions.decideReview('unit-series', 'REJECTED', 'the harbour is too dark');

    // Act
    await awaitApproval({ ...gate, taskToken: 'token-2' }, world.deps);

    // Assess
    expect(answers(world)).toEqual([['token-2', { decision: 'REJECTED', notes: 'the harbour is too dark' }]]);
    expect((await world.productions.getProduction('unit-series')).review!.taskToken).toBe('token-1');
  });

  it('answers TIMED_OUT when the review it opened has passed its deadline undecided', async () => {
    // Prepare
    const world = await stageWorld(manifest);
    await earlierReview(world, { expiresAt: new Date(Date.now() - 1000).toISOString() });

    // Act
    await awaitApproval({ ...gate, taskToken: 'token-2' }, world.deps);

    // Assess
    expect(answers(world)).toEqual([['token-2', { decision: 'TIMED_OUT' }]]);
  });

  it("opens a review of its own over another execution's decided one, or another cut's", async () => {
    // Prepare
    const world = await stageWorld(manifest);
    await earlierReview(world, { executionName: 'run-0' });
    await world.productions.decideReview('unit-series', 'APPROVED', undefined);
    const otherCut = await stageWorld(manifest);
    await earlierReview(otherCut, {});
    await otherCut.productions.decideReview('unit-series', 'APPROVED', undefined);

    // Act
    await awaitApproval({ ...gate, taskToken: 'token-2' }, world.deps);
    await awaitApproval({ ...gate, before: 'delivery', cut: 'final', taskToken: 'token-3' }, otherCut.deps);

    // Assess
    expect([...answers(world), ...answers(otherCut)]).toEqual([]);
    const opened = (await world.productions.getProduction('unit-series')).review!;
    expect([opened.executionName, opened.taskToken, opened.decision]).toEqual(['run-1', 'token-2', undefined]);
    const final = await otherCut.productions.getProduction('unit-series');
    expect([final.status, final.review!.cut, final.review!.decision]).toEqual([
      'AWAITING_APPROVAL',
      'final',
      undefined,
    ]);
  });

  it('fails with AssetMissing for a production that has no row, and answers nothing', async () => {
    // Prepare
    const world = await stageWorld(manifest);

    // Act
    const attempt = awaitApproval({ ...gate, productionId: 'gone-series', taskToken: 'token-1' }, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'AssetMissing' });
    expect(answers(world)).toEqual([]);
  });
});
