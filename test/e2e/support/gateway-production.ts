import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { costUsd } from '../../../lambdas/core/pricing/pricing.js';
import type { ProductionReport } from '../../../lambdas/stages/finalize-production/production-report.js';
import { produceOnGatewayArguments } from '../../support/cli.js';
import { FakeOpenAiServer } from '../../support/fake-openai-server.js';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
/** Four scenes in one episode, each a clip the gateway renders as a job. */
const MANIFEST = fileURLToPath(new URL('../fixtures/four-scenes-one-episode.yaml', import.meta.url));
export const PRODUCTION = 'four-scene-jobs';

/** A gateway of the run's own that ignores Idempotency-Key, and the run's own data and outputs. */
export async function ownGateway() {
  const server = await new FakeOpenAiServer().start();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-gateway-production-'));
  onTestFinished(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return { server, dataDir: path.join(dir, 'data'), outDir: path.join(dir, 'out') };
}

export type Gateway = Awaited<ReturnType<typeof ownGateway>>;

/** `produce` of the four-scene manifest on the openai-compatible profile against the gateway; killed when the test ends. */
export function startProduce({ server, dataDir, outDir }: Gateway) {
  const child = spawn(process.execPath, produceOnGatewayArguments(MANIFEST, outDir, dataDir), {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      ...server.profileEnvironment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  onTestFinished(() => void child.kill('SIGKILL'));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return { child, exited, stderr: () => stderr };
}

export async function report({ outDir }: Gateway): Promise<ProductionReport> {
  return JSON.parse(await readFile(path.join(outDir, PRODUCTION, 'report.json'), 'utf8')) as ProductionReport;
}

export const videoJobsPosted = ({ server }: Gateway) => server.requestsTo('POST /v1/videos').length;
export const billedUsd = ({ server }: Gateway) =>
  server.billed.reduce((sum, answer) => sum + costUsd('openai-compatible', answer.model, answer.usage), 0);
