/**
 * What a production uses of AWS beside its state transitions, as measured on local runs
 * (BENCHMARKS.md, "AWS usage"): how long each function runs, and the S3, DynamoDB and log
 * usage of a scene, an episode and a production. The bill (aws-bill.ts) prices them; re-measure
 * with `npm run bench -- --only aws` and copy the figures here when the pipeline changes.
 */

export interface FunctionDuration {
  seconds: number;
  /** Measured locally, or assumed from another function's measurement (`source` says which). */
  measured: boolean;
  source: string;
}

/** The AWS usage benchmark's cold `produce` of tet-homecoming (1 episode, 6 scenes, 2 characters, offline profile). */
const RENDER_RUN =
  'BENCHMARKS.md, AWS usage: cold produce of tet-homecoming, 2026-12-06, AMD EPYC, 2 cores, load average 10.2 before and 9.4 after';
const measuredOver = (state: string, totalMs: number, runs: number): FunctionDuration => ({
  seconds: totalMs / runs / 1000,
  measured: true,
  source: `${RENDER_RUN}: "${state}" ${totalMs} ms over ${runs} runs`,
});
const assumedAs = (seconds: number, why: string): FunctionDuration => ({ seconds, measured: false, source: why });

/** Encode scene came after that run: its own figure is from the render benchmark's cold produce of the same manifest. */
const SCENE_ENCODE_RUN =
  'BENCHMARKS.md, Render: cold produce of tet-homecoming (4 scenes) with each scene encoded on its own, 2026-12-07, AMD EPYC, 2 cores, load average 6.5 before and 11.6 after';

const PLAN_PRODUCTION = measuredOver('Plan production', 57, 1);
const WRITE_SCRIPT = measuredOver('Write script', 517, 1);
const SYNTHESIZE_VOICE = measuredOver('Synthesize voice', 17_078, 6);
const ASSEMBLE_EPISODE = measuredOver('Assemble episode', 87_062, 1);
const GENERATE_VIDEO = measuredOver('Generate video', 2_548, 6);

/**
 * Seconds one invocation of each function runs. Measured with the offline providers: a real
 * provider's answer time replaces the offline ports' own work (drawing, espeak, the camera move),
 * and is not measured here. A Task state's time also holds Step Functions' and the queue's
 * hand-offs, so it is an upper bound on the function's.
 */
export const FUNCTION_SECONDS: Record<string, FunctionDuration> = {
  'validate-manifest': measuredOver('Validate manifest', 149, 1),
  'plan-production': PLAN_PRODUCTION,
  'cast-character': measuredOver('Draw reference sheet', 552, 2),
  // Two Task states call it: "Plan episode" (10 ms) and "Plan scenes" (22 ms), once each.
  'plan-episode': measuredOver('Plan episode" and "Plan scenes', 32, 2),
  'write-script': WRITE_SCRIPT,
  'render-keyframes': measuredOver('Render keyframes', 12_883, 6),
  'synthesize-voice': SYNTHESIZE_VOICE,
  'video-worker': GENERATE_VIDEO,
  'encode-scene': {
    seconds: 72_577 / 4 / 1000,
    measured: true,
    source: `${SCENE_ENCODE_RUN}: "Encode scene" 72577 ms over 4 runs`,
  },
  'record-scene-outcome': measuredOver('Mark scene complete', 100, 6),
  'assemble-episode': ASSEMBLE_EPISODE,
  'finalize-production': measuredOver('Finalize production', 2_121, 1),
  'develop-episode': assumedAs(
    WRITE_SCRIPT.seconds,
    `not measured: assumed as long as write-script's run (a text-model call writing a part's cards), ${WRITE_SCRIPT.source}`,
  ),
  'sync-lips': assumedAs(
    GENERATE_VIDEO.seconds,
    `not measured: assumed as long as the video worker's run (a provider job on the scene's clip), ${GENERATE_VIDEO.source}`,
  ),
  'voice-dub': assumedAs(
    SYNTHESIZE_VOICE.seconds,
    `not measured: assumed as long as synthesize-voice's run (voicing lines), ${SYNTHESIZE_VOICE.source}`,
  ),
  'dub-episode': assumedAs(
    ASSEMBLE_EPISODE.seconds,
    `not measured: assumed as long as assemble-episode's run (a dub is mixed, encoded and checked as the master is), ${ASSEMBLE_EPISODE.source}`,
  ),
  'await-approval': assumedAs(
    PLAN_PRODUCTION.seconds,
    `not measured: assumed as long as plan-production's run (rows read and written), ${PLAN_PRODUCTION.source}`,
  ),
  'start-production': assumedAs(
    0.148,
    'not measured: assumed its cold start, the median init of its bundle (BENCHMARKS.md, Lambda packages, 148 ms), as its whole run',
  ),
};

/** S3 requests by price class, DynamoDB request units, bytes logged and bytes stored. */
export interface ServiceUsage {
  s3PutRequests: number;
  s3GetRequests: number;
  dynamoDbWriteUnits: number;
  dynamoDbReadUnits: number;
  logBytes: number;
  storedBytes: number;
}

/**
 * A production's usage is its own, plus an episode's for each episode and a scene's for each
 * scene. Requests and logs: `npm run bench -- --only aws` on 2026-12-06 (AMD EPYC, 2 cores, load
 * average 10), three runs of 1x1, 1x5 and 2x1 episodes x scenes with two characters: the
 * requests sent from lambdas/, a DynamoDB unit a request (two an item of a transaction: items
 * taken as under 1 KB written and 4 KB read), and what the handlers log at INFO, as prod does.
 * A scene's share is the 1x5 run's less the 1x1 run's, over four. DynamoDB reads follow how
 * often the provider slots in the table were queried while contended, and log bytes follow the
 * keyframe redraws each seed needs: both moved between runs by more than an episode's share,
 * which the 2x1 run put below zero (-5 read units, -381 bytes). Those are counted as none, and
 * the production's share as the 1x1 run's less a scene's. Storage: the same run's cold offline
 * `produce` of tet-homecoming (1 episode, 6 scenes): its episode files (16.2 MiB: MP4, voice and
 * music stems) and the cached music bed (7.6 MiB) an episode's, its scene files (5.8 MiB) and the
 * rest of the cache (4.7 MiB) the scenes', the characters, storyboard, report and manifests
 * (0.6 MiB) the production's. Offline video is a camera move over the keyframe, not a clip: a
 * real provider's clips add their own bytes, which no run here measured.
 */
export const MEASURED_SERVICE_USAGE: Record<'perScene' | 'perEpisode' | 'perProduction', ServiceUsage> = {
  perScene: {
    s3PutRequests: 19.5,
    s3GetRequests: 35.75,
    dynamoDbWriteUnits: 70.25,
    dynamoDbReadUnits: 17,
    logBytes: 976,
    storedBytes: (6_041_605 + 4_942_336) / 6,
  },
  perEpisode: {
    s3PutRequests: 8.5,
    s3GetRequests: 12.25,
    dynamoDbWriteUnits: 1.75,
    dynamoDbReadUnits: 0,
    logBytes: 0,
    storedBytes: 17_021_486 + 7_961_871,
  },
  perProduction: {
    s3PutRequests: 12,
    s3GetRequests: 12,
    dynamoDbWriteUnits: 26,
    dynamoDbReadUnits: 43 - 17,
    logBytes: 3_425 - 976,
    storedBytes: 629_021,
  },
};
