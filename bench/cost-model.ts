import { CHARACTERS_PER_SECOND, videoPollsPerClip } from '../lambdas/composition/production-estimate.js';
import { type ModelRole, type ProfileName, type RungSpec, roleRoute } from '../lambdas/composition/provider-config.js';
import type { Usage } from '../lambdas/core/contracts/ports.js';
import { type AwsBill, awsBill, type BilledFunction } from '../lambdas/core/pricing/aws-bill.js';
import { foundationModelOf } from '../lambdas/core/pricing/model-lifecycle.js';
import { billedVideoSeconds, costUsd, PRICE_TABLE_VERSION } from '../lambdas/core/pricing/pricing.js';

/** The source's scenario, and the assumptions that turn it into usage. */
export const SOURCE_SCENARIO = {
  dramas: 200,
  chaptersPerDrama: 20,
  scenesPerChapter: 4,
  scriptOutputTokensPerChapter: 8_000,
  /** Our prompt for one scene: instructions, outline, cast (measured prompts run 600-1,000 tokens). */
  scriptInputTokensPerScene: 1_000,
  keyframesPerScene: 1,
  /** One consistency check of the keyframe against one reference sheet. */
  consistencyChecksPerScene: 1,
  videoSecondsPerScene: 6,
  speechSecondsPerScene: 15,
  /** The speaking rate `dramaforge estimate` assumes. */
  speechCharactersPerSecond: CHARACTERS_PER_SECOND,
  /** Not in the source: the studio benchmark's four characters a series, two in each scene. */
  charactersPerDrama: 4,
} as const;

/** A keyframe from gpt-image-1 at medium quality, 1024x1536 (1,584 output tokens), conditioned on one reference sheet; Nova Canvas bills the image. */
const KEYFRAME_USAGE: Usage = { images: 1, inputTokens: 80, inputImageTokens: 400, outputTokens: 1_584 };
/** A vision verdict over two images (gpt-4.1-mini), or Titan's two image embeddings. */
const CONSISTENCY_USAGE: Usage = { images: 2, inputTokens: 1_700, outputTokens: 10 };

export interface CostLine {
  stage: string;
  provider: string;
  model: string;
  calls: number;
  usage: Usage;
  usd: number;
}

/** The rung a call of this prompt size starts on: the first whose prompt limit admits it. */
function firstRung(route: RungSpec[][], promptTokens: number): RungSpec {
  const ladder = route[0]!;
  return (
    ladder.find((rung) => rung.maxPromptTokens === undefined || promptTokens <= rung.maxPromptTokens) ??
    ladder[ladder.length - 1]!
  );
}

export interface CostModel {
  profile: ProfileName;
  priceTableVersion: string;
  lines: CostLine[];
  totalUsd: number;
}

/** The cost model with each line's price source, and AWS's own bill beside it, as results.json and BENCHMARKS.md show it. */
export type SourcedCostModel = Omit<CostModel, 'lines'> & {
  lines: (CostLine & { source: string })[];
  /** Absent from a record made before AWS's own bill was modelled. */
  aws?: AwsCostModel;
};

export function costModel(profile: ProfileName, env: NodeJS.ProcessEnv = {}): CostModel {
  const s = SOURCE_SCENARIO;
  const scenes = s.dramas * s.chaptersPerDrama * s.scenesPerChapter;
  const route = (stage: ModelRole) => roleRoute({ profile }, stage, env);
  const line = (stage: string, rung: RungSpec, calls: number, usage: Usage): CostLine => ({
    stage,
    provider: rung.provider,
    model: rung.model,
    calls,
    usage,
    usd: calls * costUsd(rung.provider, rung.model, usage),
  });
  const scriptUsage = {
    inputTokens: s.scriptInputTokensPerScene,
    outputTokens: s.scriptOutputTokensPerChapter / s.scenesPerChapter,
  };
  const video = route('video')[0]![0]!;
  const lines = [
    line('script', firstRung(route('script'), s.scriptInputTokensPerScene), scenes, scriptUsage),
    line('keyframe', firstRung(route('image'), 0), scenes * s.keyframesPerScene, KEYFRAME_USAGE),
    line('consistency', firstRung(route('consistency'), 0), scenes * s.consistencyChecksPerScene, CONSISTENCY_USAGE),
    line('speech', firstRung(route('speech'), 0), scenes, {
      speechCharacters: s.speechSecondsPerScene * s.speechCharactersPerSecond,
    }),
    line('video', video, scenes, {
      videoSeconds: billedVideoSeconds(video.provider, video.model, s.videoSecondsPerScene),
    }),
  ];
  return { profile, priceTableVersion: PRICE_TABLE_VERSION, lines, totalUsd: lines.reduce((sum, l) => sum + l.usd, 0) };
}

/** A line's price source: its own entry's, or for an inference profile (`us.amazon.nova-2-lite-v1:0`) the model's it routes to. */
export function priceSourceOf(sources: Record<string, string>, provider: string, model: string): string | undefined {
  return sources[`${provider}/${model}`] ?? sources[`${provider}/${foundationModelOf(model)}`];
}

/**
 * Each price's source and list date, as the price table states them: the comment above an
 * entry (or above the group it belongs to) names the page and the list's date.
 */
export function priceSources(pricingSource: string): Record<string, string> {
  const sources: Record<string, string> = {};
  let comment: string[] = [];
  let commentOpen = false;
  for (const raw of pricingSource.split('\n')) {
    const text = raw.trim();
    if (text.startsWith('//')) {
      if (!commentOpen) comment = [];
      comment.push(text.replace(/^\/\/\s?/, ''));
      commentOpen = true;
      continue;
    }
    commentOpen = false;
    const entry = /^'([^']+\/[^']+)':/.exec(text);
    if (entry && comment.length > 0) sources[entry[1]!] = comment.join(' ');
  }
  return sources;
}

/** AWS's own bill for the scenario: one drama as one production, and the season of them. */
export interface AwsCostModel {
  profile: ProfileName;
  dramas: number;
  perProduction: AwsBill;
  perSeasonUsd: number;
}

/**
 * What AWS charges for the scenario beside the providers: each drama a production of 20
 * episodes of 4 scenes, its scripts written by the text model, no review, no lip-sync, no dubs;
 * a real profile's video jobs polled as `dramaforge estimate` assumes. Linear in the dramas.
 */
export function awsCostModel(
  profile: ProfileName,
  functions: readonly BilledFunction[],
  env: NodeJS.ProcessEnv = {},
): AwsCostModel {
  const s = SOURCE_SCENARIO;
  const perProduction = awsBill(
    {
      episodeScenes: Array.from({ length: s.chaptersPerDrama }, () => s.scenesPerChapter),
      characters: s.charactersPerDrama,
      episodesToDevelop: 0,
      review: 'none',
      lipSync: false,
      dubs: 0,
      videoPollsPerClip: videoPollsPerClip({ profile }, env),
    },
    functions,
  );
  return { profile, dramas: s.dramas, perProduction, perSeasonUsd: s.dramas * perProduction.totalUsd };
}
