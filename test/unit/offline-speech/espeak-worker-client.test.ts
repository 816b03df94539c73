import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MediaToolFailed } from '../../../lambdas/core/errors.js';
import { defaultWorkerPath, EspeakWorkerClient, type EspeakUtterance } from '../../../lambdas/adapters/providers/offline/espeak-worker-client.js';
import { readMediaEnvironment } from '../../../lambdas/core/environment.js';

const utterance: EspeakUtterance = {
  text: 'Xin chào',
  voices: ['vi', 'en-us'],
  variant: 'f2',
  pitch: 50,
  rate: 175,
  range: 50,
};

const clients: EspeakWorkerClient[] = [];
function client(...args: ConstructorParameters<typeof EspeakWorkerClient>): EspeakWorkerClient {
  const created = new EspeakWorkerClient(...args);
  clients.push(created);
  return created;
}
afterAll(() => clients.forEach((each) => each.close()));

const scratch = mkdtempSync(path.join(tmpdir(), 'espeak-worker-client-'));

describe('EspeakWorkerClient', () => {
  it('speaks with the first voice espeak-ng knows', async () => {
    const worker = client();

    expect((await worker.speak(utterance)).voice).toBe('vi+f2');
    expect((await worker.speak({ ...utterance, voices: ['cmn', 'en-us'] })).voice).toBe('cmn+f2');
    expect((await worker.speak({ ...utterance, voices: ['xx-yy', 'xx', 'en-us'] })).voice).toBe('en-us+f2');
  });

  it('reports a request the worker refuses as MediaToolFailed and keeps serving', async () => {
    const worker = client();

    await expect(worker.speak({ ...utterance, pitch: 500 })).rejects.toThrow(MediaToolFailed);
    await expect(worker.speak({ ...utterance, pitch: 500 })).rejects.toThrow(/pitch must be a number from 0 to 100/);
    expect((await worker.speak(utterance)).wav.length).toBeGreaterThan(44);
  });

  it('reports a worker that cannot start, with its stderr', async () => {
    const missing = path.join(scratch, 'no-such-worker.mjs');
    const worker = client({ workerPath: missing });

    const failure = worker.speak(utterance);
    await expect(failure).rejects.toThrow(MediaToolFailed);
    await expect(failure).rejects.toThrow(/exited with code 1.*no-such-worker\.mjs/s);
  });

  it('fails a request the worker never answers, then starts a fresh worker', async () => {
    const silent = path.join(scratch, 'silent-worker.mjs');
    writeFileSync(silent, 'process.stdin.resume();\n');
    const worker = client({ workerPath: silent, timeoutMs: 300 });

    await expect(worker.speak(utterance)).rejects.toThrow(/no answer within 300 ms/);
    await expect(worker.speak(utterance)).rejects.toThrow(MediaToolFailed);
  });

  it('fails waiting requests when the worker dies', async () => {
    const dying = path.join(scratch, 'dying-worker.mjs');
    writeFileSync(dying, 'process.stderr.write("out of memory\\n"); process.exit(3);\n');
    const worker = client({ workerPath: dying });

    await expect(worker.speak(utterance)).rejects.toThrow(/exited with code 3: out of memory/);
  });

  it('finds the worker next to itself unless DRAMAFORGE_ESPEAK_WORKER says otherwise', () => {
    expect(defaultWorkerPath({})).toMatch(/providers\/offline\/espeak-worker\.mjs$/);
    expect(path.isAbsolute(defaultWorkerPath({}))).toBe(true);
    expect(defaultWorkerPath(readMediaEnvironment({ DRAMAFORGE_ESPEAK_WORKER: '/var/task/espeak-worker.mjs' }))).toBe('/var/task/espeak-worker.mjs');
  });
});
