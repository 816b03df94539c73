import {
  buildSceneVoiceTrack,
  changeTempo,
  type SceneVoiceTrack,
  type VoiceLine,
} from '../../adapters/media/voice-track.js';
import type { Bound } from '../../core/contracts/bound-providers.js';
import { DubDoesNotFit } from '../../core/contracts/errors.js';
import { assetKeys, type SceneRef } from '../../core/contracts/keys.js';
import { PlatformPackageSchema } from '../../core/contracts/platform-package.js';
import type {
  CallOptions,
  LineTranslation,
  LineTranslationRequest,
  LineTranslator,
  Metered,
  SpeechModel,
  TitleTranslationRequest,
} from '../../core/contracts/ports.js';
import type * as z from '../../core/contracts/zod-mini.js';
import { contentHash, seedFrom } from '../../core/domain/content-hash.js';
import {
  type DubFit,
  type DubRepair,
  type EpisodeSummary,
  MAX_DUB_HOLD_SECONDS,
  type StoredDubVoicing,
  type StoredScript,
  type StoredVoiceCues,
} from '../../core/domain/scene-artifacts.js';
import type { Manifest } from '../../core/manifest/schema.js';
import { estimateUsd } from '../../core/pricing/estimates.js';
import { WORST_CASE_USAGE } from '../../core/pricing/worst-case-usage.js';
import { languageOf } from '../../core/text/languages.js';
import { jsonCodec, paidCall } from '../../pipeline/paid-call.js';
import { translateEpisodeListing } from '../../pipeline/platform-package.js';
import { type DubEventSchema, findCharacter, sceneContext } from '../../pipeline/scene-context.js';
import { speakLine } from '../../pipeline/speak-line.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** The provider ports this stage uses: its handler declares them with their offline models. */
export type VoiceDubPorts = 'translation' | 'speech';

/** The most a dubbed line may be sped up, pitch kept, before the picture waits for it. */
export const MAX_DUB_TEMPO = 1.15;
/** Part of the inputs hash: a change to how lines are fitted is a new dub. */
const DUB_FIT_VERSION = 'ask-shorter-once+tempo-1.15+hold-1s-v1';

interface DubProviders {
  translation: Bound<LineTranslator>;
  speech: Bound<SpeechModel>;
}

/**
 * The voices of one dub of an assembled episode: every line translated within the time the
 * master's voice took for it, voiced in the character's voice in that language, and fitted to
 * the master's scene lengths; and the episode's title and platform listing in the language. Stored for the dub's cut
 * (dub-episode): a track per scene beside the master's, and what they are made of in one record.
 * Nothing visual is touched. An episode whose master was not delivered is not voiced.
 */
export async function voiceDub(event: z.output<typeof DubEventSchema>, deps: StageDeps<VoiceDubPorts>) {
  const manifest = await deps.loadManifest(event.productionId);
  const language = languageOf(event.language).tag;
  const master = await deps.assets.findJson<EpisodeSummary>(
    assetKeys.episodeSummary(event.productionId, event.episodeId),
  );
  if (!master?.file) {
    deps.logger.warn('the master was not delivered; nothing to dub', { episodeId: event.episodeId, language });
    return { episodeId: event.episodeId, language, voiced: false };
  }
  const providers = await deps.providers(manifest);
  let costUsd = 0;
  const pay = (usd: number) => (costUsd += usd);
  const scenes: StoredDubVoicing['scenes'] = [];
  const fits: DubFit[] = [];
  const repairs: DubRepair[] = [];
  for (const sceneId of master.sceneIds) {
    const ref = { productionId: event.productionId, episodeId: event.episodeId, sceneId };
    const [voiceCues, script] = await Promise.all([
      deps.assets.getJson<StoredVoiceCues>(assetKeys.voiceCues(ref)),
      deps.assets.getJson<StoredScript>(assetKeys.script(ref)),
    ]);
    const dubbed = await dubScene(deps, { manifest, providers, ref, language, master: voiceCues, script, pay });
    await deps.assets.putBytes(assetKeys.dubVoice(ref, language), dubbed.track.wav, 'audio/wav');
    scenes.push({
      sceneId,
      durationSeconds: dubbed.track.durationSeconds,
      holdSeconds: dubbed.fit.holdSeconds,
      cues: dubbed.cues,
    });
    fits.push(dubbed.fit);
    repairs.push(...dubbed.repairs);
  }
  const episode = manifest.episodes.find((e) => e.id === event.episodeId)!;
  const { line: title, repairs: titleRepairs = [] } = await translateTitle(deps, {
    manifest,
    providers,
    language,
    episodeId: episode.id,
    sceneId: master.sceneIds[0]!,
    title: episode.title,
    pay,
  });
  const masterPackage = PlatformPackageSchema.parse(
    await deps.assets.getJson(assetKeys.episode(event.productionId, episode.id, 'platform.json')),
  );
  const firstScene = sceneContext(manifest, {
    productionId: event.productionId,
    episodeId: episode.id,
    sceneId: master.sceneIds[0]!,
  });
  const listing = await translateEpisodeListing(deps, {
    manifest,
    translation: providers.translation,
    language,
    listing: { description: masterPackage.description, hashtags: masterPackage.hashtags },
    title,
    scene: firstScene.brief,
    seed: seedFrom(firstScene.seed, 'dub-listing'),
  });
  pay(listing.usd);
  repairs.push(
    ...titleRepairs.map((repair): DubRepair => ({ of: 'title', ...repair })),
    ...listing.repairs.map((repair): DubRepair => ({ of: 'listing', ...repair })),
  );
  const voicing: StoredDubVoicing = {
    language,
    inputsHash: contentHash({
      master: master.inputsHash,
      language,
      fit: DUB_FIT_VERSION,
      translation: providers.translation.model,
      speech: providers.speech.model,
    }),
    title,
    listing: listing.listing,
    translation: {
      provider: providers.translation.provider,
      model: providers.translation.model,
      standIn: providers.translation.provider === 'offline',
    },
    fit: fits,
    ...(repairs.length > 0 && { repairs }),
    costUsd,
    scenes,
  };
  await deps.assets.putJson(assetKeys.dubVoicing(event.productionId, event.episodeId, language), voicing);
  return { episodeId: event.episodeId, language, voiced: true };
}

