import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import { assetKeys } from '../../lambdas/core/contracts/keys.js';
import { costUsd } from '../../lambdas/core/pricing/pricing.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { LocalRuntime } from '../../local/runtime/index.js';
import { produceOnGateway } from '../support/cli.js';
import { FakeOpenAiServer, type Span } from '../support/fake-openai-server.js';
import { stores, workspace } from './support/pipeline-harness.js';

const OPENAI_FIXTURE = fileURLToPath(new URL('./fixtures/two-scenes-openai.yaml', import.meta.url));
const PRODUCTION = 'two-scene-native';

/** Where every clip the gateway renders speaks: two bursts, inside the shortest clip sora-2 makes (4 s). */
const SPEECH: Span[] = [
  { startSeconds: 0.4, endSeconds: 1.4 },
  { startSeconds: 1.9, endSeconds: 3.3 },
];
/** silencedetect measures in audio frames and AAC smears an edge by a frame or two. */
const TOLERANCE_SECONDS = 0.06;

const srtSeconds = (stamp: string) => {
  const [hours, minutes, rest] = stamp.split(':') as [string, string, string];
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(rest.replace(',', '.'));
};
/** Each cue of an SRT file as its start and end, in seconds. */
const srtCues = (srt: string) =>
  [...srt.matchAll(/(\d\d:\d\d:\d\d,\d{3}) --> (\d\d:\d\d:\d\d,\d{3})/g)].map((m) => ({
    startSeconds: srtSeconds(m[1]!),
    endSeconds: srtSeconds(m[2]!),
  }));
/** The burst a moment falls in, give or take what the measurement can tell apart. */
const burstAt = (seconds: number) =>
  SPEECH.findIndex(
    (span) => seconds >= span.startSeconds - TOLERANCE_SECONDS && seconds <= span.endSeconds + TOLERANCE_SECONDS,
  );

/** `produce` of the two-scene openai manifest, voiced natively with lip-sync asked for, against `server`. */
async function produceNatively(server: FakeOpenAiServer, environment: Record<string, string> = {}, moreSettings = '') {
  const ws = await workspace('native-voice');
  onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
  const manifestPath = await ws.manifest(OPENAI_FIXTURE, 'native-voice.yaml', (text) =>
    text
      .replace('production: two-scene-openai', `production: ${PRODUCTION}`)
      .replace('budgetUsd: 10\n', `budgetUsd: 10\nvoice: { mode: native }\nlipSync: { mode: fast }\n${moreSettings}`),
  );
  const { stdout } = await produceOnGateway(server, {
    manifest: manifestPath,
    outDir: ws.outDir,
    dataDir: ws.dataDir,
    env: environment,
  });
  const report = JSON.parse(
    await readFile(path.join(ws.outDir, PRODUCTION, 'report.json'), 'utf8'),
  ) as ProductionReport;
  return { ws, stdout, report };
}

/** A gateway of the test's own whose clips speak at the known times. */
async function speakingGateway(): Promise<FakeOpenAiServer> {
  const server = await new FakeOpenAiServer().start();
  onTestFinished(() => server.stop());
  server.videoSpeech = SPEECH;
  return server;
}

