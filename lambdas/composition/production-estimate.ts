import type { ManifestProblem } from '../core/contracts/errors.js';
import type { Usage } from '../core/contracts/ports.js';
import {
  characterVoiceMode,
  plannedNativeSeconds,
  REFERENCE_VOICE_CHARACTERS,
  sceneVoiceMode,
} from '../core/domain/native-voice.js';
import { MAX_DUB_HOLD_SECONDS } from '../core/domain/scene-artifacts.js';
import { CANDIDATE_SCORING_STAGE, SAMPLED_FRAMES } from '../core/domain/video-candidates.js';
import { episodesToDevelop, plannedSceneCount, videoCandidates } from '../core/manifest/queries.js';
import type { SeriesManifest } from '../core/manifest/schema.js';
import { type AwsBill, awsBill, type BilledFunction, type BilledProduction } from '../core/pricing/aws-bill.js';
import { AWS_LIST_PRICES } from '../core/pricing/aws-prices.js';
import {
  billedVideoSeconds,
  costUsd,
  dialogueOf,
  PRICE_TABLE_VERSION,
  priceConfirmed,
} from '../core/pricing/pricing.js';
import { WORST_CASE_USAGE, worstCaseSpeechUsage } from '../core/pricing/worst-case-usage.js';
import { developmentParts } from '../core/prompts/development-prompt.js';
import { findLanguage } from '../core/text/languages.js';
import { endOfLifeProblems, legacyWarnings } from './model-lifecycle-check.js';
import {
  lipSyncModel,
  lipSyncProvider,
  MAX_BILLED_CALLS,
  type ModelRole,
  roleRoute,
  transcriptionRung,
  videoPollSettings,
} from './provider-config.js';

/**
 * `dramaforge estimate`: the expected cost of a manifest under a profile, before
 * anything is spent, and the worst case the reservations could hold. Pure: prices
 * come from the price table, routes from the same config the stages use.
 */

export interface EstimateLine {
  stage: string;
  provider: string;
  model: string;
  calls: number;
  expectedUsd: number;
  worstCaseUsd: number;
}

export interface ProductionEstimate {
  production: string;
  profile: string;
  priceTableVersion: string;
  budgetUsd: number;
  lines: EstimateLine[];
  expectedUsd: number;
  worstCaseUsd: number;
  /** Routes to a model past its end of life: `estimate` refuses the production with these. */
  endOfLife: ManifestProblem[];
  /** Legacy models on the route, each with its end-of-life date. */
  warnings: string[];
  /** What AWS itself charges for the production, when the functions' sizes were given. */
  aws?: AwsBill;
}

/**
 * How long a real provider's video job runs before its clip is ready: an assumption, not a
 * measurement (no provider job was run to make this table). The worker polls it every
 * DRAMAFORGE_VIDEO_POLL_SECONDS, one queue message and one invocation a poll.
 */
export const ASSUMED_VIDEO_JOB_SECONDS = 120;

/** Times the worker polls each clip's job on the first video rung `providers` route to. */
export function videoPollsPerClip(providers: SeriesManifest['providers'], env: NodeJS.ProcessEnv): number {
  // The offline video model renders within the call; every real profile's is a job the worker polls (AsyncVideoModel).
  const video = roleRoute(providers, 'video', env)[0]![0]!;
  return video.provider === 'offline'
    ? 0
    : Math.ceil(ASSUMED_VIDEO_JOB_SECONDS / videoPollSettings(env).pollIntervalSeconds);
}

/** What of a manifest its AWS bill depends on, under the routes `env` gives. */
export function billedProduction(manifest: SeriesManifest, env: NodeJS.ProcessEnv): BilledProduction {
  return {
    episodeScenes: manifest.episodes.map(plannedSceneCount),
    characters: manifest.characters.length,
    episodesToDevelop: episodesToDevelop(manifest).length,
    review: manifest.review?.before ?? 'none',
    lipSync: manifest.lipSync !== undefined,
    dubs: manifest.dubs?.length ?? 0,
    videoPollsPerClip: videoPollsPerClip(manifest.providers, env),
  };
}

