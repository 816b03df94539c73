import { PLATFORM_LIMITS } from '../contracts/platform-package.js';
import type {
  EpisodeListing,
  LineTranslation,
  LineTranslationRequest,
  ListingTranslationRequest,
  Metered,
  Repair,
  TitleTranslationRequest,
} from '../contracts/ports.js';
import * as z from '../contracts/zod-mini.js';
import { findLanguage } from '../text/languages.js';
import {
  answerCarryingRepairs,
  asRecord,
  type ChatAnswer,
  type ChatMessage,
  type Checked,
  zodProblems,
} from './answer-repair.js';
import { rewriteForContentPolicy } from './content-rewrite.js';
import { checkListing } from './listing-prompt.js';

/**
 * What every real script model is asked when it translates a dub: a master line (with its scene,
 * its speaker, the lines around it and the seconds it must be said in), an episode's title, or an
 * episode's listing; and how its answer is mended, checked and repaired once.
 */

/** As long as a script line may be (core/prompts/script-prompt.ts): a translation is one line of the dub's script. */
const LINE_LIMIT = 500;
/** As long as a manifest's episode title may be. */
const TITLE_LIMIT = 200;
/** How many master lines on each side of the translated one the model sees, marked. */
const NEIGHBOURS = 3;

type Serving = { provider: string; model: string };
type Complete = (messages: ChatMessage[]) => Promise<ChatAnswer>;

const languageName = (tag: string) => {
  const language = findLanguage(tag);
  return language ? `${language.name} (${language.tag})` : tag;
};

function sceneBrief(scene: LineTranslationRequest['scene']): string {
  return [
    `Scene: ${scene.location}. ${scene.outline}`,
    scene.mood ? `Mood: ${scene.mood}` : undefined,
    `Characters:\n${scene.characters.map((c) => `- ${c.name}: ${c.description}`).join('\n')}`,
  ]
    .filter(Boolean)
    .join('\n');
}

export function lineTranslationMessages(request: LineTranslationRequest, rewrite: boolean): ChatMessage[] {
  const names = new Map(request.scene.characters.map((c) => [c.id, c.name]));
  names.set(request.speaker.id, request.speaker.name);
  const first = Math.max(0, request.index - NEIGHBOURS);
  const around = request.sceneLines
    .slice(first, request.index + NEIGHBOURS + 1)
    .map((line, offset) => {
      const marker = first + offset === request.index ? '>>' : '  ';
      return `${marker} ${names.get(line.character) ?? line.character}: ${line.line}`;
    })
    .join('\n');
  const line = request.sceneLines[request.index]!.line;
  const brief = [
    sceneBrief(request.scene),
    `Speaker: ${request.speaker.name} (${request.speaker.description})`,
    `The lines around it, the one to translate marked >>:\n${around}`,
    `Line to translate: ${line}`,
    `Length budget: it must be said aloud in at most ${request.budgetSeconds} seconds, as the master's voice said it.`,
    request.tooLong
      ? `Your earlier translation "${request.tooLong.line}" took ${request.tooLong.seconds} seconds to say, over the budget: say it shorter, in about ${Math.floor((100 * request.budgetSeconds) / request.tooLong.seconds)}% of its length, keeping what matters most.`
      : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  return [
    {
      role: 'system',
      content:
        'You translate the dialogue of a vertical short drama for its dub. ' +
        `Translate one line from ${languageName(request.from)} into ${languageName(request.to)}, as the speaker would say it to the others in the scene, in natural spoken ${languageName(request.to)}. ` +
        'Keep its meaning, its tone and who it is said to; the dubbed line must fit in the time the master gives it, so prefer the shorter way to say it. ' +
        'Answer with one JSON object and nothing else: {"line":"<the translated line, without the speaker\'s name or quotation marks>"}.',
    },
    { role: 'user', content: rewrite ? rewriteForContentPolicy(brief) : brief },
  ];
}

export function titleTranslationMessages(request: TitleTranslationRequest, rewrite: boolean): ChatMessage[] {
  const brief = [sceneBrief(request.scene), `Episode title: ${request.title}`].join('\n');
  return [
    {
      role: 'system',
      content:
        'You translate the title of one episode of a vertical short drama for its dub, to be set on its cover. ' +
        `Translate it from ${languageName(request.from)} into ${languageName(request.to)}, about as long as the original, as a title and not a sentence. ` +
        'Answer with one JSON object and nothing else: {"line":"<the translated title>"}.',
    },
    { role: 'user', content: rewrite ? rewriteForContentPolicy(brief) : brief },
  ];
}

export function listingTranslationMessages(request: ListingTranslationRequest, rewrite: boolean): ChatMessage[] {
  const { listing } = request;
  const brief = [
    `Episode title, already in ${languageName(request.to)}: ${request.title}`,
    request.genre ? `Genre: ${request.genre}` : undefined,
    `Description: ${listing.description}`,
    `Hashtags: ${listing.hashtags.join(' ')}`,
  ]
    .filter(Boolean)
    .join('\n');
  return [
    {
      role: 'system',
      content:
        'You translate the platform listing of one episode of a vertical short drama for TikTok, YouTube Shorts and Facebook Reels. ' +
        `Translate it from ${languageName(request.from)} into ${languageName(request.to)}: the description as a viewer of that language would read it, and each hashtag, in order, as the word people of that language tag it with. ` +
        `Answer with one JSON object and nothing else: {"description":"<the description>","hashtags":["#<tag>"]}, with exactly ${listing.hashtags.length} hashtags. ` +
        `The description is under ${PLATFORM_LIMITS.descriptionCharacters} characters and holds no hashtag, link or account name; each hashtag is one word with no spaces.`,
    },
    { role: 'user', content: rewrite ? rewriteForContentPolicy(brief) : brief },
  ];
}

function withoutDialect(shape: z.ZodMiniType): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(shape, { target: 'draft-7' }) as Record<string, unknown>;
  return schema;
}

