import * as z from './zod-mini.js';

/**
 * The platform package delivered beside each episode and dub (`<episode>[.<lang>].platform.json`):
 * what a producer types into a short-video platform's upload form. The limits are the tightest of
 * the three platforms docs/markets.md maps it to, so one package fits all of them.
 */
export const PLATFORM_LIMITS = {
  /** YouTube's title field, the shortest title of the three. */
  titleCharacters: 100,
  /** Leaves room for the hashtags inside TikTok's caption, which carries both. */
  descriptionCharacters: 2000,
  /** YouTube shows the first three above the title; a few more cover the genre without reading as spam. */
  hashtags: 5,
  hashtagCharacters: 40,
} as const;

/** A hashtag as every platform links it: `#`, then letters, marks, digits or underscores, no spaces. */
export const HashtagSchema = z
  .string()
  .check(
    z.maxLength(PLATFORM_LIMITS.hashtagCharacters),
    z.regex(/^#[\p{L}\p{M}\p{N}_]+$/u, 'a hashtag is # then letters, digits or _ with no spaces'),
  );

export const ListingSchema = z.strictObject({
  description: z.string().check(z.trim(), z.minLength(1), z.maxLength(PLATFORM_LIMITS.descriptionCharacters)),
  hashtags: z.array(HashtagSchema).check(z.minLength(1), z.maxLength(PLATFORM_LIMITS.hashtags)),
});

/**
 * The file's whole shape. Strict: a field this schema does not name (an account, a token, a channel)
 * cannot be written, so a package never carries account data.
 */
export const PlatformPackageSchema = z.extend(ListingSchema, {
  episodeId: z.string().check(z.regex(/^[a-z0-9-]{1,63}$/)),
  /** Canonical tag (core/text/languages.ts): the master's language, or the dub's. */
  language: z.string().check(z.minLength(2)),
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(PLATFORM_LIMITS.titleCharacters)),
  /** The delivered MP4's duration as probed. */
  durationSeconds: z.number().check(z.positive()),
  aspectRatio: z.string().check(z.regex(/^\d+:\d+$/)),
  width: z.int().check(z.positive()),
  height: z.int().check(z.positive()),
  /** The cover's file name beside the package, `<episode>[.<lang>].cover.jpg`. */
  cover: z.string().check(z.regex(/^[a-z0-9-]+(\.[A-Za-z0-9-]+)?\.cover\.jpg$/)),
});
export type PlatformPackage = z.output<typeof PlatformPackageSchema>;

/** The package's file name beside the episode's other deliverables. */
export const platformPackageFile = (stem: string) => `${stem}.platform.json`;

/** A model's hashtag as the platforms take it: one `#`, and what cannot sit in a hashtag (spaces, punctuation) left out. */
export function mendHashtag(tag: string): string | undefined {
  const body = tag.normalize('NFC').replace(/[^\p{L}\p{M}\p{N}_]/gu, '');
  return body === '' ? undefined : `#${body}`.slice(0, PLATFORM_LIMITS.hashtagCharacters);
}
