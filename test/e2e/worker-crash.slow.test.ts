import { access, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { produce } from '../../local/commands/produce.js';
import { KILL_MARKER_VARIABLE } from '../support/worker-killing-decorator.js';
import { TWO_SCENES, workspace } from './support/pipeline-harness.js';

describe('a worker process killed mid-invocation', () => {
  it('fails the Task with Runtime.ExitError as Lambda reports it, and the next invocations run in a new worker', async () => {
    // Prepare: one worker, one scene at a time, and the first keyframe kills the worker drawing it
    const ws = await workspace('worker-crash');
    onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
    const marker = `${ws.dir}/killed`;

    // Act
    const result = await produce({
      manifestPath: TWO_SCENES,
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      retryDelayMs: 5,
      environment: { [KILL_MARKER_VARIABLE]: marker },
      settings: { handlerWorkers: 1, sceneMaxConcurrency: 1 },
      providerDecorator: {
        module: fileURLToPath(new URL('../support/worker-killing-decorator.ts', import.meta.url)),
        exportName: 'killFirstKeyframe',
      },
    });

    // Assess: the scene whose keyframe was under way is caught as failed (Retry lists no Runtime.ExitError), the other completes
    await access(marker);
    expect(result.ok).toBe(false);
    const [s01, s02] = result.report!.episodes[0]!.scenes;
    expect(s01).toMatchObject({ id: 's01', status: 'FAILED', stoppedAt: 'KEYFRAMES', error: 'Runtime.ExitError' });
    expect(s01!.reason).toMatch(
      /^Runtime\.ExitError: RequestId: \S+ Error: Runtime exited with error: signal: killed$/,
    );
    // One worker: the second scene's Tasks ran in the worker that replaced the killed one.
    expect(s02).toMatchObject({ id: 's02', status: 'COMPLETE' });
  });
});