/** Typical usage of one call on the first rung (a keyframe with two reference sheets; a six-line scene). */
const TYPICAL_USAGE = {
  script: { inputTokens: 700, outputTokens: 350 },
  /** A part of six cards with their dialogue, from a bible of a few characters and the story so far. */
  development: { inputTokens: 2_500, outputTokens: 3_000 },
  image: { images: 1, inputTokens: 80, inputImageTokens: 2 * 400, outputTokens: 1_584 },
  consistency: { images: 2, inputTokens: 1_700, outputTokens: 10 },
  /** The scene's six lines, the speaker and the budget in; one line out. */
  translation: { inputTokens: 900, outputTokens: 60 },
  /** A logline, a synopsis and six outlines in; a description of three sentences and five hashtags out. */
  listing: { inputTokens: 600, outputTokens: 200 },
} satisfies Record<string, Usage>;

/** Lines the script stage writes when the manifest gives none, and their typical length. */
const GENERATED_LINES = 6;
const GENERATED_LINE_CHARACTERS = 45;
/** Speech runs about 14 characters a second; the voice track adds lead-in, gaps and tail. */
export const CHARACTERS_PER_SECOND = 14;

/** Characters in a developed scene, for the cost of scoring its keyframe before the cards exist. */
const DEVELOPED_SCENE_CAST = 2;

/**
 * The scenes a manifest will produce: its own, and for an episode still to develop as many
 * scenes as it asks for, each with a typical cast and the dialogue development writes on its
 * cards (so the script stage has nothing left to buy for it).
 */
type PlannedScene = { characters: string[]; dialogue?: { line: string }[]; video?: { candidates?: number } };

function plannedScenes(manifest: SeriesManifest): PlannedScene[] {
  const developedDialogue = Array.from({ length: GENERATED_LINES }, () => ({
    line: 'x'.repeat(GENERATED_LINE_CHARACTERS),
  }));
  const developedCast = manifest.characters.slice(0, DEVELOPED_SCENE_CAST).map((c) => c.id);
  return manifest.episodes.flatMap(
    (episode): PlannedScene[] =>
      episode.scenes ??
      Array.from({ length: plannedSceneCount(episode) }, () => ({
        characters: developedCast,
        dialogue: developedDialogue,
      })),
  );
}