describe('a manifest whose voices the video model speaks (voice: native) against a fake OpenAI-compatible gateway', () => {
  it('buys no speech or lip-sync, sends the lines to sora-2, times the subtitles inside the clip speech, and warns that voices may drift', async () => {
    // Prepare
    const server = await speakingGateway();

    // Act
    const { ws, stdout, report } = await produceNatively(server);

    // Assess
    expect(stdout).toMatch(/^COMPLETE/);
    expect(server.requestsTo('POST /v1/audio/speech')).toEqual([]);
    expect(server.requestsTo('POST /v1/lipsync')).toEqual([]);
    const prompts = server.requestsTo('POST /v1/videos').map((request) => request.body.toString('latin1'));
    expect(prompts).toHaveLength(2);
    expect(prompts).toContainEqual(expect.stringContaining('Ana: "I wrote this the day you left."'));
    expect(prompts).toContainEqual(expect.stringContaining('Ben: "Then why give it to me now?"'));
    expect(prompts).toContainEqual(
      expect.stringContaining('Ben: a male voice, low-pitched, speaking at an even pace.'),
    );

    expect(report.status).toBe('COMPLETE');
    expect(Object.keys(report.cost.byStage)).toEqual(expect.arrayContaining(['video', 'script', 'keyframe']));
    for (const bought of ['speech', 'lip-sync', 'subtitle-timing', 'reference-voice'])
      expect(report.cost.byStage, `no ${bought} was bought`).not.toHaveProperty(bought);
    const billedUsd = server.billed.reduce(
      (sum, answer) => sum + costUsd('openai-compatible', answer.model, answer.usage),
      0,
    );
    expect(report.cost.totalUsd).toBeCloseTo(billedUsd, 6);
    expect(report.episodes[0]!.scenes.map((scene) => [scene.id, scene.voice])).toEqual([
      ['s01', { mode: 'native', provider: 'openai-compatible', model: 'sora-2', voices: 'in-prompt' }],
      ['s02', { mode: 'native', provider: 'openai-compatible', model: 'sora-2', voices: 'in-prompt' }],
    ]);
    expect(report.warnings).toEqual([
      'voices may drift between clips: openai-compatible/sora-2 takes no reference voice, so 2 native scenes had each voice described in the prompt only',
    ]);

    const runtime = await LocalRuntime.start({ dataDir: ws.dataDir });
    try {
      const assets = new AssetStore(runtime.s3, runtime.names.bucket);
      const scenes = await stores(runtime).productions.listScenes(PRODUCTION);
      const subtitles: Record<string, { startSeconds: number; endSeconds: number }[]> = {};
      for (const scene of scenes)
        subtitles[scene.sceneId] = srtCues(
          (await assets.getBytes(assetKeys.sceneSubtitles(scene, 'srt'))).toString('utf8'),
        );
      expect(Object.keys(subtitles).sort()).toEqual(['s01', 's02']);
      // s01 has two lines, one on each burst; s02's one line spans both.
      expect(subtitles.s01!.map((cue) => [burstAt(cue.startSeconds), burstAt(cue.endSeconds)])).toEqual([
        [0, 0],
        [1, 1],
      ]);
      expect(subtitles.s02!.map((cue) => [burstAt(cue.startSeconds), burstAt(cue.endSeconds)])).toEqual([[0, 1]]);
      expect(scenes.map((scene) => [scene.sceneId, scene.assets?.clip])).toEqual(
        scenes.map((scene) => [scene.sceneId, assetKeys.clip(scene)]),
      );
    } finally {
      await runtime.stop();
    }
  });
  it("gives a model that takes a reference voice each speaker's, said once per character by the speech model, and warns of no drift", async () => {
    // Prepare: the gateway's sora-2 marked as taking reference voices, as a gateway serving such a model would be
    const server = await speakingGateway();

    // Act
    const { stdout, report } = await produceNatively(server, {
      DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify({ 'openai-compatible/sora-2': { dialogue: 'reference-voice' } }),
    });

    // Assess
    expect(stdout).toMatch(/^COMPLETE/);
    expect(server.requestsTo('POST /v1/audio/speech').map((request) => request.json?.input)).toEqual(
      expect.arrayContaining(['I wrote this the day you left.', 'Then why give it to me now?']),
    );
    expect(server.requestsTo('POST /v1/audio/speech')).toHaveLength(2);
    const voicesSent = server
      .requestsTo('POST /v1/videos')
      .map((request) =>
        [...request.body.toString('latin1').matchAll(/name="reference_voices\[\]"; filename="([a-z]+)\.wav"/g)].map(
          (m) => m[1],
        ),
      );
    expect(voicesSent.sort()).toEqual([['ana', 'ben'], ['ben']]);
    expect(report.cost.byStage).toHaveProperty('reference-voice');
    expect(report.cost.byStage).not.toHaveProperty('speech');
    expect(report.episodes[0]!.scenes.map((scene) => scene.voice?.voices)).toEqual([
      'reference-voice',
      'reference-voice',
    ]);
    expect(report.warnings).toBeUndefined();
  });
  it('keeps candidates working: each is asked for the lines, and the kept one speaks the scene', async () => {
    // Prepare
    const server = await speakingGateway();

    // Act
    const { stdout, report } = await produceNatively(server, {}, 'video: { candidates: 2 }\n');

    // Assess
    expect(stdout).toMatch(/^COMPLETE/);
    expect(server.requestsTo('POST /v1/audio/speech')).toEqual([]);
    const prompts = server.requestsTo('POST /v1/videos').map((request) => request.body.toString('latin1'));
    expect(prompts.filter((prompt) => prompt.includes('Ana: "I wrote this the day you left."'))).toHaveLength(2);
    expect(prompts).toHaveLength(4);
    expect(
      report.episodes[0]!.scenes.map((scene) => [
        scene.id,
        scene.video?.candidates.filter((candidate) => candidate.kept).length,
        scene.voice?.mode,
      ]),
    ).toEqual([
      ['s01', 1, 'native'],
      ['s02', 1, 'native'],
    ]);
  });
});
