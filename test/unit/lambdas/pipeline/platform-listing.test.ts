import { describe, expect, it, onTestFinished } from 'vitest';
import { OfflineScriptWriter } from '../../../../lambdas/adapters/providers/offline/offline-script-writer.js';
import { PhrasebookTranslator } from '../../../../lambdas/adapters/providers/offline/phrasebook-translator.js';
import { ChatScriptWriter } from '../../../../lambdas/adapters/providers/openai-compatible/chat-script-writer.js';
import { OpenAiConnection } from '../../../../lambdas/adapters/providers/openai-compatible/connection.js';
import { DEFAULT_GUARD_SETTINGS, ProviderGuard } from '../../../../lambdas/composition/resilience/provider-guard.js';
import type { Bound } from '../../../../lambdas/core/contracts/bound-providers.js';
import { PlatformPackageInvalid } from '../../../../lambdas/core/contracts/errors.js';
import { HashtagSchema } from '../../../../lambdas/core/contracts/platform-package.js';
import type { EpisodeListingRequest, TextModel } from '../../../../lambdas/core/contracts/ports.js';
import { parseDevelopedManifest } from '../../../../lambdas/core/manifest/parse.js';
import { LANGUAGES } from '../../../../lambdas/core/text/languages.js';
import {
  platformPackageOf,
  platformTitle,
  writeEpisodeListing,
  writePlatformPackage,
} from '../../../../lambdas/pipeline/platform-package.js';
import type { StageDeps } from '../../../../lambdas/pipeline/stage-deps.js';
import { FakeOpenAiServer } from '../../../support/fake-openai-server.js';
import { ledgerAndBucket } from '../../../support/ledger-and-bucket.js';
import { isWrittenIn } from '../../../support/written-in.js';

const CHAT = 'POST /v1/chat/completions';
const LOGLINE = 'A ferry deckhand finds a stowaway who knows the secret her drowned father took to the harbour floor.';
const SYNOPSIS = 'On the last crossing of the night Mai finds Theo hiding under a tarpaulin on the ferry deck.';

const manifest = parseDevelopedManifest(
  JSON.stringify({
    version: 1,
    production: 'night-ferry',
    title: 'The Night Ferry',
    logline: LOGLINE,
    genre: 'mystery romance',
    language: 'th-TH',
    budgetUsd: 5,
    providers: { profile: 'openai-compatible' },
    characters: [{ id: 'mai', name: 'Mai', description: 'a deckhand in a yellow raincoat' }],
    episodes: [
      {
        id: 'ep01',
        title: 'Stowaway',
        synopsis: SYNOPSIS,
        scenes: [{ id: 's01', location: 'Ferry deck', characters: ['mai'], outline: 'Mai lifts the tarpaulin.' }],
      },
    ],
  }),
);

async function gatewayText(): Promise<{ server: FakeOpenAiServer; text: Bound<TextModel> }> {
  const server = await new FakeOpenAiServer().start();
  onTestFinished(() => server.stop());
  const guard = new ProviderGuard('openai-compatible', { take: async () => undefined }, DEFAULT_GUARD_SETTINGS);
  const connection = new OpenAiConnection({ baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 30_000 }, guard);
  return {
    server,
    text: {
      port: new ChatScriptWriter(connection, 'deepseek-chat', 'json_object'),
      provider: 'openai-compatible',
      model: 'deepseek-chat',
    },
  };
}

describe('the listing prompt, through an OpenAI-compatible gateway', () => {
  it('carries the logline, the synopsis and the target language, and a second run buys nothing', async () => {
    // Prepare
    const { server, text } = await gatewayText();
    server.sloppyStructuredAnswers = true;
    const { deps, ledger, productions } = await ledgerAndBucket(5);
    await productions.openProduction({
      productionId: manifest.production,
      title: manifest.title,
      language: manifest.language,
      budgetUsd: manifest.budgetUsd,
      manifestKey: 'manifests/night-ferry.yaml',
      executionName: 'e',
    });
    const episode = manifest.episodes[0]!;

    // Act
    const first = await writeEpisodeListing(deps, { manifest, episode, text });
    const second = await writeEpisodeListing(deps, { manifest, episode, text });

    // Assess
    const asked = server.requestsTo(CHAT);
    expect(asked).toHaveLength(1);
    const prompt = (asked[0]!.json!.messages as { content: string }[]).map((m) => m.content).join('\n');
    expect(prompt).toContain(LOGLINE);
    expect(prompt).toContain(SYNOPSIS);
    expect(prompt).toContain('Genre: mystery romance');
    expect(prompt).toContain('Write in the language th-TH');
    // The gateway's hashtag without its # and the one with a space are mended, not refused.
    expect(first.listing.hashtags).toEqual(['#shortdrama', '#familydrama', '#homecoming']);
    expect(first.usd).toBeGreaterThan(0);
    expect(second).toEqual({ listing: first.listing, usd: 0 });
    expect((await ledger.listCosts(manifest.production)).map((row) => row.stage)).toEqual(['listing']);
  });
});

