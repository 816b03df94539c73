import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { billedUsd, ownGateway, report, startProduce, videoJobsPosted } from './support/gateway-production.js';

describe('a provider job is bought once, across crashes and redeliveries', () => {
  it('a produce killed with SIGKILL while two clips render, then run again, posts as many video jobs as a clean run and its ledger equals the clean run and the bill', async () => {
    // Prepare: a clean run, and beside it a run killed once its last two jobs were accepted and polled (still rendering)
    const clean = await ownGateway();
    const killed = await ownGateway();
    killed.server.holdVideosAfter(2);
    const cleanRun = startProduce(clean).exited;
    const first = startProduce(killed);
    await waitFor(
      'two held video jobs to be polled',
      () => killed.server.videoJobs.filter((job) => job.held && job.polls > 0).length === 2,
      { timeoutMs: 180_000 },
    );
    first.child.kill('SIGKILL');
    const death = await first.exited;
    expect(death.signal, death.output).toBe('SIGKILL');
    expect(videoJobsPosted(killed), 'the kill came after all four jobs were accepted').toBe(4);
    killed.server.releaseVideos();

    // Act
    const [cleanExit, resumed] = await Promise.all([cleanRun, startProduce(killed).exited]);

    // Assess
    expect(cleanExit.code, cleanExit.output).toBe(0);
    expect(resumed.code, resumed.output).toBe(0);
    const [cleanReport, resumedReport] = [await report(clean), await report(killed)];
    expect(resumedReport.status).toBe('COMPLETE');
    expect(videoJobsPosted(clean)).toBe(4);
    expect(videoJobsPosted(killed)).toBe(videoJobsPosted(clean));
    expect(resumedReport.cost.totalUsd).toBeCloseTo(cleanReport.cost.totalUsd, 6);
    expect(resumedReport.cost.byModel).toEqual(cleanReport.cost.byModel);
    expect(resumedReport.cost.totalUsd).toBeCloseTo(billedUsd(killed), 6);
  });
});
