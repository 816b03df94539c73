import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { produce } from '../../local/commands/produce.js';
import { readCallLog, readInjectedFaults, workspace } from './support/pipeline-harness.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/two-scenes-cat.yaml', import.meta.url));

/** The reliability rates the drills run at. */
const RATES = 'throttle=0.2,error=0.1,timeout=0.05';

/** Twenty seeds, 11 among them: the seed at which these rates once cost a scene its keyframes. */
const SEEDS = Array.from({ length: 20 }, (_, index) => index + 1);

interface SeedRetries {
  seed: number;
  /** Every injected fault is followed by one more attempt, in process or by the workflow. */
  retries: number;
  /** The attempts the workflow's Retry made again, after the guard's in-process retries gave up. */
  byTheWorkflow: number;
  faults: Record<string, number>;
}

const swept: SeedRetries[] = [];

afterAll(() => {
  // The retries each seed took, so a change that makes the drill costlier shows in the run's output.
  console.table(
    swept
      .sort((a, b) => a.seed - b.seed)
      .map(({ seed, retries, byTheWorkflow, faults }) => ({ seed, retries, byTheWorkflow, ...faults })),
  );
});

describe(`a small production under ${RATES}`, () => {
  it.each(SEEDS)('completes every scene at seed %i', async (seed) => {
    // Prepare
    const ws = await workspace(`fault-sweep-${seed}`);
    onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
    const environment = { DRAMAFORGE_FAULTS: `${RATES},seed=${seed}`, DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog };

    // Act
    const result = await produce({
      manifestPath: FIXTURE,
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      environment,
      retryDelayMs: 5,
    });

    // Assess
    const faults = await readInjectedFaults(ws.callLog);
    const calls = await readCallLog(ws.callLog);
    // A call the workflow sent again after the first went unanswered has a key of its own (`<key>#after-<time>`).
    const sent = calls.map((call) => call.idempotencyKey.split('#after-')[0]);
    swept.push({
      seed,
      retries: faults.length,
      byTheWorkflow: sent.length - new Set(sent).size,
      faults: Object.fromEntries(
        ['throttle', 'error', 'timeout'].map((kind) => [kind, faults.filter((f) => f.fault === kind).length]),
      ),
    });
    expect(faults.length, 'the drill injected faults').toBeGreaterThan(0);
    expect(result.reason).toBeUndefined();
    expect(result.report!.episodes.flatMap((e) => e.scenes.map((s) => `${s.id} ${s.status}`))).toEqual([
      's01 COMPLETE',
      's02 COMPLETE',
    ]);
  });
});
