import { PROVIDER_PROFILES, PROVIDER_ROLES } from '../contracts/provider-profiles.js';
import * as z from '../contracts/zod-mini.js';
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
    .check(
      z.minLength(1, `${what} id must not be empty`),
      z.maxLength(63, `${what} id must be at most 63 characters`),
      z.regex(ID_PATTERN, `${what} id must use only a-z, 0-9 and '-'`),
    );

const text = (what: string, max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, `${what} must not be empty`),
      z.maxLength(max, `${what} must be at most ${max} characters`),
    );

/** Who may serve lip-sync: a profile that has it, or sync.so's own API (it serves lip-sync only). */
export const LIP_SYNC_PROVIDERS = ['offline', 'openai-compatible', 'sync-so'] as const;

const ProviderProfile = z.enum(PROVIDER_PROFILES);

const languageTag = (what: string) =>
  z.string().check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, `${what} must be a BCP-47 tag such as vi-VN`));

const Providers = z.strictObject({
  profile: z._default(ProviderProfile, 'offline'),
  overrides: z.optional(
    z.strictObject({
      ...(Object.fromEntries(PROVIDER_ROLES.map((stage) => [stage, z.optional(ProviderProfile)])) as Record<
        (typeof PROVIDER_ROLES)[number],
        z.ZodMiniOptional<typeof ProviderProfile>
      >),
      lipSync: z.optional(z.enum(LIP_SYNC_PROVIDERS)),
    }),
  ),
});

/** The most a review may wait for its decision: a week, inside the production execution's own timeout. */
export const MAX_REVIEW_WAIT_HOURS = 168;

const Review = z.strictObject({
  /** `video`: approve the animatic (real script, keyframes and voices, offline video) before paying for video; `delivery`: approve the finished cut. */
  before: z.enum(['video', 'delivery']),
  /** How long the gate waits for a decision before the production stops, cleanly, as REVIEW_TIMED_OUT. */
  waitHours: z._default(z.number().check(z.positive(), z.lte(MAX_REVIEW_WAIT_HOURS)), 72),
});

/** The most clips bought for one scene to keep the best of (docs/providers.md, Candidates). */
export const MAX_VIDEO_CANDIDATES = 4;

/** How a scene's clip is bought: `candidates` clips, each scored, the best kept. */
const VideoSettings = z.strictObject({
  candidates: z.optional(
    z
      .int('video.candidates must be a whole number from 1 to 4')
      .check(
        z.gte(1, `video.candidates must be from 1 to ${MAX_VIDEO_CANDIDATES}`),
        z.lte(MAX_VIDEO_CANDIDATES, `video.candidates must be from 1 to ${MAX_VIDEO_CANDIDATES}`),
      ),
  ),
});

const LipSync = z.strictObject({
  mode: z._default(z.enum(['fast', 'high_precision']), 'fast'),
});

const Format = z
  .strictObject({
    aspectRatio: z._default(
      z.string().check(z.regex(/^\d{1,2}:\d{1,2}$/, 'aspectRatio must look like "9:16"')),
      '9:16',
    ),
    width: z._default(
      z.int().check(z.gte(64), z.lte(3840), z.multipleOf(2, 'width must be even (H.264 needs it)')),
      1080,
    ),
    height: z._default(
      z.int().check(z.gte(64), z.lte(3840), z.multipleOf(2, 'height must be even (H.264 needs it)')),
      1920,
    ),
    fps: z._default(z.int().check(z.gte(1), z.lte(60)), 30),
  })
  .check(
    z.superRefine((format, ctx) => {
      const [w, h] = format.aspectRatio.split(':').map(Number) as [number, number];
      if (w === 0 || h === 0 || Math.abs(format.width / format.height - w / h) > 0.01) {
        ctx.addIssue({
          code: 'custom',
          path: ['aspectRatio'],
          message: `aspectRatio ${format.aspectRatio} does not match ${format.width}x${format.height}`,
        });
      }
    }),
  );

const HEX_COLOUR = /^#[0-9A-Fa-f]{6}$/;

/**
 * How burned subtitles look (docs/subtitles.md). The preset sets everything; the other
 * fields adjust it. Without a preset, portrait formats get `feed` and landscape ones
 * `broadcast`.
 */
export const SUBTITLE_PRESETS = ['feed', 'boxed', 'broadcast'] as const;

const SubtitleStyle = z.strictObject({
  preset: z.optional(z.enum(SUBTITLE_PRESETS)),
  /** Multiplies the preset's text size. */
  scale: z.optional(z.number().check(z.gte(0.5), z.lte(2))),
  weight: z.optional(z.enum(['regular', 'bold'])),
  textColour: z.optional(z.string().check(z.regex(HEX_COLOUR, 'textColour must look like "#FFFFFF"'))),
  outlineColour: z.optional(z.string().check(z.regex(HEX_COLOUR, 'outlineColour must look like "#000000"'))),
});

/**
 * Who voices the lines: `synthesized` (the default), the speech model line by line, then lip-sync when asked;
 * `native`, the video model speaks them in the clip (docs/providers.md, Native voice).
 */
export const VOICE_MODES = ['synthesized', 'native'] as const;
export type VoiceMode = (typeof VOICE_MODES)[number];

const VoiceModeSetting = z.enum(VOICE_MODES, 'voice.mode must be synthesized or native');

