import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  defaultWorkerPath,
  type EspeakUtterance,
  EspeakWorkerClient,
} from '../../../../../../lambdas/adapters/providers/offline/espeak-worker-client.js';
import { readMediaEnvironment } from '../../../../../../lambdas/core/contracts/environment.js';
import { MediaToolFailed } from '../../../../../../lambdas/core/contracts/errors.js';

const utterance: EspeakUtterance = {
  text: 'Xin chào',
  voices: ['vi', 'en-us'],
  variant: 'f2',
  pitch: 50,
  rate: 175,
  range: 50,
};

/** A client for this test only, its worker ended when the test finishes. */
function client(...args: ConstructorParameters<typeof EspeakWorkerClient>): EspeakWorkerClient {
  const created = new EspeakWorkerClient(...args);
  onTestFinished(() => created.close());
  return created;
}

/** What a request failed with, or what it answered if it did not fail. */
function failureOf(reply: Promise<unknown>): Promise<unknown> {
  return reply.catch((error: unknown) => error);
}

const scratch = mkdtempSync(path.join(tmpdir(), 'espeak-worker-client-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('EspeakWorkerClient', () => {
  it('speaks with the first voice espeak-ng knows', async () => {
    // Prepare
    const worker = client();

    // Act
    const vietnamese = await worker.speak(utterance);
    const mandarin = await worker.speak({ ...utterance, voices: ['cmn', 'en-us'] });
    const fallback = await worker.speak({ ...utterance, voices: ['xx-yy', 'xx', 'en-us'] });

    // Assess
    expect(vietnamese.voice).toBe('vi+f2');
    expect(mandarin.voice).toBe('cmn+f2');
    expect(fallback.voice).toBe('en-us+f2');
  });

  it('reports a request the worker refuses as MediaToolFailed and keeps serving', async () => {
    // Prepare
    const worker = client();

    // Act
    const refusal = await failureOf(worker.speak({ ...utterance, pitch: 500 }));
    const secondRefusal = await failureOf(worker.speak({ ...utterance, pitch: 500 }));
    const served = await worker.speak(utterance);

    // Assess
    expect(refusal).toBeInstanceOf(MediaToolFailed);
    expect(secondRefusal).toHaveProperty('message', expect.stringMatching(/pitch must be a number from 0 to 100/));
    expect(served.wav.length).toBeGreaterThan(44);
  });

  it('reports a worker that cannot start, with its stderr', async () => {
    // Prepare
    const missing = path.join(scratch, 'no-such-worker.mjs');
    const worker = client({ workerPath: missing });

    // Act
    const failure = worker.speak(utterance);

    // Assess
    await expect(failure).rejects.toThrow(MediaToolFailed);
    await expect(failure).rejects.toThrow(/exited with code 1.*no-such-worker\.mjs/s);
  });

  it('fails a request the worker never answers, then starts a fresh worker', async () => {
    // Prepare
    const silent = path.join(scratch, 'silent-worker.mjs');
    writeFileSync(silent, 'process.stdin.resume();\n');
    const worker = client({ workerPath: silent, timeoutMs: 300 });

    // Act
    const unanswered = await failureOf(worker.speak(utterance));
    const afterRestart = await failureOf(worker.speak(utterance));

    // Assess
    expect(unanswered).toHaveProperty('message', expect.stringMatching(/no answer within 300 ms/));
    expect(afterRestart).toBeInstanceOf(MediaToolFailed);
  });

  it('fails waiting requests when the worker dies', async () => {
    // Prepare
    const dying = path.join(scratch, 'dying-worker.mjs');
    writeFileSync(dying, 'process.stderr.write("out of memory\\n"); process.exit(3);\n');
    const worker = client({ workerPath: dying });

    // Act
    const failure = worker.speak(utterance);

    // Assess
    await expect(failure).rejects.toThrow(/exited with code 3: out of memory/);
  });

  it('finds the worker next to itself unless DRAMAFORGE_ESPEAK_WORKER says otherwise', () => {
    // Prepare
    const configured = readMediaEnvironment({ DRAMAFORGE_ESPEAK_WORKER: '/var/task/espeak-worker.mjs' });

    // Act
    const beside = defaultWorkerPath({});
    const overridden = defaultWorkerPath(configured);

    // Assess
    expect(beside).toMatch(/providers\/offline\/espeak-worker\.mjs$/);
    expect(path.isAbsolute(beside)).toBe(true);
    expect(overridden).toBe('/var/task/espeak-worker.mjs');
  });
});