/** The JSON schema a provider holds a translated line or title to (structured output, Bedrock's forced tool). */
export function lineTranslationJsonSchema(limit: 'line' | 'title'): Record<string, unknown> {
  return withoutDialect(
    z.strictObject({
      line: z.string().check(z.minLength(1), z.maxLength(limit === 'line' ? LINE_LIMIT : TITLE_LIMIT)),
    }),
  );
}

/** The JSON schema of a translated listing: one hashtag for each of the master's. */
export function listingTranslationJsonSchema(hashtags: number): Record<string, unknown> {
  return withoutDialect(
    z.strictObject({
      description: z.string().check(z.minLength(1), z.maxLength(PLATFORM_LIMITS.descriptionCharacters)),
      hashtags: z
        .array(z.string().check(z.minLength(2), z.maxLength(PLATFORM_LIMITS.hashtagCharacters)))
        .check(z.minLength(hashtags), z.maxLength(hashtags)),
    }),
  );
}

/** Quotation marks a model wraps a line in, opening and closing, as the dub languages write them. */
const QUOTES: readonly [string, string][] = [
  ['"', '"'],
  ['“', '”'],
  ['«', '»'],
  ['「', '」'],
  ['『', '』'],
  ["'", "'"],
];

/**
 * A translated line mended where the pipeline can decide (whitespace and line breaks, quotation
 * marks around it, the speaker's name before it), then held to one non-empty line.
 */
export function checkLineTranslation(
  answer: unknown,
  limit: 'line' | 'title',
  speakerName?: string,
): Checked<LineTranslation> {
  const repairs: Repair[] = [];
  const record = asRecord(answer);
  let mended: unknown = answer;
  if (record && typeof record.line === 'string') {
    let line = record.line.replace(/\s+/gu, ' ').trim();
    if (line !== record.line) repairs.push({ path: 'line', repaired: 'whitespace and line breaks', by: 'pipeline' });
    if (speakerName) {
      const named = new RegExp(`^${speakerName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[:：]\\s*`, 'u');
      if (named.test(line)) {
        line = line.replace(named, '');
        repairs.push({ path: 'line', repaired: `the speaker's name "${speakerName}:" left out`, by: 'pipeline' });
      }
    }
    const quotes = QUOTES.find(([open, close]) => line.length > 2 && line.startsWith(open) && line.endsWith(close));
    if (quotes) {
      line = line.slice(quotes[0].length, -quotes[1].length).trim();
      repairs.push({ path: 'line', repaired: `quotation marks ${quotes.join('')} around it left out`, by: 'pipeline' });
    }
    mended = { ...record, line };
  }
  const parsed = z
    .strictObject({
      line: z.string().check(z.minLength(1), z.maxLength(limit === 'line' ? LINE_LIMIT : TITLE_LIMIT)),
    })
    .safeParse(mended);
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
  return { ok: true, value: parsed.data, repairs };
}

/** A translated listing mended and held to the listing's rules (core/prompts/listing-prompt.ts), with one hashtag for each of the master's. */
export function checkListingTranslation(
  answer: unknown,
  hashtags: number,
): Checked<Pick<EpisodeListing, 'description' | 'hashtags'>> {
  const checked = checkListing(answer);
  if (!checked.ok) return checked;
  if (checked.value.hashtags.length !== hashtags)
    return {
      ok: false,
      problems: [
        {
          path: 'hashtags',
          reason: `${checked.value.hashtags.length} distinct hashtags, but the master has ${hashtags}: translate each one, in order`,
        },
      ],
    };
  return checked;
}

async function lineAnswer(
  messages: ChatMessage[],
  serving: Serving,
  what: string,
  complete: Complete,
  check: (answer: unknown) => Checked<LineTranslation>,
): Promise<Metered<LineTranslation>> {
  return answerCarryingRepairs({ messages, serving, what, complete, check });
}

/** Asks for a master line in the dub's language, mends and checks the answer, and asks once more with a repair prompt when only the model can fix it. */
export function translateLineWithRepair(
  request: LineTranslationRequest,
  serving: Serving,
  rewrite: boolean,
  complete: Complete,
): Promise<Metered<LineTranslation>> {
  return lineAnswer(lineTranslationMessages(request, rewrite), serving, 'line translation', complete, (answer) =>
    checkLineTranslation(answer, 'line', request.speaker.name),
  );
}

export function translateTitleWithRepair(
  request: TitleTranslationRequest,
  serving: Serving,
  rewrite: boolean,
  complete: Complete,
): Promise<Metered<LineTranslation>> {
  return lineAnswer(titleTranslationMessages(request, rewrite), serving, 'title translation', complete, (answer) =>
    checkLineTranslation(answer, 'title'),
  );
}

export async function translateListingWithRepair(
  request: ListingTranslationRequest,
  serving: Serving,
  rewrite: boolean,
  complete: Complete,
): Promise<Metered<EpisodeListing>> {
  return answerCarryingRepairs({
    messages: listingTranslationMessages(request, rewrite),
    serving,
    what: 'listing translation',
    complete,
    check: (answer) => checkListingTranslation(answer, request.listing.hashtags.length),
  });
}
