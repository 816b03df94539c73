import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probeMedia } from '../../lambdas/adapters/media/ffmpeg.js';
import { costUsd } from '../../lambdas/core/pricing/pricing.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { produceOnGateway } from '../support/cli.js';
import { FakeOpenAiServer } from '../support/fake-openai-server.js';
import { ownWorkDir } from '../support/work-dir.js';

const manifest = fileURLToPath(new URL('./fixtures/two-scenes-openai.yaml', import.meta.url));

describe('dramaforge produce --profile openai-compatible against a fake OpenAI-compatible server', () => {
  it('produces the episode through every real-provider path, subtitles timed by transcription, and the ledger equals usage x price', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const workDir = await ownWorkDir('openai');
    server.queue('POST /v1/chat/completions', {
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '1' },
      body: JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }),
    });
    // One line's transcription is refused: that line keeps its whole-audio cue, unbilled, and the episode still completes.
    server.queue('POST /v1/audio/transcriptions', {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        error: {
          message: 'Audio file might be corrupted or unsupported',
          type: 'invalid_request_error',
          param: 'file',
          code: 'invalid_value',
        },
      }),
    });
    const outDir = path.join(workDir, 'out');

    // Act
    const { stdout } = await produceOnGateway(server, {
      manifest,
      outDir,
      dataDir: path.join(workDir, 'data'),
      env: { DRAMAFORGE_SUBTITLE_TIMING: 'transcription' },
    });

    // Assess
    expect(stdout).toMatch(/^COMPLETE/);
    const delivered = path.join(outDir, 'two-scene-openai');
    const report = JSON.parse(await readFile(path.join(delivered, 'report.json'), 'utf8')) as ProductionReport;
    expect(report.status).toBe('COMPLETE');

    const routes = new Set(server.requests.map((r) => `${r.method} ${r.path.replace(/video_[a-z0-9]+/, '{id}')}`));
    for (const route of [
      'POST /v1/chat/completions',
      'POST /v1/images/generations',
      'POST /v1/images/edits',
      'POST /v1/audio/speech',
      'POST /v1/audio/transcriptions',
      'POST /v1/videos',
      'GET /v1/videos/{id}',
      'GET /v1/videos/{id}/content',
    ]) {
      expect(routes).toContain(route);
    }
    expect(
      server.requests.filter((r) => r.method === 'POST').every((r) => typeof r.headers['idempotency-key'] === 'string'),
    ).toBe(true);

    const billedUsd = server.billed.reduce(
      (sum, answer) => sum + costUsd('openai-compatible', answer.model, answer.usage),
      0,
    );
    expect(billedUsd).toBeGreaterThan(0);
    expect(report.cost.totalUsd).toBeCloseTo(billedUsd, 6);
    // No real profile has a music model: the episode's bed is the offline one, in the ledger at $0 (docs/audio-and-qa.md).
    expect(report.cost.byProvider).toMatchObject({ offline: 0 });
    expect(Object.keys(report.cost.byProvider).sort()).toEqual(['offline', 'openai-compatible']);
    expect(Object.keys(report.cost.byModel).sort()).toEqual(
      [
        'offline/procedural-bed-v1',
        'openai-compatible/deepseek-chat',
        'openai-compatible/gpt-4.1-mini',
        'openai-compatible/gpt-image-1',
        'openai-compatible/sora-2',
        'openai-compatible/tts-1',
        'openai-compatible/whisper-1',
      ].sort(),
    );
    expect(server.requestsTo('POST /v1/audio/transcriptions')).toHaveLength(
      server.requestsTo('POST /v1/audio/speech').length,
    );
    expect(server.billed.filter((answer) => answer.model === 'whisper-1')).toHaveLength(
      server.requestsTo('POST /v1/audio/speech').length - 1,
    );
    const byStageTotal = Object.values(report.cost.byStage).reduce((a, b) => a + b, 0);
    expect(byStageTotal).toBeCloseTo(report.cost.totalUsd, 6);

    const probe = await probeMedia(path.join(delivered, 'ep01.mp4'));
    const video = probe.streams.find((s) => s.codecType === 'video')!;
    expect([video.width, video.height]).toEqual([270, 480]);
  });
});