const Voice = z.strictObject({
  gender: z.optional(z.enum(['female', 'male', 'neutral'])),
  pitch: z.optional(z.number().check(z.gte(0.5), z.lte(2))),
  rate: z.optional(z.number().check(z.gte(0.5), z.lte(2))),
  /** This character's voice mode, over the manifest's. */
  mode: z.optional(VoiceModeSetting),
  /** How old the voice sounds, for a video model that hears the voice described in its prompt. */
  age: z.optional(z.enum(['child', 'young adult', 'adult', 'elderly'])),
  /** The voice's colour in a few words ("husky", "bright and clear"), for the same prompt. */
  timbre: z.optional(text('timbre', 100)),
});

const Character = z.strictObject({
  id: id('character'),
  name: text('name', 100),
  description: text('description', 1000),
  voice: z.optional(Voice),
  /** Whether the character may be given lines; by default people speak and animals (core/domain/creatures.ts) do not. */
  speaks: z.optional(z.boolean()),
  /** Where the character goes over the season: the development stage writes the episodes along it. */
  arc: z.optional(text('arc', 1000)),
});

const DialogueLine = z.strictObject({
  character: id('character'),
  line: text('line', MANIFEST_LIMITS.lineCharacters),
});

const Scene = z.strictObject({
  id: id('scene'),
  location: text('location', 500),
  characters: z.array(id('character')).check(z.maxLength(MANIFEST_LIMITS.characters)),
  outline: text('outline', 2000),
  mood: z.optional(text('mood', 50)),
  /** The shot: framing and movement, handed to the image and video prompts. */
  camera: z.optional(text('camera', 300)),
  /** This scene's own video settings, over the manifest's. */
  video: z.optional(VideoSettings),
  dialogue: z.optional(
    z
      .array(DialogueLine)
      .check(
        z.maxLength(
          MANIFEST_LIMITS.dialogueLinesPerScene,
          `at most ${MANIFEST_LIMITS.dialogueLinesPerScene} dialogue lines a scene`,
        ),
      ),
  ),
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
    synopsis: z.optional(text('synopsis', MANIFEST_LIMITS.synopsisCharacters)),
    /** The scene whose keyframe the episode's covers show; by default the scene playing at its middle. */
    cover: z.optional(id('scene')),
    sceneCount: z.optional(
      z
        .int('sceneCount must be a whole number')
        .check(
          z.gte(1, 'sceneCount must be at least 1'),
          z.lte(
            MANIFEST_LIMITS.scenesPerEpisode,
            `sceneCount must be at most ${MANIFEST_LIMITS.scenesPerEpisode} (scenes an episode)`,
          ),
        ),
    ),
    scenes: z.optional(
      z
        .array(Scene)
        .check(
          z.minLength(1, 'an episode needs at least one scene'),
          z.maxLength(
            MANIFEST_LIMITS.scenesPerEpisode,
            `at most ${MANIFEST_LIMITS.scenesPerEpisode} scenes an episode`,
          ),
        ),
    ),
  })
  .check(
    z.superRefine((episode, ctx) => {
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
    }),
  );

export const ManifestSchema = z.strictObject({
  $schema: z.optional(z.string()),
  version: z.literal(1, 'version must be 1'),
  production: z
    .string()
    .check(z.regex(/^[a-z0-9-]{3,63}$/, 'production must be 3 to 63 characters of a-z, 0-9 and "-"')),
  title: text('title', 200),
  /** The series in a sentence: what the development stage writes every episode towards. */
  logline: z.optional(text('logline', 500)),
  genre: z.optional(text('genre', 100)),
  /** The visual style handed to every image and video prompt. */
  style: z.optional(text('style', 500)),
  /** The places the series is shot in: developed scenes are set there. */
  locations: z.optional(
    z
      .array(text('location', 500))
      .check(z.maxLength(MANIFEST_LIMITS.characters, `at most ${MANIFEST_LIMITS.characters} locations`)),
  ),
  language: languageTag('language'),
  /** The languages each finished episode is dubbed into, over the master's pictures (docs/markets.md). */
  dubs: z.optional(z.array(languageTag('a dub')).check(z.maxLength(MAX_DUBS, `at most ${MAX_DUBS} dubs`))),
  format: z._default(Format, { aspectRatio: '9:16', width: 1080, height: 1920, fps: 30 }),
  subtitles: z.optional(SubtitleStyle),
  budgetUsd: z.number().check(z.gte(0), z.lte(1_000_000)),
  /** This production's share of contended provider slots against the others running at once: weighted, so nothing starves. */
  priority: z._default(
    z
      .int('priority must be a whole number from 1 to 10')
      .check(z.gte(1, 'priority must be from 1 to 10'), z.lte(10, 'priority must be from 1 to 10')),
    5,
  ),
  seed: z._default(z.int().check(z.gte(0), z.lte(2 ** 31 - 1)), 1),
  providers: z._default(Providers, { profile: 'offline' }),
  /** How every scene's clip is bought, unless the scene says otherwise. */
  video: z.optional(VideoSettings),
  /** Who voices every speaking character's lines, unless the character says otherwise. */
  voice: z.optional(z.strictObject({ mode: VoiceModeSetting })),
  /** Sync each speaking character's lips to their voice, after video. */
  lipSync: z.optional(LipSync),
  /** Pause for a producer's approval (`dramaforge approve` / `reject`). */
  review: z.optional(Review),
  characters: z
    .array(Character)
    .check(z.maxLength(MANIFEST_LIMITS.characters, `at most ${MANIFEST_LIMITS.characters} characters`)),
  episodes: z
    .array(Episode)
    .check(
      z.minLength(1, 'a production needs at least one episode'),
      z.maxLength(MANIFEST_LIMITS.episodes, `at most ${MANIFEST_LIMITS.episodes} episodes`),
    ),
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
