import { DramaforgeError } from './errors.js';
import * as z from './zod-mini.js';

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
  providerSlots: 'DRAMAFORGE_PROVIDER_SLOTS',
  providerSlotsSharedBy: 'DRAMAFORGE_PROVIDER_SLOTS_SHARED_BY',
} as const;

export const TRIGGER_VARIABLES = { stateMachineArn: 'STATE_MACHINE_ARN' } as const;

/** Set by the media layers in AWS; locally the npm packages' own paths are used when unset. */
export const MEDIA_VARIABLES = {
  ffmpegPath: 'FFMPEG_PATH',
  ffprobePath: 'FFPROBE_PATH',
  fontsDir: 'DRAMAFORGE_FONTS_DIR',
  espeakWorker: 'DRAMAFORGE_ESPEAK_WORKER',
} as const;

const positiveInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);
const text = () => z.string().check(z.minLength(1));
const optionalText = z.optional(text());

/** Keyed like STAGE_VARIABLES: each field is read from the variable of the same key. */
const StageEnvironmentSchema = z.object({
  tableName: text(),
  bucketName: text(),
  sceneMaxConcurrency: positiveInt(4),
  episodeMaxConcurrency: positiveInt(2),
  keyframeMaxAttempts: positiveInt(3),
  consistencyThreshold: z.optional(z.coerce.number().check(z.gt(0), z.lte(1))),
  videoQueueUrl: optionalText,
  /** The video queue's redrive maxReceiveCount: the receive after which a failing message goes to the DLQ. */
  videoMaxReceiveCount: positiveInt(3),
  s3ForcePathStyle: z.pipe(
    z._default(z.enum(['true', 'false']), 'false'),
    z.transform((value) => value === 'true'),
  ),
  providerSecretArn: optionalText,
  faults: optionalText,
  providerCallLog: optionalText,
  priceOverrides: optionalText,
  /** JSON, calls at once by `provider/model` or provider: the slots shared out by production priority. */
  providerSlots: z.pipe(
    z.optional(z.string()),
    z.transform((json: string | undefined, context) => {
      if (json === undefined) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        context.issues.push({ code: 'custom', message: 'not JSON', input: json });
        return z.NEVER;
      }
      const limits = z.record(text(), z.int().check(z.positive())).safeParse(value);
      if (!limits.success) {
        context.issues.push({
          code: 'custom',
          message: 'must map provider or provider/model to a positive whole number of slots',
          input: json,
        });
        return z.NEVER;
      }
      return limits.data;
    }),
  ),
  /**
   * Who shares the slots out: the production table, so every function and sandbox that shares it
   * shares them, or this process alone, which is exact and cheaper where one process runs every call.
   */
  providerSlotsSharedBy: z._default(z.enum(['table', 'process']), 'table'),
}) satisfies z.ZodMiniObject<Record<keyof typeof STAGE_VARIABLES, z.ZodMiniType>>;

const TriggerEnvironmentSchema = z.object({ stateMachineArn: text() }) satisfies z.ZodMiniObject<
  Record<keyof typeof TRIGGER_VARIABLES, z.ZodMiniType>
>;

const MediaEnvironmentSchema = z.object({
  ffmpegPath: optionalText,
  ffprobePath: optionalText,
  fontsDir: optionalText,
  espeakWorker: optionalText,
}) satisfies z.ZodMiniObject<Record<keyof typeof MEDIA_VARIABLES, z.ZodMiniType>>;

/** What a stage function reads, once, at cold start. */
export type StageEnvironment = z.output<typeof StageEnvironmentSchema>;
export type MediaEnvironment = z.output<typeof MediaEnvironmentSchema>;

/** A variable is missing or malformed: the function cannot start. One line, naming each variable. */
export class EnvironmentInvalid extends DramaforgeError {
  static readonly errorName: string = 'EnvironmentInvalid';
  override readonly name: string = EnvironmentInvalid.errorName;
}

/** Reads each field of `schema` from the variable `names` gives it; a problem names the variable, not the field. */
function read<Schema extends z.ZodMiniObject>(
  schema: Schema,
  names: Record<keyof z.output<Schema>, string>,
  env: Record<string, string | undefined>,
): z.output<Schema> {
  const raw = Object.fromEntries(Object.entries(names).map(([field, name]) => [field, env[name as string]]));
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = String(issue.path[0]);
    return `${(names as Record<string, string>)[field]} ${raw[field] === undefined ? 'is not set' : `is invalid (${issue.message})`}`;
  });
  throw new EnvironmentInvalid(`environment: ${problems.join('; ')}`);
}

/** The process's own variables: the one place lambdas/ reads them. */
export function processEnvironment(): Record<string, string | undefined> {
  return process.env;
}

export function readStageEnvironment(env: Record<string, string | undefined> = processEnvironment()): StageEnvironment {
  return read(StageEnvironmentSchema, STAGE_VARIABLES, env);
}

export function readTriggerEnvironment(env: Record<string, string | undefined> = processEnvironment()): {
  stateMachineArn: string;
} {
  return read(TriggerEnvironmentSchema, TRIGGER_VARIABLES, env);
}

export function readMediaEnvironment(env: Record<string, string | undefined> = processEnvironment()): MediaEnvironment {
  return read(MediaEnvironmentSchema, MEDIA_VARIABLES, env);
}

/** The workflow settings an environment deploys with, as the stack and the local runtime write them. */
export type WorkflowSettingsValues = Pick<
  StageEnvironment,
  | 'sceneMaxConcurrency'
  | 'episodeMaxConcurrency'
  | 'keyframeMaxAttempts'
  | 'consistencyThreshold'
  | 'videoMaxReceiveCount'
> & { videoQueueUrl: string };

export function workflowSettingsVariables(values: WorkflowSettingsValues): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [STAGE_VARIABLES[field as keyof WorkflowSettingsValues], String(value)]),
  );
}
