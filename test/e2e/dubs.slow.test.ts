import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import { probeMedia } from '../../lambdas/adapters/media/ffmpeg.js';
import { glyphCoverage } from '../../lambdas/adapters/media/font-coverage.js';
import type { BoundProviders } from '../../lambdas/core/contracts/bound-providers.js';
import { assetKeys } from '../../lambdas/core/contracts/keys.js';
import { PlatformPackageSchema } from '../../lambdas/core/contracts/platform-package.js';
import { isAsyncLipSyncModel, type LipSyncModel, type LipSyncRequest } from '../../lambdas/core/contracts/ports.js';
import type { StoredDubVoicing } from '../../lambdas/core/domain/scene-artifacts.js';
import { dub } from '../../local/commands/dub.js';
import { type ProduceResult, produce } from '../../local/commands/produce.js';
import { LocalRuntime } from '../../local/runtime/index.js';
import { isWrittenIn } from '../support/written-in.js';
import {
  type ProviderCallLine,
  readCallLog,
  stores,
  TEST_PRICES,
  TWO_SCENES,
  workspace,
} from './support/pipeline-harness.js';

type Workspace = Awaited<ReturnType<typeof workspace>>;

const DUBS = ['th-TH', 'ko-KR'] as const;
/** The fixture's fps: one frame is this long. */
const FRAME_SECONDS = 1 / 12;
/** The stages that buy pictures: a dub must never call them. */
const VISUAL_STAGES = ['reference-sheet', 'keyframe', 'consistency', 'video', 'lip-sync'];

/** Each SRT cue's end time and its text, its lines joined as shown. */
function srtCues(srt: string): { endSeconds: number; text: string }[] {
  return srt
    .trim()
    .split(/\n\n+/)
    .map((block) => {
      const [, timing = '', ...lines] = block.split('\n');
      const [h, m, s, ms] = timing.split(' --> ')[1]!.split(/[:,]/).map(Number) as [number, number, number, number];
      return { endSeconds: h * 3600 + m * 60 + s + ms / 1000, text: lines.join(' ') };
    });
}

