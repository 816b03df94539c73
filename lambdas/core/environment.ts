import * as z from 'zod';
import { DramaforgeError } from './errors.js';

/**
 * The environment contract between the places that set a function's variables (the CDK
 * stack, the local runtime) and the code that reads them. Both sides use these names and
 * schemas; nothing else in lambdas/ reads process.env.
 */

export const STAGE_VARIABLES = {
  tableName: 'TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  sceneMaxConcurrency: 'SCENE_MAX_CONCURRENCY',
  episodeMaxConcurrency: 'EPISODE_MAX_CONCURRENCY',
  keyframeMaxAttempts: 'KEYFRAME_MAX_ATTEMPTS',
  consistencyThreshold: 'CONSISTENCY_THRESHOLD',
  videoQueueUrl: 'VIDEO_QUEUE_URL',
  videoMaxReceiveCount: 'VIDEO_MAX_RECEIVE_COUNT',
  s3ForcePathStyle: 'DRAMAFORGE_S3_FORCE_PATH_STYLE',
  providerSecretArn: 'DRAMAFORGE_PROVIDER_SECRET_ARN',
  faults: 'DRAMAFORGE_FAULTS',
  providerCallLog: 'DRAMAFORGE_PROVIDER_CALL_LOG',
  priceOverrides: 'DRAMAFORGE_PRICE_OVERRIDES',
} as const;

export const TRIGGER_VARIABLES = { stateMachineArn: 'STATE_MACHINE_ARN' } as const;

/** Set by the media layers in AWS; locally the npm packages' own paths are used when unset. */
export const MEDIA_VARIABLES = {
  ffmpegPath: 'FFMPEG_PATH',
  ffprobePath: 'FFPROBE_PATH',
  fontsDir: 'DRAMAFORGE_FONTS_DIR',
  espeakWorker: 'DRAMAFORGE_ESPEAK_WORKER',
} as const;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalText = z.string().min(1).optional();

const StageEnvironmentSchema = z.object({
  [STAGE_VARIABLES.tableName]: z.string().min(1),
  [STAGE_VARIABLES.bucketName]: z.string().min(1),
  [STAGE_VARIABLES.sceneMaxConcurrency]: positiveInt(4),
  [STAGE_VARIABLES.episodeMaxConcurrency]: positiveInt(2),
  [STAGE_VARIABLES.keyframeMaxAttempts]: positiveInt(3),
  [STAGE_VARIABLES.consistencyThreshold]: z.coerce.number().gt(0).lte(1).optional(),
  [STAGE_VARIABLES.videoQueueUrl]: optionalText,
  [STAGE_VARIABLES.videoMaxReceiveCount]: positiveInt(3),
  [STAGE_VARIABLES.s3ForcePathStyle]: z.enum(['true', 'false']).default('false'),
  [STAGE_VARIABLES.providerSecretArn]: optionalText,
  [STAGE_VARIABLES.faults]: optionalText,
  [STAGE_VARIABLES.providerCallLog]: optionalText,
  [STAGE_VARIABLES.priceOverrides]: optionalText,
});

const TriggerEnvironmentSchema = z.object({ [TRIGGER_VARIABLES.stateMachineArn]: z.string().min(1) });

const MediaEnvironmentSchema = z.object({
  [MEDIA_VARIABLES.ffmpegPath]: optionalText,
  [MEDIA_VARIABLES.ffprobePath]: optionalText,
  [MEDIA_VARIABLES.fontsDir]: optionalText,
  [MEDIA_VARIABLES.espeakWorker]: optionalText,
});

/** What a stage function reads, once, at cold start. */
export interface StageEnvironment {
  tableName: string;
  bucketName: string;
  sceneMaxConcurrency: number;
  episodeMaxConcurrency: number;
  keyframeMaxAttempts: number;
  consistencyThreshold?: number;
  videoQueueUrl?: string;
  /** The video queue's redrive maxReceiveCount: the receive after which a failing message goes to the DLQ. */
  videoMaxReceiveCount: number;
  s3ForcePathStyle: boolean;
  providerSecretArn?: string;
  faults?: string;
  providerCallLog?: string;
  priceOverrides?: string;
}

