import * as z from 'zod';
import { PROVIDER_PROFILES, PROVIDER_ROLES } from '../contracts/provider-profiles.js';
import { MANIFEST_LIMITS, MAX_DUBS } from './limits.js';

/**
 * Manifest v1: the user's contract (docs/manifest.md). Unknown keys are
 * errors everywhere, ids are safe to use in S3 keys and DynamoDB sort keys,
 * and every limit is enforced here so nothing downstream has to re-check.
 */

const ID_PATTERN = /^[a-z0-9-]+$/;

const id = (what: string) =>
  z
    .string()
    .min(1, `${what} id must not be empty`)
    .max(63, `${what} id must be at most 63 characters`)
    .regex(ID_PATTERN, `${what} id must use only a-z, 0-9 and '-'`);

const text = (what: string, max: number) =>
  z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);

/** Who may serve lip-sync: a profile that has it, or sync.so's own API (it serves lip-sync only). */
export const LIP_SYNC_PROVIDERS = ['offline', 'openai-compatible', 'sync-so'] as const;

const ProviderProfile = z.enum(PROVIDER_PROFILES);

const languageTag = (what: string) =>
  z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, `${what} must be a BCP-47 tag such as vi-VN`);

const Providers = z.strictObject({
  profile: ProviderProfile.default('offline'),
  overrides: z
    .strictObject({
      ...(Object.fromEntries(PROVIDER_ROLES.map((stage) => [stage, ProviderProfile.optional()])) as Record<
        (typeof PROVIDER_ROLES)[number],
        z.ZodOptional<typeof ProviderProfile>
      >),
      lipSync: z.enum(LIP_SYNC_PROVIDERS).optional(),
    })
    .optional(),
});

/** The most a review may wait for its decision: a week, inside the production execution's own timeout. */
export const MAX_REVIEW_WAIT_HOURS = 168;

const Review = z.strictObject({
  /** `video`: approve the animatic (real script, keyframes and voices, offline video) before paying for video; `delivery`: approve the finished cut. */
  before: z.enum(['video', 'delivery']),
  /** How long the gate waits for a decision before the production stops, cleanly, as REVIEW_TIMED_OUT. */
  waitHours: z.number().positive().max(MAX_REVIEW_WAIT_HOURS).default(72),
});

/** The most clips bought for one scene to keep the best of (docs/providers.md, Candidates). */
export const MAX_VIDEO_CANDIDATES = 4;

/** How a scene's clip is bought: `candidates` clips, each scored, the best kept. */
const VideoSettings = z.strictObject({
  candidates: z
    .int('video.candidates must be a whole number from 1 to 4')
    .min(1, `video.candidates must be from 1 to ${MAX_VIDEO_CANDIDATES}`)
    .max(MAX_VIDEO_CANDIDATES, `video.candidates must be from 1 to ${MAX_VIDEO_CANDIDATES}`)
    .optional(),
});

const LipSync = z.strictObject({
  mode: z.enum(['fast', 'high_precision']).default('fast'),
});

const Format = z
  .strictObject({
    aspectRatio: z
      .string()
      .regex(/^\d{1,2}:\d{1,2}$/, 'aspectRatio must look like "9:16"')
      .default('9:16'),
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

const HEX_COLOUR = /^#[0-9A-Fa-f]{6}$/;

/**
 * How burned subtitles look (docs/subtitles.md). The preset sets everything; the other
 * fields adjust it. Without a preset, portrait formats get `feed` and landscape ones
 * `broadcast`.
 */
export const SUBTITLE_PRESETS = ['feed', 'boxed', 'broadcast'] as const;

const SubtitleStyle = z.strictObject({
  preset: z.enum(SUBTITLE_PRESETS).optional(),
  /** Multiplies the preset's text size. */
  scale: z.number().min(0.5).max(2).optional(),
  weight: z.enum(['regular', 'bold']).optional(),
  textColour: z.string().regex(HEX_COLOUR, 'textColour must look like "#FFFFFF"').optional(),
  outlineColour: z.string().regex(HEX_COLOUR, 'outlineColour must look like "#000000"').optional(),
});

/**
 * Who voices the lines: `synthesized` (the default), the speech model line by line, then lip-sync when asked;
 * `native`, the video model speaks them in the clip (docs/providers.md, Native voice).
 */
export const VOICE_MODES = ['synthesized', 'native'] as const;
export type VoiceMode = (typeof VOICE_MODES)[number];

const VoiceModeSetting = z.enum(VOICE_MODES, 'voice.mode must be synthesized or native');

const Voice = z.strictObject({
  gender: z.enum(['female', 'male', 'neutral']).optional(),
  pitch: z.number().min(0.5).max(2).optional(),
  rate: z.number().min(0.5).max(2).optional(),
  /** This character's voice mode, over the manifest's. */
  mode: VoiceModeSetting.optional(),
  /** How old the voice sounds, for a video model that hears the voice described in its prompt. */
  age: z.enum(['child', 'young adult', 'adult', 'elderly']).optional(),
  /** The voice's colour in a few words ("husky", "bright and clear"), for the same prompt. */
  timbre: text('timbre', 100).optional(),
});

const Character = z.strictObject({
  id: id('character'),
  name: text('name', 100),
  description: text('description', 1000),
  voice: Voice.optional(),
  /** Whether the character may be given lines; by default people speak and animals (core/domain/creatures.ts) do not. */
  speaks: z.boolean().optional(),
  /** Where the character goes over the season: the development stage writes the episodes along it. */
  arc: text('arc', 1000).optional(),
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
  /** The shot: framing and movement, handed to the image and video prompts. */
  camera: text('camera', 300).optional(),
  /** This scene's own video settings, over the manifest's. */
  video: VideoSettings.optional(),
  dialogue: z
    .array(DialogueLine)
    .max(
      MANIFEST_LIMITS.dialogueLinesPerScene,
      `at most ${MANIFEST_LIMITS.dialogueLinesPerScene} dialogue lines a scene`,
    )
    .optional(),
});

/**
 * An episode gives its scene cards, or a synopsis the development stage turns into cards
 * (`sceneCount` of them). A developed episode keeps its synopsis beside the cards it got,
 * and its cards are what is produced.
 */
const Episode = z
  .strictObject({
    id: id('episode'),
    title: text('title', 200),
    synopsis: text('synopsis', MANIFEST_LIMITS.synopsisCharacters).optional(),
    /** The scene whose keyframe the episode's covers show; by default the scene playing at its middle. */
    cover: id('scene').optional(),
    sceneCount: z
      .int('sceneCount must be a whole number')
      .min(1, 'sceneCount must be at least 1')
      .max(
        MANIFEST_LIMITS.scenesPerEpisode,
        `sceneCount must be at most ${MANIFEST_LIMITS.scenesPerEpisode} (scenes an episode)`,
      )
      .optional(),
    scenes: z
      .array(Scene)
      .min(1, 'an episode needs at least one scene')
      .max(MANIFEST_LIMITS.scenesPerEpisode, `at most ${MANIFEST_LIMITS.scenesPerEpisode} scenes an episode`)
      .optional(),
  })
  .superRefine((episode, ctx) => {
    if (episode.scenes === undefined && episode.synopsis === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['scenes'],
        message: 'is required (or give a synopsis, and the development stage writes the scenes)',
      });
    }
    if (episode.sceneCount !== undefined && episode.synopsis === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sceneCount'],
        message: 'only an episode with a synopsis has scenes to develop',
      });
    }
  });