describe('an offline dub of a two-scene production into Thai and Korean', () => {
  let ws: Workspace;
  let master: ProduceResult;
  let dubbed: ProduceResult;
  let dubCalls: ProviderCallLine[];
  let againCalls: ProviderCallLine[];
  let again: ProduceResult;

  beforeAll(async () => {
    ws = await workspace('dubs');
    const options = {
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      environment: {
        DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES),
        DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog,
      },
      retryDelayMs: 5,
    };
    const roomy = (text: string) => text.replace('budgetUsd: 1', 'budgetUsd: 5');
    master = await produce({ manifestPath: await ws.manifest(TWO_SCENES, 'series.yaml', roomy), ...options });
    const callsBefore = (await readCallLog(ws.callLog)).length;
    dubbed = await dub({ productionId: 'two-scene-check', languages: [...DUBS], ...options });
    const callsAfter = await readCallLog(ws.callLog);
    dubCalls = callsAfter.slice(callsBefore);
    again = await dub({ productionId: 'two-scene-check', languages: ['th'], ...options });
    againCalls = (await readCallLog(ws.callLog)).slice(callsAfter.length);
  }, 600_000);
  afterAll(() => rm(ws.dir, { recursive: true, force: true }));

  it('buys translations and voices, and nothing visual: the ledger gains no image or video row', () => {
    // Assess
    expect(master.report?.status).toBe('COMPLETE');
    expect(dubbed.report?.status, dubbed.reason).toBe('COMPLETE');
    expect(new Set(dubCalls.map((call) => call.stage))).toEqual(new Set(['translation', 'speech']));
    for (const stage of VISUAL_STAGES)
      expect(dubbed.report?.cost.byStage[stage], stage).toBe(master.report?.cost.byStage[stage]);
    expect(dubbed.report?.cost.byStage.translation).toBeGreaterThan(0);
  });

  it('asked again for a dub it has (under an alias), starts nothing and buys nothing', () => {
    // Assess: the manifest is unchanged, so its execution is the one that already succeeded
    expect(again.report?.status, again.reason).toBe('COMPLETE');
    expect(again.reused).toBe(true);
    expect(againCalls).toEqual([]);
    expect(again.report?.cost.confirmedUsd).toBe(dubbed.report?.cost.confirmedUsd);
    expect(again.report?.episodes[0]?.dubs?.map((d) => d.language)).toEqual([...DUBS]);
  });

  it.each(DUBS)(
    "%s: the master's duration within one frame, its SRT in the target script and inside the video, QA passed, a cover with the title in the language",
    async (language) => {
      // Prepare
      const delivered = path.join(ws.outDir, 'two-scene-check');
      const report = dubbed.report!.episodes[0]!;
      const dub = report.dubs?.find((candidate) => candidate.language === language);

      // Act
      const [masterProbe, dubProbe] = await Promise.all([
        probeMedia(path.join(delivered, 'ep01.mp4')),
        probeMedia(path.join(delivered, `ep01.${language}.mp4`)),
      ]);
      const cues = srtCues(await readFile(path.join(delivered, `ep01.${language}.srt`), 'utf8'));
      const vtt = await readFile(path.join(delivered, `ep01.${language}.vtt`), 'utf8');
      const coverage = await glyphCoverage(language);

      // Assess
      expect(dub).toMatchObject({
        status: 'DELIVERED',
        file: `ep01.${language}.mp4`,
        qa: { passed: true },
        translation: { provider: 'offline', standIn: true },
      });
      expect(Math.abs(dubProbe.durationSeconds! - masterProbe.durationSeconds!)).toBeLessThanOrEqual(FRAME_SECONDS);
      expect(cues.length).toBeGreaterThanOrEqual(2);
      for (const cue of cues) {
        expect(isWrittenIn(language, cue.text, ['Ana', 'Ben']), cue.text).toBe(true);
        expect(coverage.missing(cue.text), cue.text).toEqual([]);
        expect(cue.endSeconds).toBeLessThanOrEqual(dubProbe.durationSeconds!);
      }
      expect(vtt.startsWith('WEBVTT')).toBe(true);
      expect(report).toMatchObject({ file: 'ep01.mp4', cover: 'ep01.cover.jpg' });
      expect(dub).toMatchObject({ cover: `ep01.${language}.cover.jpg` });
      expect(isWrittenIn(language, dub!.title!, ['Ana', 'Ben']), dub!.title).toBe(true);
      for (const cover of ['ep01.cover.jpg', `ep01.${language}.cover.jpg`]) {
        const jpeg = await readFile(path.join(delivered, cover));
        expect(jpeg.subarray(0, 2), cover).toEqual(Buffer.from([0xff, 0xd8]));
      }
    },
  );

  it.each([{ stem: 'ep01', language: 'en-US' }, ...DUBS.map((language) => ({ stem: `ep01.${language}`, language }))])(
    "the platform package of $stem: title, description and hashtags in $language, the episode's duration, its cover beside it, no account data",
    async ({ stem, language }) => {
      // Prepare
      const delivered = path.join(ws.outDir, 'two-scene-check');
      const episode = dubbed.report!.episodes[0]!;
      const listed = stem === 'ep01' ? episode : episode.dubs?.find((dub) => dub.language === language);

      // Act
      const parsed = PlatformPackageSchema.safeParse(
        JSON.parse(await readFile(path.join(delivered, `${stem}.platform.json`), 'utf8')),
      );
      const probe = await probeMedia(path.join(delivered, `${stem}.mp4`));

      // Assess: the strict schema refuses any field it does not name, an account's among them
      expect(parsed.error?.issues ?? []).toEqual([]);
      const platformPackage = parsed.data!;
      expect(listed?.platform).toBe(`${stem}.platform.json`);
      expect(platformPackage).toMatchObject({
        episodeId: 'ep01',
        language,
        aspectRatio: '9:16',
        cover: `${stem}.cover.jpg`,
        durationSeconds: listed?.durationSeconds,
      });
      expect(Math.abs(platformPackage.durationSeconds - probe.durationSeconds!)).toBeLessThanOrEqual(FRAME_SECONDS);
      expect((await readFile(path.join(delivered, platformPackage.cover))).subarray(0, 2)).toEqual(
        Buffer.from([0xff, 0xd8]),
      );
      const names = ['Ana', 'Ben', platformPackage.title];
      expect(isWrittenIn(language, platformPackage.description, names), platformPackage.description).toBe(true);
      for (const tag of platformPackage.hashtags) expect(isWrittenIn(language, tag.slice(1)), tag).toBe(true);
      expect(platformPackage.title).toBe(listed?.title);
    },
  );
});