export function estimateProduction(
  manifest: SeriesManifest,
  env: NodeJS.ProcessEnv,
  keyframeMaxAttempts = 3,
  today: Date = new Date(),
  functions?: readonly BilledFunction[],
): ProductionEstimate {
  const lines: EstimateLine[] = [];
  const route = (role: ModelRole) => roleRoute(manifest.providers, role, env);
  const add = (
    label: string,
    role: ModelRole,
    calls: number,
    typical: (model: string) => Usage,
    worst: (model: string) => Usage,
    worstCalls = calls,
  ) => {
    if (calls === 0) return;
    const ladders = route(role);
    const first = ladders[0]![0]!;
    const worstPerCall = ladders
      .flat()
      .reduce((sum, rung) => sum + MAX_BILLED_CALLS[role] * costUsd(rung.provider, rung.model, worst(rung.model)), 0);
    lines.push({
      stage: label,
      provider: first.provider,
      model: first.model,
      calls,
      expectedUsd: calls * costUsd(first.provider, first.model, typical(first.model)),
      worstCaseUsd: worstCalls * worstPerCall,
    });
  };

  const scenes = plannedScenes(manifest);
  const developmentCalls = episodesToDevelop(manifest).reduce(
    (sum, episode) => sum + developmentParts(plannedSceneCount(episode)).length,
    0,
  );
  const sceneCharacters = scenes.reduce((sum, scene) => sum + scene.characters.length, 0);
  const spokenCharacters = scenes.map((scene) =>
    scene.dialogue
      ? scene.dialogue.reduce((sum, line) => sum + [...line.line].length, 0)
      : GENERATED_LINES * GENERATED_LINE_CHARACTERS,
  );
  const spokenLines = scenes.map((scene) => scene.dialogue?.length ?? GENERATED_LINES);
  // A natively voiced scene's lines are spoken by the video model: no speech, and its clip at the dialogue model's price.
  const native = scenes.map((scene) => sceneVoiceMode(manifest, scene) === 'native');
  const synthesized = (values: number[]) => values.reduce((sum, value, index) => sum + (native[index] ? 0 : value), 0);

  add(
    'development',
    'script',
    developmentCalls,
    () => TYPICAL_USAGE.development,
    () => WORST_CASE_USAGE.development,
  );
  add(
    'reference-sheet',
    'image',
    manifest.characters.length,
    () => TYPICAL_USAGE.image,
    () => WORST_CASE_USAGE.image,
  );
  add(
    'script',
    'script',
    scenes.filter((scene) => !scene.dialogue).length,
    () => TYPICAL_USAGE.script,
    () => WORST_CASE_USAGE.script,
  );
  add(
    'keyframe',
    'image',
    scenes.length,
    () => TYPICAL_USAGE.image,
    () => WORST_CASE_USAGE.image,
    scenes.length * keyframeMaxAttempts,
  );
  add(
    'consistency',
    'consistency',
    sceneCharacters,
    () => TYPICAL_USAGE.consistency,
    () => WORST_CASE_USAGE.consistency,
    sceneCharacters * keyframeMaxAttempts,
  );
  const totalCharacters = spokenCharacters.reduce((a, b) => a + b, 0);
  const totalLines = spokenLines.reduce((a, b) => a + b, 0);
  const perLine = totalLines === 0 ? 0 : totalCharacters / totalLines;
  const voicedLines = synthesized(spokenLines);
  const voicedPerLine = voicedLines === 0 ? 0 : synthesized(spokenCharacters) / voicedLines;
  // Polly bills each line twice: the audio and the speech marks that time its subtitle.
  const speechRequestsPerLine = route('speech')[0]![0]!.provider === 'bedrock' ? 2 : 1;
  add(
    'speech',
    'speech',
    voicedLines,
    () => ({ speechCharacters: voicedPerLine * speechRequestsPerLine }),
    () => worstCaseSpeechUsage(voicedPerLine),
  );
  const videoRung = route('video')[0]![0]!;
  if (dialogueOf(videoRung.provider, videoRung.model) === 'reference-voice') {
    const referenceVoices = manifest.characters.filter(
      (character) => characterVoiceMode(manifest, character) === 'native',
    ).length;
    add(
      'reference-voice',
      'speech',
      referenceVoices,
      () => ({ speechCharacters: GENERATED_LINE_CHARACTERS * speechRequestsPerLine }),
      () => worstCaseSpeechUsage(REFERENCE_VOICE_CHARACTERS),
    );
  }
  const transcription = transcriptionRung(manifest.providers, env);
  if (transcription && voicedLines > 0) {
    // The stage reserves each transcription from the line's measured audio; here the audio is not made yet, so its length is estimated.
    const lineSeconds = voicedPerLine / CHARACTERS_PER_SECOND;
    const cost = (seconds: number) =>
      voicedLines * costUsd(transcription.provider, transcription.model, { transcribedAudioSeconds: seconds });
    lines.push({
      stage: 'subtitle-timing',
      provider: transcription.provider,
      model: transcription.model,
      calls: voicedLines,
      expectedUsd: cost(Math.round(lineSeconds)),
      worstCaseUsd: cost(Math.ceil(lineSeconds)),
    });
  }
  // Each episode's platform package: its description and hashtags, one script call per episode.
  add(
    'listing',
    'script',
    manifest.episodes.length,
    () => TYPICAL_USAGE.listing,
    () => WORST_CASE_USAGE.listing,
  );
  const sceneSeconds = spokenCharacters.map((characters, index) =>
    native[index]
      ? plannedNativeSeconds(
          Array.from({ length: spokenLines[index]! }, () => ({ text: 'x'.repeat(characters / spokenLines[index]!) })),
        )
      : Math.max(2, characters / CHARACTERS_PER_SECOND + 1 + 0.3 * spokenLines[index]!),
  );
  // Every candidate is a clip bought: a scene of N candidates costs N clips, and N of them scored.
  const candidates = scenes.map((scene) => videoCandidates(manifest, scene));
  for (const [label, voicedNatively] of [
    ['video', false],
    ['video (native voice)', true],
  ] as const) {
    const counted = (index: number) => native[index] === voicedNatively;
    const clips = candidates.reduce((sum, n, index) => sum + (counted(index) ? n : 0), 0);
    const billed = sceneSeconds.reduce(
      (sum, seconds, index) =>
        sum +
        (counted(index) ? candidates[index]! * billedVideoSeconds(videoRung.provider, videoRung.model, seconds) : 0),
      0,
    );
    add(
      label,
      'video',
      clips,
      () => ({ videoSeconds: billed / clips }),
      () => ({ videoSeconds: billed / clips }),
    );
  }
  add(
    CANDIDATE_SCORING_STAGE,
    'consistency',
    scenes.reduce(
      (sum, scene, index) =>
        sum + (candidates[index]! > 1 ? candidates[index]! * SAMPLED_FRAMES * scene.characters.length : 0),
      0,
    ),
    () => TYPICAL_USAGE.consistency,
    () => WORST_CASE_USAGE.consistency,
  );
  // The scenes whose lips the master syncs: those it voices with lines (a natively voiced clip speaks already).
  const resynced = manifest.lipSync
    ? scenes.flatMap((_, index) => (!native[index] && spokenLines[index]! > 0 ? [index] : []))
    : [];
  const lipSyncProvided = lipSyncProvider(manifest.providers);
  const lipSyncRung = manifest.lipSync && {
    provider: lipSyncProvided,
    model: lipSyncModel(lipSyncProvided, manifest.lipSync.mode, env),
  };
  // Each dub, on lines of its own: every line translated and voiced, at worst asked again shorter and voiced again,
  // each episode's title for its cover, and each episode's listing for its platform package. Nothing visual.
  for (const dub of manifest.dubs ?? []) {
    const language = findLanguage(dub)?.tag ?? dub;
    const titles = manifest.episodes.length;
    add(
      `${language} translation`,
      'script',
      totalLines + titles,
      () => TYPICAL_USAGE.translation,
      () => WORST_CASE_USAGE.translation,
      2 * totalLines + titles,
    );
    add(
      `${language} listing`,
      'script',
      manifest.episodes.length,
      () => TYPICAL_USAGE.listing,
      () => WORST_CASE_USAGE.listing,
    );
    add(
      `${language} speech`,
      'speech',
      totalLines,
      () => ({ speechCharacters: perLine * speechRequestsPerLine }),
      () => worstCaseSpeechUsage(perLine),
      2 * totalLines,
    );
    if (lipSyncRung && resynced.length > 0) {
      // A scene the master synced lips in is synced again to the dubbed voice, at worst held a second longer.
      const seconds = (hold: number) =>
        resynced.reduce((sum, index) => sum + Math.ceil(sceneSeconds[index]! + hold), 0);
      lines.push({
        stage: `${language} lip-sync`,
        provider: lipSyncRung.provider,
        model: lipSyncRung.model,
        calls: resynced.length,
        expectedUsd: costUsd(lipSyncRung.provider, lipSyncRung.model, { lipSyncSeconds: seconds(0) }),
        worstCaseUsd: costUsd(lipSyncRung.provider, lipSyncRung.model, {
          lipSyncSeconds: seconds(MAX_DUB_HOLD_SECONDS),
        }),
      });
    }
  }

  return {
    production: manifest.production,
    profile: manifest.providers.profile,
    priceTableVersion: PRICE_TABLE_VERSION,
    budgetUsd: manifest.budgetUsd,
    lines,
    expectedUsd: lines.reduce((sum, line) => sum + line.expectedUsd, 0),
    worstCaseUsd: lines.reduce((sum, line) => sum + line.worstCaseUsd, 0),
    endOfLife: endOfLifeProblems(manifest.providers, env, today),
    warnings: legacyWarnings(manifest.providers, env, today),
    ...(functions ? { aws: awsBill(billedProduction(manifest, env), functions) } : {}),
  };
}