export const ManifestSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1, 'version must be 1'),
  production: z.string().regex(/^[a-z0-9-]{3,63}$/, 'production must be 3 to 63 characters of a-z, 0-9 and "-"'),
  title: text('title', 200),
  /** The series in a sentence: what the development stage writes every episode towards. */
  logline: text('logline', 500).optional(),
  genre: text('genre', 100).optional(),
  /** The visual style handed to every image and video prompt. */
  style: text('style', 500).optional(),
  /** The places the series is shot in: developed scenes are set there. */
  locations: z
    .array(text('location', 500))
    .max(MANIFEST_LIMITS.characters, `at most ${MANIFEST_LIMITS.characters} locations`)
    .optional(),
  language: languageTag('language'),
  /** The languages each finished episode is dubbed into, over the master's pictures (docs/markets.md). */
  dubs: z.array(languageTag('a dub')).max(MAX_DUBS, `at most ${MAX_DUBS} dubs`).optional(),
  format: Format.default({ aspectRatio: '9:16', width: 1080, height: 1920, fps: 30 }),
  subtitles: SubtitleStyle.optional(),
  budgetUsd: z.number().min(0).max(1_000_000),
  /** This production's share of contended provider slots against the others running at once: weighted, so nothing starves. */
  priority: z
    .int('priority must be a whole number from 1 to 10')
    .min(1, 'priority must be from 1 to 10')
    .max(10, 'priority must be from 1 to 10')
    .default(5),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  providers: Providers.default({ profile: 'offline' }),
  /** How every scene's clip is bought, unless the scene says otherwise. */
  video: VideoSettings.optional(),
  /** Who voices every speaking character's lines, unless the character says otherwise. */
  voice: z.strictObject({ mode: VoiceModeSetting }).optional(),
  /** Sync each speaking character's lips to their voice, after video. */
  lipSync: LipSync.optional(),
  /** Pause for a producer's approval (`dramaforge approve` / `reject`). */
  review: Review.optional(),
  characters: z.array(Character).max(MANIFEST_LIMITS.characters, `at most ${MANIFEST_LIMITS.characters} characters`),
  episodes: z
    .array(Episode)
    .min(1, 'a production needs at least one episode')
    .max(MANIFEST_LIMITS.episodes, `at most ${MANIFEST_LIMITS.episodes} episodes`),
});

/** A valid manifest as written: a series bible when some episode still waits for its scene cards. */
export type SeriesManifest = z.output<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;
export type SeriesEpisode = SeriesManifest['episodes'][number];
export type ManifestScene = NonNullable<SeriesEpisode['scenes']>[number];
export type ManifestEpisode = SeriesEpisode & { scenes: ManifestScene[] };
/** A manifest every episode of which has its scene cards: what production reads. */
export type Manifest = Omit<SeriesManifest, 'episodes'> & { episodes: ManifestEpisode[] };
export type ManifestCharacter = SeriesManifest['characters'][number];
export type ManifestSubtitleStyle = NonNullable<SeriesManifest['subtitles']>;
