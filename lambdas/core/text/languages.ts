import type { ManifestProblem } from '../contracts/errors.js';
import type { PROVIDER_PROFILES } from '../contracts/provider-profiles.js';
import type { Manifest } from '../manifest/schema.js';

/**
 * The languages dramaforge produces in, and which provider profile can do what in
 * each. A language is supported by a production when every role that depends on the
 * language can serve it: the script role writes its dialogue, the speech role has a
 * voice for it, and the subtitle fonts (lambdas/adapters/media/fonts.ts) cover its
 * script. Fonts do not depend on the profile; the other two do.
 */

export type ProviderProfileName = (typeof PROVIDER_PROFILES)[number];

/** The writing system of a language, which picks its subtitle font and how its lines break. */
export type Script = 'latin' | 'thai' | 'hangul' | 'japanese' | 'han-simplified' | 'han-traditional';

export interface Language {
  /** The canonical BCP-47 tag a production runs under. */
  tag: string;
  /** English name, for docs and errors. */
  name: string;
  script: Script;
  /** Other tags a manifest may write for the same language (compared case-insensitively). */
  aliases: readonly string[];
}

export const LANGUAGES: readonly Language[] = [
  { tag: 'vi-VN', name: 'Vietnamese', script: 'latin', aliases: ['vi'] },
  { tag: 'th-TH', name: 'Thai', script: 'thai', aliases: ['th'] },
  { tag: 'id-ID', name: 'Indonesian', script: 'latin', aliases: ['id'] },
  { tag: 'ms-MY', name: 'Malay', script: 'latin', aliases: ['ms'] },
  { tag: 'fil-PH', name: 'Filipino', script: 'latin', aliases: ['fil', 'tl', 'tl-PH'] },
  {
    tag: 'zh-CN',
    name: 'Chinese (Simplified)',
    script: 'han-simplified',
    aliases: ['zh', 'zh-Hans', 'zh-Hans-CN', 'zh-SG', 'cmn-CN'],
  },
  {
    tag: 'zh-TW',
    name: 'Chinese (Traditional)',
    script: 'han-traditional',
    aliases: ['zh-Hant', 'zh-Hant-TW', 'cmn-TW'],
  },
  { tag: 'ja-JP', name: 'Japanese', script: 'japanese', aliases: ['ja'] },
  { tag: 'ko-KR', name: 'Korean', script: 'hangul', aliases: ['ko'] },
  { tag: 'en-US', name: 'English (US)', script: 'latin', aliases: ['en'] },
  { tag: 'en-GB', name: 'English (UK)', script: 'latin', aliases: [] },
];

const ALL_TAGS = LANGUAGES.map((language) => language.tag);

/** The roles whose output depends on the language, and so the profiles they route to. */
export type LanguageRole = 'script' | 'speech';

/**
 * What each profile serves, per language-dependent role:
 * - offline: a phrasebook per language (adapters/providers/offline/phrasebook/) and an
 *   espeak-ng voice; Filipino has no espeak-ng voice and is read with the Indonesian one
 *   (docs/languages.md), whose letter-to-sound rules fit Tagalog spelling closely;
 * - openai-compatible: a chat model writes any of them, and the speech endpoint's voices
 *   speak them all;
 * - bedrock: Converse writes any of them, but Polly has neural voices for only some
 *   (adapters/providers/bedrock/polly-speech-model.ts): no Vietnamese, Thai, Indonesian,
 *   Malay, Filipino or Taiwanese Mandarin.
 */
export const PROFILE_LANGUAGES: Readonly<
  Record<ProviderProfileName, Readonly<Record<LanguageRole, readonly string[]>>>
> = {
  offline: { script: ALL_TAGS, speech: ALL_TAGS },
  'openai-compatible': { script: ALL_TAGS, speech: ALL_TAGS },
  bedrock: { script: ALL_TAGS, speech: ['en-US', 'en-GB', 'zh-CN', 'ja-JP', 'ko-KR'] },
};

/**
 * The profiles whose script role can translate a dub's lines (docs/markets.md): the real ones with
 * their script model, the offline one with its phrasebook stand-in.
 */
export const TRANSLATING_PROFILES: readonly ProviderProfileName[] = ['offline', 'openai-compatible', 'bedrock'];

function normalisedTag(tag: string): string {
  return tag.trim().replace(/_/g, '-').toLowerCase();
}

/** The language a manifest's tag names, or undefined when dramaforge does not produce in it. */
export function findLanguage(tag: string): Language | undefined {
  const wanted = normalisedTag(tag);
  return LANGUAGES.find((language) =>
    [language.tag, ...language.aliases].some((candidate) => normalisedTag(candidate) === wanted),
  );
}

/** The language a validated manifest's tag names; only call it on tags validation accepted. */
export function languageOf(tag: string): Language {
  const language = findLanguage(tag);
  if (!language)
    throw new RangeError(`language ${tag} is not one dramaforge produces in (supported: ${ALL_TAGS.join(', ')})`);
  return language;
}

/** The languages a profile serves in every language-dependent role. */
export function languagesSupportedBy(profile: ProviderProfileName): string[] {
  const served = PROFILE_LANGUAGES[profile];
  return ALL_TAGS.filter((tag) => served.script.includes(tag) && served.speech.includes(tag));
}

type ShapeOfProviders = Pick<Manifest, 'language' | 'providers' | 'dubs'>;

const LANGUAGE_ROLES: readonly LanguageRole[] = ['script', 'speech'];

/**
 * `<path>: <tag> is not supported by the <profile> profile (supported: ...)`, once for each
 * profile the manifest routes a language-dependent role to that cannot serve the language
 * there (an override routes one role elsewhere). A dub is written by the script role's
 * profile and voiced by the speech role's, so each dub is held to the master's rule.
 */
export function languageProblems(manifest: ShapeOfProviders): ManifestProblem[] {
  const problems = unsupportedBy(manifest, manifest.language, 'language');
  const translator = manifest.providers.overrides?.script ?? manifest.providers.profile;
  if ((manifest.dubs ?? []).length > 0 && !TRANSLATING_PROFILES.includes(translator)) {
    problems.push({
      path: 'dubs',
      reason: `the ${translator} profile writes the script and cannot translate a dub yet (dubs are translated by: ${TRANSLATING_PROFILES.join(', ')})`,
    });
  }
  const master = findLanguage(manifest.language)?.tag;
  const seen = new Set<string>();
  (manifest.dubs ?? []).forEach((tag, index) => {
    const path = `dubs[${index}]`;
    const dub = findLanguage(tag)?.tag;
    if (dub !== undefined && dub === master)
      problems.push({ path, reason: `${tag} is the master's language; a dub is another language` });
    else if (dub !== undefined && seen.has(dub)) problems.push({ path, reason: `${tag} is already listed` });
    else problems.push(...unsupportedBy(manifest, tag, path));
    if (dub !== undefined) seen.add(dub);
  });
  return problems;
}

function unsupportedBy(manifest: ShapeOfProviders, tag: string, path: string): ManifestProblem[] {
  const language = findLanguage(tag);
  const failing = new Set<ProviderProfileName>();
  for (const role of LANGUAGE_ROLES) {
    const profile = manifest.providers.overrides?.[role] ?? manifest.providers.profile;
    if (!language || !PROFILE_LANGUAGES[profile][role].includes(language.tag)) failing.add(profile);
  }
  return [...failing].map((profile) => ({
    path,
    reason: `${tag} is not supported by the ${profile} profile (supported: ${languagesSupportedBy(profile).join(', ')})`,
  }));
}
