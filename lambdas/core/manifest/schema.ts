import * as z from 'zod';

/**
 * Manifest v1: the user's contract (DESIGN.md section 3). Unknown keys are
 * errors everywhere, ids are safe to use in S3 keys and DynamoDB sort keys,
 * and every limit is enforced here so nothing downstream has to re-check.
 */

export const MANIFEST_LIMITS = {
  characters: 50,
  episodes: 100,
  scenesPerEpisode: 60,
  dialogueLinesPerScene: 40,
  lineCharacters: 500,
  manifestBytes: 1024 * 1024,
} as const;

const ID_PATTERN = /^[a-z0-9-]+$/;

const id = (what: string) =>
  z
    .string()
    .min(1, `${what} id must not be empty`)
    .max(63, `${what} id must be at most 63 characters`)
    .regex(ID_PATTERN, `${what} id must use only a-z, 0-9 and '-'`);

const text = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`);

export const PROVIDER_PROFILES = ['offline', 'openai-compatible', 'bedrock'] as const;
export const PROVIDER_STAGES = ['script', 'image', 'video', 'speech'] as const;

const ProviderProfile = z.enum(PROVIDER_PROFILES);

const Providers = z.strictObject({
  profile: ProviderProfile.default('offline'),
  overrides: z.strictObject(Object.fromEntries(PROVIDER_STAGES.map((stage) => [stage, ProviderProfile.optional()])) as Record<
    (typeof PROVIDER_STAGES)[number],
    z.ZodOptional<typeof ProviderProfile>
  >).optional(),
});

const Format = z
  .strictObject({
    aspectRatio: z.string().regex(/^\d{1,2}:\d{1,2}$/, 'aspectRatio must look like "9:16"').default('9:16'),
    width: z.int().min(64).max(3840).multipleOf(2, 'width must be even (H.264 needs it)').default(1080),
    height: z.int().min(64).max(3840).multipleOf(2, 'height must be even (H.264 needs it)').default(1920),
    fps: z.int().min(1).max(60).default(30),
  })
  .superRefine((format, ctx) => {
    const [w, h] = format.aspectRatio.split(':').map(Number) as [number, number];
    if (w === 0 || h === 0 || Math.abs(format.width / format.height - w / h) > 0.01) {
      ctx.addIssue({
        code: 'custom',
        path: ['aspectRatio'],
        message: `aspectRatio ${format.aspectRatio} does not match ${format.width}x${format.height}`,
      });
    }
  });

const Voice = z.strictObject({
  gender: z.enum(['female', 'male', 'neutral']).optional(),
  pitch: z.number().min(0.5).max(2).optional(),
  rate: z.number().min(0.5).max(2).optional(),
});

const Character = z.strictObject({
  id: id('character'),
  name: text('name', 100),
  description: text('description', 1000),
  voice: Voice.optional(),
});

const DialogueLine = z.strictObject({
  character: id('character'),
  line: text('line', MANIFEST_LIMITS.lineCharacters),
});

const Scene = z.strictObject({
  id: id('scene'),
  location: text('location', 500),
  characters: z.array(id('character')).max(MANIFEST_LIMITS.characters),
  outline: text('outline', 2000),
  mood: text('mood', 50).optional(),
  dialogue: z
    .array(DialogueLine)
    .max(MANIFEST_LIMITS.dialogueLinesPerScene, `at most ${MANIFEST_LIMITS.dialogueLinesPerScene} dialogue lines a scene`)
    .optional(),
});

const Episode = z.strictObject({
  id: id('episode'),
  title: text('title', 200),
  scenes: z
    .array(Scene)
    .min(1, 'an episode needs at least one scene')
    .max(MANIFEST_LIMITS.scenesPerEpisode, `at most ${MANIFEST_LIMITS.scenesPerEpisode} scenes an episode`),
});

export const ManifestSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1, 'version must be 1'),
    production: z
      .string()
      .regex(/^[a-z0-9-]{3,63}$/, 'production must be 3 to 63 characters of a-z, 0-9 and "-"'),
    title: text('title', 200),
    language: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'language must be a BCP-47 tag such as vi-VN'),
    format: Format.default({ aspectRatio: '9:16', width: 1080, height: 1920, fps: 30 }),
    budgetUsd: z.number().min(0).max(1_000_000),
    /** This production's share of contended provider slots against the others running at once: weighted, so nothing starves. */
    priority: z.int('priority must be a whole number from 1 to 10').min(1, 'priority must be from 1 to 10').max(10, 'priority must be from 1 to 10').default(5),
    seed: z.int().min(0).max(2 ** 31 - 1).default(1),
    providers: Providers.default({ profile: 'offline' }),
    characters: z
      .array(Character)
      .max(MANIFEST_LIMITS.characters, `at most ${MANIFEST_LIMITS.characters} characters`),
    episodes: z
      .array(Episode)
      .min(1, 'a production needs at least one episode')
      .max(MANIFEST_LIMITS.episodes, `at most ${MANIFEST_LIMITS.episodes} episodes`),
  });

export type Manifest = z.output<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;
export type ManifestEpisode = Manifest['episodes'][number];
export type ManifestScene = ManifestEpisode['scenes'][number];
export type ManifestCharacter = Manifest['characters'][number];
