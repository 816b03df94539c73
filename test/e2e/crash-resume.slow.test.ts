import { spawn } from 'node:child_process';
import { access, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { cliArguments } from '../support/cli.js';
import { waitFor } from '../support/wait-for.js';
import { readCallLog, TEST_PRICES, workspace } from './support/pipeline-harness.js';

type Workspace = Awaited<ReturnType<typeof workspace>>;

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const manifest = fileURLToPath(new URL('./fixtures/four-scenes.yaml', import.meta.url));
const scenes = [
  ['ep01', 's01'],
  ['ep01', 's02'],
  ['ep01', 's03'],
  ['ep02', 's01'],
] as const;

/** The test's own data, calls and outputs, so no test reads what another left behind. */
async function ownWorkspace(): Promise<Workspace> {
  const ws = await workspace('crash');
  onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
  return ws;
}

function startProduce(ws: Workspace, callLog: string) {
  const child = spawn(process.execPath, cliArguments('produce', manifest, '--out', ws.outDir, '--data', ws.dataDir), {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES),
      DRAMAFORGE_PROVIDER_CALL_LOG: callLog,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return { child, exited };
}

/** A scene whose subtitles exist has made every paid call it needs. */
async function scenesWithSubtitles(ws: Workspace): Promise<string[]> {
  const done: string[] = [];
  for (const [episodeId, sceneId] of scenes) {
    const object = path.join(
      ws.dataDir,
      's3',
      'dramaforge-local-assets',
      'productions',
      'four-scene-check',
      'scenes',
      episodeId,
      sceneId,
      'subtitles.srt._S3rver_object',
    );
    if (
      await access(object).then(
        () => true,
        () => false,
      )
    )
      done.push(`${episodeId}/${sceneId}`);
  }
  return done;
}

describe('a produce run killed with SIGKILL', () => {
  it('is resumed by the next produce, which finishes without re-buying finished scenes', async () => {
    // Prepare: a first run, killed once a scene is finished and before the last is
    const ws = await ownWorkspace();
    const first = startProduce(ws, path.join(ws.dir, 'first-run.jsonl'));
    onTestFinished(() => void first.child.kill('SIGKILL'));
    const finishedBeforeKill = await waitFor(
      'a first scene to be finished',
      async () => {
        const finished = await scenesWithSubtitles(ws);
        return finished.length > 0 && finished;
      },
      { timeoutMs: 120_000 },
    );
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal, killed.output).toBe('SIGKILL');
    expect(finishedBeforeKill.length).toBeGreaterThan(0);
    expect(finishedBeforeKill.length, 'the kill landed mid-run').toBeLessThan(scenes.length);
    const secondLog = path.join(ws.dir, 'second-run.jsonl');

    // Act
    const second = await startProduce(ws, secondLog).exited;

    // Assess
    expect(second.code, second.output).toBe(0);
    const report = JSON.parse(
      await readFile(path.join(ws.outDir, 'four-scene-check', 'report.json'), 'utf8'),
    ) as ProductionReport;
    expect(report.status).toBe('COMPLETE');
    expect(report.episodes.flatMap((e) => e.scenes.map((s) => s.status))).toEqual([
      'COMPLETE',
      'COMPLETE',
      'COMPLETE',
      'COMPLETE',
    ]);
    const rebought = (await readCallLog(secondLog)).filter(
      (call) => call.scene && finishedBeforeKill.includes(`${call.scene.episodeId}/${call.scene.sceneId}`),
    );
    expect(rebought).toEqual([]);
  });
});
