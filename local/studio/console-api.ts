import * as z from 'zod';
import type { ManifestProblem } from '../../lambdas/core/contracts/errors.js';
import type { FailureCause } from '../../lambdas/core/contracts/failure-cause.js';
import type { DialogueLine } from '../../lambdas/core/contracts/ports.js';
import type {
  KeyframeAttempt,
  ProductionMeta,
  SceneRecord,
  StoredReview,
} from '../../lambdas/core/domain/production-model.js';
import type { StoredVoiceCues } from '../../lambdas/core/domain/scene-artifacts.js';
import type { CandidateReport, SceneConsistency } from '../../lambdas/stages/finalize-production/production-report.js';
import type { Definition } from '../../statemachines/production-definition.js';
import { ReviewNotesSchema } from '../commands/review.js';

/**
 * What the console's JSON API answers (docs/studio.md, The console's API): the shapes `app.js`
 * draws. Times are ISO 8601, money is US dollars, keys are the bucket's (read through /api/asset).
 */

/** A row of `GET /api/productions`: a production, or a manifest rejected before one opened. */
export type ConsoleProductionRow = ConsoleProductionListing | ConsoleRejectedManifest;

/** What a production's page and its row in the list show from its row in the table. */
type ProductionFacts = Pick<
  ProductionMeta,
  'productionId' | 'title' | 'language' | 'status' | 'executionName' | 'budgetUsd' | 'spentUsd' | 'unconfirmedUsd'
>;

export interface ConsoleProductionListing extends ProductionFacts {
  executionStatus?: string;
  scenesDone: number;
  scenesTotal: number;
  priority?: number;
  startedAt: string;
  endedAt?: string;
}

export interface ConsoleRejectedManifest {
  executionName: string;
  manifestKey?: string;
  executionStatus: string;
  /** The error that ended it (`ManifestInvalid`), or STARTING while it runs. */
  status: string;
  /** Why it was rejected, one `path: reason` a problem, from `<manifest>.errors.json`. */
  problems?: ManifestProblem[];
  startedAt: string;
  endedAt?: string;
}

/** The scene card a picture is checked against, as the manifest (or the development stage) wrote it. */
export interface ConsoleSceneCard {
  location: string;
  outline: string;
  mood?: string;
  camera?: string;
  /** Character ids; `ConsoleProduction.characters` names them. */
  characters: string[];
}

/** A scene as the production page's card and the scene page show it. */
export interface ConsoleScene
  extends Pick<
    SceneRecord,
    | 'episodeId'
    | 'sceneId'
    | 'index'
    | 'status'
    | 'attempts'
    | 'costUsd'
    | 'durationSeconds'
    | 'failedStage'
    | 'failure'
    | 'updatedAt'
  > {
  keyframeAttempts: KeyframeAttempt[];
  /**
   * Whether the kept keyframe passed, as report.json says it, with the threshold it was held to:
   * `passed` is false when every attempt fell short. Absent before the keyframes were scored.
   */
  consistency?: SceneConsistency & { threshold: number };
  /** The bucket keys of what the scene has made so far: its keyframe, voice, clip. */
  assets: Record<string, string>;
  /** Absent for a scene a bible's episode has not been given yet. */
  card?: ConsoleSceneCard;
  /** The lines as the script stage wrote them, else as the card gives them; empty before either. */
  dialogue: DialogueLine[];
  /** Why it stopped, in one line (report.json's scene `reason`), and as data when the stage recorded it. */
  reason?: string;
  cause?: FailureCause;
}

/** One playable cut of an episode: the master, or a dub in its own language. */
export interface ConsoleCut {
  kind: 'master' | 'dub';
  /** Canonical tag (lambdas/core/text/languages.ts), and its English name. */
  language: string;
  languageName: string;
  /** The episode's title in the cut's language (a dub's is translated). */
  title: string;
  /** Bucket keys of the MP4 and its subtitles (`<episode>[.<lang>].mp4|.vtt|.srt`). */
  video: string;
  vtt: string;
  srt: string;
  durationSeconds: number;
  /** The picture's size in pixels (the manifest's format): the player keeps its shape before the video loads. */
  width: number;
  height: number;
  /**
   * The subtitles are in the picture: every cut dramaforge delivers has them burned in
   * (lambdas/pipeline/episode-cut.ts), so the player keeps the VTT track off rather than draw them twice.
   */
  subtitlesBurnedIn: boolean;
  /** Changes whenever the cut is made again (its inputs' hash): a player holding an older one reloads. */
  version: string;
}

export interface ConsoleEpisode {
  id: string;
  title: string;
  scenes: ConsoleScene[];
  /** The delivered cuts: the master first, then each delivered dub in the manifest's order. */
  cuts: ConsoleCut[];
}

/** `GET /api/productions/:id`. */
export interface ConsoleProduction extends ProductionFacts, Pick<ProductionMeta, 'failure'> {
  priority?: number;
  /** The review without its task token: what waits for a decision, or what was decided and why. */
  review?: ConsoleReview;
  executions: { name: string; status: string; startedAt: string; endedAt?: string }[];
  consistencyThreshold: number;
  characters: { id: string; name: string }[];
  episodes: ConsoleEpisode[];
  cost: { byStage: Record<string, number>; byProvider: Record<string, number>; byModel: Record<string, number> };
}

/** A review as the production's row keeps it, but for the capability to answer it: its task token and execution. */
export type ConsoleReview = Omit<StoredReview, 'taskToken' | 'executionName'>;

/** `GET /api/productions/:id/scenes/:episode/:scene`: the scene with its voice's timing. */
export interface ConsoleSceneDetail extends ConsoleScene {
  /** Each line's time in the scene's voice track, once it is voiced. */
  voiceCues?: StoredVoiceCues;
  /** The threshold its keyframe attempts were held to. */
  consistencyThreshold: number;
  language?: string;
  characters: { id: string; name: string }[];
  /**
   * A scene that bought several clips (`video: { candidates: N }`): each candidate as report.json's
   * `video.candidates` has it (scores, checks, kept, reason, cost), with the keys of its clip and of the
   * frame it was scored on. Absent for a scene of one clip.
   */
  candidates?: ConsoleVideoCandidate[];
}

/** One of a scene's video candidates. `clip` is an MP4, or the offline model's camera move (`.json`), which only `frame` pictures. */
export type ConsoleVideoCandidate = CandidateReport;

/** What the console's graph colours a state by, counted from its execution's history. */
export interface StateProgress {
  entered: number;
  exited: number;
  failed: number;
  status: 'NOT_STARTED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT';
  iterations?: { started: number; succeeded: number; failed: number };
}

/** `GET /api/executions/:name`: an execution, its graph's states and the episode executions it started. */
export interface ConsoleExecution {
  name: string;
  kind: 'production' | 'episode';
  parent?: string;
  status: string;
  startedAt: string;
  endedAt?: string;
  error?: { name: string; cause: string };
  /** A manifest rejected by validation: every problem, from `<manifest>.errors.json`. */
  problems?: ManifestProblem[];
  executionArn: string;
  definition: Definition;
  tasks: string[];
  states: Record<string, StateProgress>;
  children: { name: string; status: string; startedAt: string; endedAt?: string }[];
}

/** The body of `POST /api/productions/:id/approve` and `/reject` (JSON; approve may send none). */
export const ReviewAnswerSchema = z.strictObject({
  notes: ReviewNotesSchema.optional(),
});
export type ReviewAnswer = z.infer<typeof ReviewAnswerSchema>;