export interface MediaEnvironment {
  ffmpegPath?: string;
  ffprobePath?: string;
  fontsDir?: string;
  espeakWorker?: string;
}

/** A variable is missing or malformed: the function cannot start. One line, naming each variable. */
export class EnvironmentInvalid extends DramaforgeError {
  override readonly name: string = 'EnvironmentInvalid';
}

function parse<Schema extends z.ZodObject>(schema: Schema, env: Record<string, string | undefined>): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${String(issue.path[0])} ${env[String(issue.path[0])] === undefined ? 'is not set' : `is invalid (${issue.message})`}`);
  throw new EnvironmentInvalid(`environment: ${problems.join('; ')}`);
}

/** The process's own variables: the one place lambdas/ reads them. */
export function processEnvironment(): Record<string, string | undefined> {
  return process.env;
}

export function readStageEnvironment(env: Record<string, string | undefined> = processEnvironment()): StageEnvironment {
  const raw = parse(StageEnvironmentSchema, env);
  return {
    tableName: raw.TABLE_NAME,
    bucketName: raw.BUCKET_NAME,
    sceneMaxConcurrency: raw.SCENE_MAX_CONCURRENCY,
    episodeMaxConcurrency: raw.EPISODE_MAX_CONCURRENCY,
    keyframeMaxAttempts: raw.KEYFRAME_MAX_ATTEMPTS,
    consistencyThreshold: raw.CONSISTENCY_THRESHOLD,
    videoQueueUrl: raw.VIDEO_QUEUE_URL,
    videoMaxReceiveCount: raw.VIDEO_MAX_RECEIVE_COUNT,
    s3ForcePathStyle: raw.DRAMAFORGE_S3_FORCE_PATH_STYLE === 'true',
    providerSecretArn: raw.DRAMAFORGE_PROVIDER_SECRET_ARN,
    faults: raw.DRAMAFORGE_FAULTS,
    providerCallLog: raw.DRAMAFORGE_PROVIDER_CALL_LOG,
    priceOverrides: raw.DRAMAFORGE_PRICE_OVERRIDES,
  };
}

export function readTriggerEnvironment(env: Record<string, string | undefined> = processEnvironment()): { stateMachineArn: string } {
  return { stateMachineArn: parse(TriggerEnvironmentSchema, env).STATE_MACHINE_ARN };
}

export function readMediaEnvironment(env: Record<string, string | undefined> = processEnvironment()): MediaEnvironment {
  const raw = parse(MediaEnvironmentSchema, env);
  return {
    ffmpegPath: raw.FFMPEG_PATH,
    ffprobePath: raw.FFPROBE_PATH,
    fontsDir: raw.DRAMAFORGE_FONTS_DIR,
    espeakWorker: raw.DRAMAFORGE_ESPEAK_WORKER,
  };
}

/** The workflow settings an environment deploys with, as the stack and the local runtime write them. */
export interface WorkflowSettingsValues {
  sceneMaxConcurrency: number;
  episodeMaxConcurrency: number;
  keyframeMaxAttempts: number;
  consistencyThreshold?: number;
  videoQueueUrl: string;
  videoMaxReceiveCount: number;
}

export function workflowSettingsVariables(values: WorkflowSettingsValues): Record<string, string> {
  return {
    [STAGE_VARIABLES.sceneMaxConcurrency]: String(values.sceneMaxConcurrency),
    [STAGE_VARIABLES.episodeMaxConcurrency]: String(values.episodeMaxConcurrency),
    [STAGE_VARIABLES.keyframeMaxAttempts]: String(values.keyframeMaxAttempts),
    [STAGE_VARIABLES.videoQueueUrl]: values.videoQueueUrl,
    [STAGE_VARIABLES.videoMaxReceiveCount]: String(values.videoMaxReceiveCount),
    ...(values.consistencyThreshold === undefined ? {} : { [STAGE_VARIABLES.consistencyThreshold]: String(values.consistencyThreshold) }),
  };
}