describe('the offline listing', () => {
  const request = (language: string): EpisodeListingRequest => ({
    language,
    series: { title: 'The Night Ferry', genre: 'mystery romance' },
    episode: { id: 'ep01', title: 'Mai', scenes: [{ outline: 'Mai lifts the tarpaulin.' }] },
    seed: 7,
  });

  it.each(LANGUAGES.map((language) => language.tag))(
    'writes %s: a description in the language around the title, and the genre hashtags in it',
    async (language) => {
      // Act
      const { result } = await new OfflineScriptWriter().writeListing(request(language));

      // Assess
      const written = language === 'en-GB' ? 'en-US' : language;
      expect(isWrittenIn(written, result.description, ['Mai']), result.description).toBe(true);
      expect(result.description).toContain('Mai');
      expect(result.hashtags.length).toBeGreaterThanOrEqual(3);
      for (const tag of result.hashtags) {
        expect(HashtagSchema.safeParse(tag).success, tag).toBe(true);
        expect(isWrittenIn(written, tag.slice(1)), tag).toBe(true);
      }
    },
  );

  it('reads the mood from the genre, and writes the same listing for the same request', async () => {
    // Act
    const writer = new OfflineScriptWriter();
    const mystery = await writer.writeListing(request('en-US'));
    const again = await writer.writeListing(request('en-US'));
    const comedy = await writer.writeListing({ ...request('en-US'), series: { title: 'T', genre: 'comedy' } });

    // Assess
    expect(again.result).toEqual(mystery.result);
    expect(mystery.result.hashtags).toContain('#mystery');
    expect(comedy.result.hashtags).toContain('#comedy');
  });

  it("translates a master's listing into the dub's language around the dub's title", async () => {
    // Prepare
    const { result: master } = await new OfflineScriptWriter().writeListing(request('en-US'));

    // Act
    const { result } = await new PhrasebookTranslator().translateListing({
      from: 'en-US',
      to: 'ko-KR',
      listing: master,
      genre: 'mystery romance',
      title: '밀항자',
      scene: {
        episodeId: 'ep01',
        sceneId: 's01',
        index: 0,
        location: 'Ferry deck',
        outline: 'Mai lifts the tarpaulin.',
        characters: [],
      },
      seed: 7,
    });

    // Assess
    expect(isWrittenIn('ko-KR', result.description), result.description).toBe(true);
    expect(result.description).toContain('밀항자');
    expect(result.hashtags).toContain('#미스터리');
  });
});

describe('the platform package', () => {
  const delivered = {
    manifest,
    episodeId: 'ep01',
    language: 'th-TH',
    title: 'Stowaway',
    listing: { description: 'A night crossing.', hashtags: ['#shortdrama'] },
    durationSeconds: 12.5,
    cover: 'ep01.cover.jpg',
  };

  it('is written beside the episode when it holds to its schema, and refused when it does not', async () => {
    // Prepare
    const { deps } = await ledgerAndBucket(5);
    const stageDeps = deps as unknown as StageDeps;
    const invalid = {
      ...platformPackageOf(delivered),
      hashtags: ['#short drama'],
      account: 'studio@example.com',
    };

    // Act
    const file = await writePlatformPackage(stageDeps, {
      productionId: 'p1',
      stem: 'ep01',
      package: platformPackageOf(delivered),
    });
    const refused = await writePlatformPackage(stageDeps, { productionId: 'p1', stem: 'ep02', package: invalid }).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(file).toBe('ep01.platform.json');
    expect(await deps.assets.getJson('productions/p1/episodes/ep01.platform.json')).toEqual({
      episodeId: 'ep01',
      language: 'th-TH',
      title: 'Stowaway',
      description: 'A night crossing.',
      hashtags: ['#shortdrama'],
      durationSeconds: 12.5,
      aspectRatio: '9:16',
      width: 1080,
      height: 1920,
      cover: 'ep01.cover.jpg',
    });
    expect(refused).toBeInstanceOf(PlatformPackageInvalid);
    expect(String(refused)).toMatch(/hashtags\.0/);
    expect(String(refused)).toMatch(/account/);
    expect(await deps.assets.findJson('productions/p1/episodes/ep02.platform.json')).toBeUndefined();
  });

  it('cuts a title longer than the platforms take after its last whole word', () => {
    // Act
    const title = platformTitle(`${'word '.repeat(30)}end`);

    // Assess
    expect(title.length).toBeLessThanOrEqual(100);
    expect(title).toMatch(/^(word )*word…$/);
  });
});
