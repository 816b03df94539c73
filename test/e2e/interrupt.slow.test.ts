import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { billedUsd, ownGateway, report, startProduce, videoJobsPosted } from './support/gateway-production.js';

describe('a produce run stopped with Ctrl-C', () => {
  it('lets the clips under way finish, ends with one line and code 130, and the same command resumes without buying any clip twice', async () => {
    // Prepare: a run whose last two clips render until the test lets them finish
    const gateway = await ownGateway();
    gateway.server.holdVideosAfter(2);
    const first = startProduce(gateway);
    await waitFor(
      'two held video jobs to be polled',
      () => gateway.server.videoJobs.filter((job) => job.held && job.polls > 0).length === 2,
      { timeoutMs: 180_000 },
    );

    // Act: Ctrl-C while both clips render, then let them finish; then the same command again
    first.child.kill('SIGINT');
    await waitFor('produce to say it is stopping', () =>
      first.stderr().includes('stopping: the calls under way finish first'),
    );
    const exitedWhileRendering = first.child.exitCode !== null || first.child.signalCode !== null;
    gateway.server.releaseVideos();
    const stopped = await first.exited;
    const videoJobsBeforeResume = videoJobsPosted(gateway);
    const second = startProduce(gateway);
    const resumed = await second.exited;

    // Assess
    expect(exitedWhileRendering, first.stderr()).toBe(false);
    expect(stopped, first.stderr()).toMatchObject({ code: 130, signal: null });
    expect(first.stderr().trimEnd().split('\n').at(-1)).toMatch(
      /^stopped: the same command resumes it, and buys nothing finished again; it had got to: .*scenes \d\/4 done/,
    );
    expect(videoJobsBeforeResume).toBe(4);
    expect(resumed.code, second.stderr()).toBe(0);
    expect(videoJobsPosted(gateway)).toBe(4);
    const delivered = await report(gateway);
    expect(delivered.status).toBe('COMPLETE');
    expect(delivered.cost.totalUsd).toBeCloseTo(billedUsd(gateway), 6);
  });
});