describe('an offline Thai dub of a lip-synced two-scene production', () => {
  const ref = (sceneId: string) => ({ productionId: 'two-scene-check', episodeId: 'ep01', sceneId });
  let ws: Workspace;
  let master: ProduceResult;
  let dubbed: ProduceResult;
  let dubCalls: ProviderCallLine[];
  /** What each lip-sync call of the dub's run was asked: the audio it was given, for the clip it was given. */
  const dubLipSyncRequests: LipSyncRequest[] = [];

  beforeAll(async () => {
    ws = await workspace('dub-lips');
    let dubbing = false;
    const options = {
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      environment: {
        DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES),
        DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog,
      },
      retryDelayMs: 5,
      decorateProviders: (providers: BoundProviders) => {
        const lipSync = providers.lipSync;
        if (!lipSync) return providers;
        const painted = lipSync.port;
        if (isAsyncLipSyncModel(painted)) throw new Error('the offline lip-sync model answers within the call');
        const port: LipSyncModel = {
          syncLips: (request, callOptions) => {
            if (dubbing) dubLipSyncRequests.push(request);
            return painted.syncLips(request, callOptions);
          },
        };
        return { ...providers, lipSync: { ...lipSync, port } };
      },
    };
    const lipSynced = (text: string) => text.replace('budgetUsd: 1\n', 'budgetUsd: 5\nlipSync: { mode: fast }\n');
    master = await produce({ manifestPath: await ws.manifest(TWO_SCENES, 'series.yaml', lipSynced), ...options });
    const callsBefore = (await readCallLog(ws.callLog)).length;
    dubbing = true;
    dubbed = await dub({ productionId: 'two-scene-check', languages: ['th-TH'], ...options });
    dubCalls = (await readCallLog(ws.callLog)).slice(callsBefore);
  }, 600_000);
  afterAll(() => rm(ws.dir, { recursive: true, force: true }));

  it('buys one lip-sync per lip-synced scene beside its translations and voices, and no image or video', () => {
    // Assess
    expect(master.report?.status, master.reason).toBe('COMPLETE');
    expect(dubbed.report?.status, dubbed.reason).toBe('COMPLETE');
    expect(new Set(dubCalls.map((call) => call.stage))).toEqual(new Set(['translation', 'speech', 'lip-sync']));
    const lipSyncCalls = dubCalls.filter((call) => call.stage === 'lip-sync');
    expect(lipSyncCalls.map((call) => [call.scene?.sceneId, call.provider, call.model]).sort()).toEqual([
      ['s01', 'offline', 'painted-mouths-v1'],
      ['s02', 'offline', 'painted-mouths-v1'],
    ]);
    for (const stage of ['reference-sheet', 'keyframe', 'consistency', 'video'])
      expect(dubbed.report?.cost.byStage[stage], stage).toBe(master.report?.cost.byStage[stage]);
    const thai = dubbed.report?.episodes[0]?.dubs?.find((entry) => entry.language === 'th-TH');
    expect(thai).toMatchObject({
      status: 'DELIVERED',
      qa: { passed: true },
      lipSync: { provider: 'offline', model: 'painted-mouths-v1', scenes: ['s01', 's02'] },
    });
  });

  it("syncs each scene's lips to the dubbed voice, for as long as the dub's scene runs, into a clip unlike the master's", async () => {
    // Prepare
    const runtime = await LocalRuntime.start({ dataDir: ws.dataDir });
    try {
      const assets = new AssetStore(runtime.s3, runtime.names.bucket);
      const { ledger } = stores(runtime);
      const voicing = await assets.getJson<StoredDubVoicing>(assetKeys.dubVoicing('two-scene-check', 'ep01', 'th-TH'));

      // Act
      const rows = (await ledger.listCosts('two-scene-check')).filter((row) => row.stage === 'lip-sync');

      // Assess: two rows the master bought, two the dub did
      expect(rows.map((row) => row.sceneId).sort()).toEqual(['s01', 's01', 's02', 's02']);
      expect(dubLipSyncRequests.map((request) => request.audioKey).sort()).toEqual([
        assetKeys.dubVoice(ref('s01'), 'th-TH'),
        assetKeys.dubVoice(ref('s02'), 'th-TH'),
      ]);
      for (const scene of voicing.scenes) {
        const request = dubLipSyncRequests.find(
          (asked) => asked.audioKey === assetKeys.dubVoice(ref(scene.sceneId), 'th-TH'),
        )!;
        const [dubVoice, masterVoice, masterSynced, dubSynced] = await Promise.all([
          assets.getBytes(assetKeys.dubVoice(ref(scene.sceneId), 'th-TH')),
          assets.getBytes(assetKeys.voice(ref(scene.sceneId))),
          assets.getBytes(assetKeys.syncedClip(ref(scene.sceneId))),
          assets.getBytes(assetKeys.dubSyncedClip(ref(scene.sceneId), 'th-TH')),
        ]);
        expect(request.audio.equals(dubVoice), `${scene.sceneId} synced to the Thai voice`).toBe(true);
        expect(request.audio.equals(masterVoice), `${scene.sceneId} synced to the master's voice`).toBe(false);
        expect(request.language).toBe('th-TH');
        expect(request.durationSeconds).toBe(scene.durationSeconds);
        expect(request.speech.map((cue) => cue.startSeconds)).toEqual(scene.cues.map((cue) => cue.startSeconds));
        expect(dubSynced.equals(masterSynced), `${scene.sceneId}'s dub clip is the master's`).toBe(false);
        const probe = await probeMedia(await writeTemp(ws.dir, `${scene.sceneId}.th-TH.mp4`, dubSynced));
        expect(Math.abs(probe.durationSeconds! - scene.durationSeconds)).toBeLessThanOrEqual(FRAME_SECONDS);
      }
    } finally {
      await runtime.stop();
    }
  });
});

async function writeTemp(dir: string, name: string, bytes: Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}