/** The AWS section of `dramaforge estimate`: one line a service and item, and their sum. */
export function formatAwsBill(bill: AwsBill, providersUsd: number): string[] {
  const assumed = bill.functions.filter((fn) => !fn.measured).map((fn) => fn.name);
  return [
    `AWS itself, at ${AWS_LIST_PRICES.region} list prices (lambdas/core/pricing/aws-prices.ts; not held against the budget, which holds provider calls):`,
    ...bill.lines.map(
      (line) =>
        `${line.service.padEnd(16)} ${`${line.item}${bill.unverifiedPrices.includes(line.price) ? '†' : ''}`.padEnd(36)} ${formatQuantity(line.quantity).padStart(12)} ${line.unit.padEnd(12)} $${line.usd.toFixed(4).padStart(10)}`,
    ),
    `AWS total $${bill.totalUsd.toFixed(4)}; with the providers' expected cost $${(providersUsd + bill.totalUsd).toFixed(4)}`,
    ...(bill.unverifiedPrices.length > 0
      ? [
          '† price not read on its AWS page when the table was made: its note says where it was seen; re-check before a large run',
        ]
      : []),
    `Lambda durations measured locally (BENCHMARKS.md, AWS usage)${assumed.length > 0 ? `, except ${assumed.join(', ')}: assumed (docs/operations.md, What AWS charges)` : ''}`,
  ];
}