export interface SceneDub {
  manifest: Manifest;
  providers: DubProviders;
  ref: SceneRef;
  language: string;
  master: StoredVoiceCues;
  script: StoredScript;
  pay: (usd: number) => void;
}

/**
 * One scene's dubbed voice track, as long as the master's: a line that runs past the time the
 * master gives it is asked again, shorter, once; a scene still too long is sped up, at most
 * MAX_DUB_TEMPO; what is left, at most MAX_DUB_HOLD_SECONDS, is held on the scene's last frame.
 */
export async function dubScene(
  deps: StageDeps,
  dub: SceneDub,
): Promise<{
  track: SceneVoiceTrack;
  cues: StoredDubVoicing['scenes'][number]['cues'];
  fit: DubFit;
  repairs: DubRepair[];
}> {
  const { manifest, ref, master, script } = dub;
  const budgets = script.lines.map((_, index) => {
    const cue = master.cues.find((c) => c.index === index);
    return cue ? cue.endSeconds - cue.startSeconds : master.durationSeconds / Math.max(1, script.lines.length);
  });
  const translations = await Promise.all(
    script.lines.map((_, index) => translateLine(deps, dub, index, budgets[index]!)),
  );
  const lines: VoiceLine[] = [];
  for (const [index, line] of script.lines.entries())
    lines.push(await voiceLine(deps, dub, line.character, translations[index]!.line));

  const askedAgain: number[] = [];
  let track = await fittedTrack(lines, master);
  if (track.durationSeconds > master.durationSeconds) {
    const seconds = await Promise.all(
      lines.map(async (line) => (await buildSceneVoiceTrack([line], NO_PADDING)).durationSeconds),
    );
    const overBudget = seconds.flatMap((s, index) => (s > budgets[index]! ? [index] : []));
    for (const index of overBudget.length > 0 ? overBudget : [longestAgainstBudget(seconds, budgets)]) {
      const shorter = await translateLine(deps, dub, index, budgets[index]!, {
        line: translations[index]!.line,
        seconds: seconds[index]!,
      });
      lines[index] = await voiceLine(deps, dub, script.lines[index]!.character, shorter.line);
      translations[index] = shorter;
      askedAgain.push(index);
    }
    track = await fittedTrack(lines, master);
  }

  let tempo = 1;
  if (track.durationSeconds > master.durationSeconds) {
    const spoken = (
      await Promise.all(lines.map(async (line) => (await buildSceneVoiceTrack([line], NO_PADDING)).durationSeconds))
    ).reduce((sum, s) => sum + s, 0);
    const overflow = track.durationSeconds - master.durationSeconds;
    tempo = Math.min(MAX_DUB_TEMPO, spoken / Math.max(spoken - overflow, Number.EPSILON));
    for (const [index, line] of lines.entries()) {
      lines[index] = {
        ...line,
        audio: await changeTempo(line.audio, tempo),
        words: line.words?.map((w) => ({
          ...w,
          startSeconds: w.startSeconds / tempo,
          endSeconds: w.endSeconds / tempo,
        })),
      };
    }
    track = await fittedTrack(lines, master);
  }

  const holdSeconds = track.durationSeconds - master.durationSeconds;
  if (holdSeconds > MAX_DUB_HOLD_SECONDS) {
    throw new DubDoesNotFit(
      `${ref.episodeId}/${ref.sceneId} in ${dub.language} runs ${holdSeconds.toFixed(2)} s past the master's ${master.durationSeconds.toFixed(2)} s after a shorter line and ${MAX_DUB_TEMPO}x tempo; at most ${MAX_DUB_HOLD_SECONDS} s may be held`,
    );
  }
  const names = new Map(manifest.characters.map((c) => [c.id, c.name]));
  return {
    track,
    cues: track.cues.map((cue) => ({
      startSeconds: cue.startSeconds,
      endSeconds: cue.endSeconds,
      text: cue.text,
      speaker: names.get(cue.characterId) ?? cue.characterId,
      characterId: cue.characterId,
    })),
    fit: { sceneId: ref.sceneId, askedAgain, tempo, holdSeconds },
    // The kept translation's repairs: a line asked again shorter is the second answer.
    repairs: translations.flatMap((translation, line) =>
      (translation.repairs ?? []).map((repair): DubRepair => ({ sceneId: ref.sceneId, line, ...repair })),
    ),
  };
}

