import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BudgetLedger } from '../../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../../lambdas/adapters/aws/production-store.js';
import type { LocalRuntime } from '../../../local/runtime/index.js';

export const TWO_SCENES = fileURLToPath(new URL('../fixtures/two-scenes.yaml', import.meta.url));

/** Prices for the offline models, so ledger arithmetic is visible in tests. */
export const TEST_PRICES = {
  'offline/storyboard-v1': { perImage: 0.04 },
  'offline/camera-motion-v1': { perVideoSecond: 0.05 },
  'offline/espeak-ng': { perSpeechCharacter: 0.0001 },
  'offline/phrasebook-v1': { perInputToken: 0.000001, perOutputToken: 0.000002 },
};

export interface ProviderCallLine {
  stage: string;
  provider: string;
  model: string;
  idempotencyKey: string;
  scene?: { episodeId: string; sceneId: string };
}

/** A fault the injector failed a call with (`DRAMAFORGE_FAULTS`), logged beside the calls. */
export interface InjectedFaultLine {
  fault: 'throttle' | 'error' | 'timeout' | 'malformed';
  role: string;
  operation: string;
  provider: string;
  idempotencyKey?: string;
}

async function readLogLines(file: string): Promise<(ProviderCallLine | InjectedFaultLine)[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ProviderCallLine | InjectedFaultLine);
}

export async function readCallLog(file: string): Promise<ProviderCallLine[]> {
  return (await readLogLines(file)).filter((line): line is ProviderCallLine => !('fault' in line));
}

export async function readInjectedFaults(file: string): Promise<InjectedFaultLine[]> {
  return (await readLogLines(file)).filter((line): line is InjectedFaultLine => 'fault' in line);
}

export async function workspace(prefix: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `dramaforge-${prefix}-`));
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    outDir: path.join(dir, 'out'),
    callLog: path.join(dir, 'provider-calls.jsonl'),
    /** A copy of a manifest under another file name, optionally edited. */
    async manifest(source: string, name: string, edit: (text: string) => string = (t) => t) {
      const file = path.join(dir, name);
      await writeFile(file, edit(await readFile(source, 'utf8')));
      return file;
    },
  };
}

export function stores(runtime: LocalRuntime) {
  const dynamo = DynamoDBDocumentClient.from(runtime.dynamo);
  return {
    ledger: new BudgetLedger(dynamo, runtime.names.table),
    productions: new ProductionStore(dynamo, runtime.names.table),
  };
}
