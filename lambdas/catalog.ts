/**
 * Every function the workflow calls, keyed by the definitionSubstitutions name the
 * ASL uses for it. The CDK stack and the local runner both read this list, so a
 * Task in statemachines/production.asl.json resolves to the same handler in both.
 */
export interface StageFunctionSpec {
  /** kebab-case folder under lambdas/, also the construct id. */
  name: string;
  /** The `${...}` substitution in the ASL that names this function, or undefined for a queue worker. */
  substitution?: string;
  /** Work a producer waits on: a timeout (seconds) roomy enough for the slowest provider. */
  timeoutSeconds: number;
  memoryMb: number;
}

export const STAGE_FUNCTIONS: readonly StageFunctionSpec[] = [
  { name: 'validate-manifest', substitution: 'ValidateManifestFunctionArn', timeoutSeconds: 60, memoryMb: 512 },
  { name: 'plan-production', substitution: 'PlanProductionFunctionArn', timeoutSeconds: 120, memoryMb: 512 },
  { name: 'cast-character', substitution: 'CastCharacterFunctionArn', timeoutSeconds: 300, memoryMb: 1024 },
  { name: 'write-script', substitution: 'WriteScriptFunctionArn', timeoutSeconds: 300, memoryMb: 512 },
  { name: 'render-keyframes', substitution: 'RenderKeyframesFunctionArn', timeoutSeconds: 600, memoryMb: 2048 },
  { name: 'synthesize-voice', substitution: 'SynthesizeVoiceFunctionArn', timeoutSeconds: 600, memoryMb: 1024 },
  { name: 'video-worker', timeoutSeconds: 900, memoryMb: 2048 },
  { name: 'build-subtitles', substitution: 'BuildSubtitlesFunctionArn', timeoutSeconds: 120, memoryMb: 256 },
  { name: 'record-scene-outcome', substitution: 'RecordSceneOutcomeFunctionArn', timeoutSeconds: 60, memoryMb: 256 },
  { name: 'assemble-episode', substitution: 'AssembleEpisodeFunctionArn', timeoutSeconds: 900, memoryMb: 3008 },
  { name: 'finalize-production', substitution: 'FinalizeProductionFunctionArn', timeoutSeconds: 300, memoryMb: 1024 },
];

/** The ASL's non-function substitutions. */
export const QUEUE_SUBSTITUTION = 'VideoQueueUrl';

/**
 * The function that turns a manifest upload into an execution (AWS only: locally the
 * s3rver event hook plays this part). Kept out of STAGE_FUNCTIONS because the
 * workflow never calls it.
 */
export const MANIFEST_TRIGGER_FUNCTION: StageFunctionSpec = { name: 'start-production', timeoutSeconds: 30, memoryMb: 256 };

/** The one function the workflow reaches through the video queue rather than by ARN: the entry without a substitution. */
export const VIDEO_WORKER_FUNCTION: StageFunctionSpec = (() => {
  const workers = STAGE_FUNCTIONS.filter((spec) => spec.substitution === undefined);
  if (workers.length !== 1) throw new Error(`lambdas/catalog.ts must list exactly one queue worker, found ${workers.length}`);
  return workers[0]!;
})();