/** Measures a single line's audio with no silence around it. */
const NO_PADDING = { leadInSeconds: 0, gapSeconds: 0, tailSeconds: 0, minimumSeconds: 0 };

function longestAgainstBudget(seconds: number[], budgets: number[]): number {
  let longest = 0;
  seconds.forEach((s, index) => {
    if (s / budgets[index]! > seconds[longest]! / budgets[longest]!) longest = index;
  });
  return longest;
}

/** The dubbed lines laid out as the master's were, padded to the master's length. */
function fittedTrack(lines: VoiceLine[], master: StoredVoiceCues): Promise<SceneVoiceTrack> {
  return buildSceneVoiceTrack(lines, { minimumSeconds: master.durationSeconds });
}

async function translateLine(
  deps: StageDeps,
  dub: SceneDub,
  index: number,
  budgetSeconds: number,
  tooLong?: LineTranslationRequest['tooLong'],
): Promise<LineTranslation> {
  const { manifest, providers, ref } = dub;
  const context = sceneContext(manifest, ref);
  const line = dub.script.lines[index]!;
  const request: LineTranslationRequest = {
    from: languageOf(manifest.language).tag,
    to: dub.language,
    scene: context.brief,
    speaker: context.brief.characters.find((c) => c.id === line.character) ?? {
      id: line.character,
      name: findCharacter(manifest, line.character).name,
      description: '',
    },
    sceneLines: dub.script.lines,
    index,
    budgetSeconds: Math.round(budgetSeconds * 100) / 100,
    seed: seedFrom(context.seed, 'dub'),
    ...(tooLong && { tooLong }),
  };
  const { result, usd } = await translation(deps, manifest, providers.translation, request, ref, (options) =>
    providers.translation.port.translateLine(request, options),
  );
  dub.pay(usd);
  return result;
}

/** The episode's title in the dub's language, for its cover. */
async function translateTitle(
  deps: StageDeps,
  input: {
    manifest: Manifest;
    providers: DubProviders;
    language: string;
    episodeId: string;
    sceneId: string;
    title: string;
    pay: (usd: number) => void;
  },
): Promise<LineTranslation> {
  const { manifest, providers } = input;
  const context = sceneContext(manifest, {
    productionId: manifest.production,
    episodeId: input.episodeId,
    sceneId: input.sceneId,
  });
  const request: TitleTranslationRequest = {
    from: languageOf(manifest.language).tag,
    to: input.language,
    title: input.title,
    scene: context.brief,
    seed: seedFrom(context.seed, 'dub-title'),
  };
  const { result, usd } = await translation(deps, manifest, providers.translation, request, undefined, (options) =>
    providers.translation.port.translateTitle(request, options),
  );
  input.pay(usd);
  return result;
}

/** A translation as a paid call (`translation` in the ledger): cached by its request, so a second dub into a language buys none. */
function translation(
  deps: StageDeps,
  manifest: Manifest,
  translator: Bound<LineTranslator>,
  request: LineTranslationRequest | TitleTranslationRequest,
  scene: SceneRef | undefined,
  call: (options: CallOptions) => Promise<Metered<LineTranslation>>,
) {
  return paidCall(deps, {
    productionId: manifest.production,
    priority: manifest.priority,
    stage: 'translation',
    ...(scene && { scene }),
    provider: translator.provider,
    model: translator.model,
    inputs: request,
    estimateUsd: estimateUsd(translator, WORST_CASE_USAGE.translation),
    codec: jsonCodec<LineTranslation>(),
    call,
  });
}

/** The line in its character's voice (gender, pitch, rate kept), speaking the dub's language. */
async function voiceLine(deps: StageDeps, dub: SceneDub, characterId: string, text: string): Promise<VoiceLine> {
  const character = findCharacter(dub.manifest, characterId);
  const request = { text, language: dub.language, characterId: character.id, voice: character.voice ?? {} };
  const { result, usd } = await speakLine(deps, {
    manifest: dub.manifest,
    scene: dub.ref,
    speech: dub.providers.speech,
    request,
    inputs: request,
  });
  dub.pay(usd);
  return { characterId: character.id, text, audio: result.wav, words: result.words };
}