const formatQuantity = (quantity: number) =>
  Number.isInteger(quantity) ? quantity.toLocaleString('en-US') : quantity.toPrecision(4);

/** What a production already spent, as its ledger says: confirmed, unconfirmed, and held by calls under way. */
export interface SpendSoFar {
  spentUsd: number;
  unconfirmedUsd: number;
  reservedUsd: number;
}

/**
 * The estimate as `dramaforge estimate` prints it; with what the production already spent in
 * this data directory, confirmed and unconfirmed spend apart, and what is left of the budget.
 */
export function formatEstimate(estimate: ProductionEstimate, spent?: SpendSoFar): string {
  // As wide as the longest stage, a dub's included (`th-TH translation`).
  const width = Math.max(16, ...estimate.lines.map((line) => line.stage.length));
  const rows = estimate.lines.map(
    (line) =>
      `${line.stage.padEnd(width)} ${`${line.provider}/${line.model}${priceConfirmed(line.provider, line.model) ? '' : '*'}`.padEnd(40)} ${String(line.calls).padStart(6)}  $${line.expectedUsd.toFixed(4).padStart(10)}  $${line.worstCaseUsd.toFixed(4).padStart(10)}`,
  );
  return [
    `${estimate.production} with profile ${estimate.profile} (price table ${estimate.priceTableVersion})`,
    `${'stage'.padEnd(width)} ${'first model'.padEnd(40)} ${'calls'.padStart(6)}  ${'expected'.padStart(11)}  ${'worst case'.padStart(11)}`,
    ...rows,
    ...(estimate.lines.some((line) => !priceConfirmed(line.provider, line.model))
      ? [
          '* price not confirmed on a page read when the price table was made (docs/providers.md, Cost): re-check before a large run',
        ]
      : []),
    ...estimate.warnings,
    `total expected $${estimate.expectedUsd.toFixed(4)}; worst case (every call at its reservation) $${estimate.worstCaseUsd.toFixed(4)}; budget $${estimate.budgetUsd.toFixed(2)}`,
    ...(estimate.aws ? formatAwsBill(estimate.aws, estimate.expectedUsd) : []),
    ...(spent
      ? [
          `spent so far: $${spent.spentUsd.toFixed(4)} confirmed, $${spent.unconfirmedUsd.toFixed(4)} unconfirmed (calls that never answered, counted against the budget until their provider confirms them); ` +
            `$${Math.max(0, estimate.budgetUsd - spent.spentUsd - spent.unconfirmedUsd - spent.reservedUsd).toFixed(4)} of the budget left; cached results are not bought again`,
        ]
      : []),
    estimate.expectedUsd > estimate.budgetUsd
      ? 'the expected cost is over the budget: the production would stop at the budget'
      : 'the expected cost fits the budget',
  ].join('\n');
}
