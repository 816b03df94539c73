/// <reference lib="dom" />
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import type { StudioAddress } from '../../local/studio/studio.js';
import { cliArguments } from '../support/cli.js';
import { TEST_PRICES } from './support/pipeline-harness.js';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const twoScenes = fileURLToPath(new URL('./fixtures/two-scenes.yaml', import.meta.url));
/** Where the test leaves its screenshots for a person (and CI) to look at. */
const ARTIFACTS = path.join(repositoryRoot, 'test-artifacts');
const PROVIDER_KEY = 'sk-console-test-provider-key-9876543210';
/** The fixture's frame: 12 fps. */
const FRAME_SECONDS = 1 / 12;
/** What a producer may wait for: a small production on a busy machine of this kind. */
const PRODUCTION_MS = 220_000;

/**
 * The productions the producer's view is checked on, all from the two-scene fixture and run by one
 * studio at once. The offline models are priced (TEST_PRICES) so that spend and a budget stop show.
 */
const MANIFESTS = {
  /** Dubbed into Thai and Korean, and held for review before delivery: approved from the page. */
  dubbed: (text: string) =>
    text
      .replace('budgetUsd: 1\n', 'budgetUsd: 5\ndubs: [th-TH, ko-KR]\nreview: { before: delivery }\n')
      .replace('title: "Two scenes"', 'title: "Two scenes, dubbed"'),
  /** Held for review at the animatic: rejected from the page, with the reason. */
  rejected: (text: string) =>
    text
      .replace('production: two-scene-check', 'production: two-scene-rejected')
      .replace('budgetUsd: 1\n', 'budgetUsd: 5\nreview: { before: video }\n'),
  /**
   * Two reference sheets at $0.04 fit; no keyframe does: each scene stops at the budget. The cache is
   * shared by every production, and a keyframe another production made first costs nothing, so this
   * one's cast looks like no one else's.
   */
  broke: (text: string) =>
    text
      .replace('production: two-scene-check', 'production: two-scene-broke')
      .replace('budgetUsd: 1\n', 'budgetUsd: 0.1\n')
      .replace('"30, short red hair, green coat"', '"30, short red hair, yellow raincoat"')
      .replace('"40, bald, grey suit, tall"', '"40, bald, navy suit, tall"'),
  /** One scene that buys two clips and keeps the better: its page shows both side by side. */
  candidates: (text: string) =>
    text
      .slice(0, text.indexOf('      - id: s02'))
      .replace('production: two-scene-check', 'production: one-scene-candidates')
      .replace('budgetUsd: 1\n', 'budgetUsd: 5\nvideo: { candidates: 2 }\n'),
  /** Rejected by validation: a key the manifest does not know, and a scene's character nobody declared. */
  invalid: (text: string) =>
    text
      .replace('production: two-scene-check', 'production: two-scene-invalid\ndirector: "Nobody"')
      .replace('characters: [ben]', 'characters: [ben, cat]'),
};

let workDir: string;
let studioProcess: ChildProcess;
let studio: StudioAddress;
let s3: S3Client;
let output = '';
let browser: Browser;
let page: Page;

async function upload(name: keyof typeof MANIFESTS): Promise<void> {
  const text = MANIFESTS[name](await readFile(twoScenes, 'utf8'));
  await s3.send(new PutObjectCommand({ Bucket: studio.bucket, Key: `manifests/${name}.yaml`, Body: text }));
}

async function report(productionId: string): Promise<ProductionReport> {
  const object = await s3.send(
    new GetObjectCommand({ Bucket: studio.bucket, Key: `productions/${productionId}/report.json` }),
  );
  return JSON.parse(await object.Body!.transformToString()) as ProductionReport;
}

/** Opens a production's page and waits for its heading to show `status`. */
async function openProduction(productionId: string, status?: string): Promise<void> {
  await page.goto(`${studio.endpoint}/console/#/p/${productionId}`);
  await page.waitForSelector('df-production[data-loaded]');
  if (status)
    await page.waitForFunction(
      (expected) => document.querySelector('df-production h1 .status')?.textContent === expected,
      { timeout: PRODUCTION_MS, polling: 500 },
      status,
    );
}

/** What a value left unset prints when a page draws it. */
const UNSET = /\b(null|undefined|NaN)\b|\[object Object\]/;

/** Every text a page shows: each text node, and the titles, alternatives and placeholders it gives elements. */
function shownTexts(): string[] {
  const texts: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) texts.push(walker.currentNode.nodeValue ?? '');
  for (const element of document.body.querySelectorAll('[title], [alt], [placeholder], [aria-label]'))
    for (const name of ['title', 'alt', 'placeholder', 'aria-label'])
      if (element.hasAttribute(name)) texts.push(element.getAttribute(name)!);
  return texts;
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-console-'));
  // The studio as a user starts it: the CLI, its own process, a provider key in its environment.
  studioProcess = spawn(process.execPath, cliArguments('studio', '--data', path.join(workDir, 'data'), '--port', '0'), {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      DRAMAFORGE_OPENAI_API_KEY: PROVIDER_KEY,
      DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  studioProcess.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const firstLine = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    studioProcess.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      stdout += chunk.toString('utf8');
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
    });
    studioProcess.once('exit', (code) =>
      reject(new Error(`the studio exited (${code}) before its first line: ${output}`)),
    );
  });
  studio = JSON.parse(firstLine) as StudioAddress;
  s3 = new S3Client({
    endpoint: studio.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'producer', secretAccessKey: 'any' },
    forcePathStyle: true,
  });
  // The others run while the first test follows the dubbed one.
  await Promise.all([upload('rejected'), upload('broke'), upload('invalid'), upload('candidates')]);
  browser = await puppeteer.launch({
    args: chromium.args,
    executablePath: await chromium.executablePath(),
    headless: true,
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1000 });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  s3?.destroy();
  await browser?.close();
  if (studioProcess && studioProcess.exitCode === null) {
    studioProcess.kill('SIGINT');
    await new Promise((resolve) => studioProcess.once('exit', resolve));
  }
  await rm(workDir, { recursive: true, force: true });
});

describe('the studio console in a browser', () => {
  it('follows a production to its review without a reload, and shows its scenes first, each with its card, lines, and scores against the threshold', async () => {
    // Prepare
    await page.goto(studio.consoleUrl);
    await page.waitForSelector('df-productions[data-loaded]');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    // Act
    await upload('dubbed');
    await page.waitForFunction(
      () =>
        document
          .querySelector('tr[data-production="two-scene-check"] .production-status')
          ?.textContent?.includes('AWAITING_APPROVAL'),
      { timeout: PRODUCTION_MS, polling: 500 },
    );
    const sceneCount = await page.$eval(
      'tr[data-production="two-scene-check"] .scene-count',
      (cell) => cell.textContent,
    );
    const notReloaded = await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded);
    await page.click('tr[data-production="two-scene-check"] a');
    await page.waitForSelector('df-production[data-loaded] [data-scene="ep01/s02"]');
    await page.waitForSelector('df-production df-player video');
    const layout = await page.evaluate(() => {
      const firstCard = document.querySelector('df-production [data-scene]')!;
      const workflow = document.querySelector<HTMLDetailsElement>('df-production details.workflow')!;
      return {
        workflowOpen: workflow.open,
        cardsBeforeWorkflow: Boolean(firstCard.compareDocumentPosition(workflow) & Node.DOCUMENT_POSITION_FOLLOWING),
        cardTop: firstCard.getBoundingClientRect().top,
        workflowTop: workflow.getBoundingClientRect().top,
        graphDrawn: workflow.querySelector('df-execution-graph [data-state]') !== null,
        // Set before the video's metadata arrives, so nothing below the player moves when it loads.
        playerShape: getComputedStyle(document.querySelector('df-production df-player video')!).aspectRatio,
      };
    });
    const cards = await page.$$eval('df-production [data-scene]', (elements) =>
      elements.map((card) => ({
        scene: card.getAttribute('data-scene'),
        location: card.querySelector('.fact.location')?.textContent,
        mood: card.querySelector('.fact.mood')?.textContent ?? null,
        outline: card.querySelector('.outline')?.textContent,
        lines: [...card.querySelectorAll('.dialogue .line')].map((line) => line.textContent),
        caption: card.querySelector('.scores caption')?.textContent,
        scores: [...card.querySelectorAll('.scores td.score')].map((cell) => cell.textContent),
      })),
    );
    const review = await page.$eval('df-production form.review', (form) => ({
      text: form.textContent,
      approve: (form.querySelector('button.approve') as HTMLButtonElement).disabled,
      reject: (form.querySelector('button.reject') as HTMLButtonElement).disabled,
    }));
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-production.png'), fullPage: true });

    // Assess
    expect(notReloaded).toBe(true);
    expect(sceneCount).toBe('2 / 2');
    expect(layout).toMatchObject({
      workflowOpen: false,
      cardsBeforeWorkflow: true,
      graphDrawn: false,
      playerShape: '270 / 480',
    });
    expect(layout.cardTop).toBeLessThan(layout.workflowTop);
    expect(cards).toHaveLength(2);
    expect(cards[0]).toMatchObject({
      scene: 'ep01/s01',
      location: 'LocationHarbour at dawn, fog',
      mood: 'Moodtense',
      outline: 'Ana hands Ben a letter she should have sent years ago.',
      lines: ['AnaI wrote this the day you left.', 'BenThen why give it to me now?'],
    });
    // The second card gives no dialogue: its lines are the ones the script stage wrote, said by Ben.
    expect(cards[1]).toMatchObject({ scene: 'ep01/s02', location: 'LocationKitchen, night', mood: 'Moodsad' });
    expect(cards[1]!.lines.length).toBeGreaterThan(0);
    for (const line of cards[1]!.lines) expect(line).toMatch(/^Ben\S/);
    for (const card of cards) {
      expect(card.caption).toMatch(/^Consistency per attempt · threshold 0\.\d+$/);
      expect(card.scores.length).toBeGreaterThanOrEqual(1);
      for (const score of card.scores) expect(score).toMatch(/^(0|1)\.\d{3}$/);
    }
    expect(review.text).toContain('Waiting for a decision on the final cut (before delivery)');
    expect(review).toMatchObject({ approve: false, reject: true });
  });

  it('plays the master and each dub, each with its own subtitles, and never draws burned subtitles twice', async () => {
    // Prepare
    const player = 'df-production df-player[data-episode="ep01"]';
    const state = () =>
      page.$eval(player, (element) => {
        const video = element.querySelector('video')!;
        const track = video.querySelector('track')!;
        return {
          pressed: [...element.querySelectorAll('button.cut[aria-pressed="true"]')].map((b) =>
            b.getAttribute('data-cut'),
          ),
          video: decodeURIComponent(video.src),
          track: decodeURIComponent(track.src),
          srclang: track.srclang,
          modes: [...video.textTracks].map((textTrack) => textTrack.mode),
          title: element.querySelector('.cut-title')?.textContent,
          titleLang: element.querySelector('.cut-title')?.getAttribute('lang'),
        };
      });
    /** Waits for the player to have loaded `file`'s metadata, and gives its duration and where it stands. */
    const loaded = (file: string) =>
      page
        .waitForFunction(
          (selector, name) => {
            const video = document.querySelector<HTMLVideoElement>(`${selector} video`)!;
            return decodeURIComponent(video.src).includes(name) && video.readyState >= 1 && !video.seeking;
          },
          { timeout: 30_000 },
          player,
          `/episodes/${file}&`,
        )
        .then(() =>
          page.$eval(`${player} video`, (video) => ({
            duration: (video as HTMLVideoElement).duration,
            at: (video as HTMLVideoElement).currentTime,
          })),
        );
    const vtt = (url: string) => page.evaluate((source) => fetch(source).then((r) => r.text()), url);
    const labels = await page.$$eval(`${player} button.cut`, (buttons) =>
      buttons.map((button) => [button.getAttribute('data-cut'), button.textContent]),
    );

    // Act
    const master = await loaded('ep01.mp4');
    const masterState = await state();
    // A moment into the episode: switching keeps it, as the cuts share their pictures.
    await page.$eval(`${player} video`, (video) => {
      (video as HTMLVideoElement).currentTime = 2;
    });
    await page.waitForFunction(
      (selector) => !document.querySelector<HTMLVideoElement>(selector)!.seeking,
      {},
      `${player} video`,
    );
    await page.click(`${player} button.cut[data-cut="th-TH"]`);
    const thai = await loaded('ep01.th-TH.mp4');
    const thaiState = await state();
    await page.click(`${player} button.cut[data-cut="ko-KR"]`);
    const korean = await loaded('ep01.ko-KR.mp4');
    const koreanState = await state();
    const [masterVtt, thaiVtt, koreanVtt] = await Promise.all(
      [masterState.track, thaiState.track, koreanState.track].map(vtt),
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-dub-player.png'), fullPage: false });

    // Assess
    expect(labels).toEqual([
      ['en-US', 'Master · English (US)'],
      ['th-TH', 'Thai dub'],
      ['ko-KR', 'Korean dub'],
    ]);
    expect(masterState).toMatchObject({
      pressed: ['en-US'],
      srclang: 'en-US',
      title: 'The letter',
      titleLang: 'en-US',
    });
    expect(masterState.video).toContain('productions/two-scene-check/episodes/ep01.mp4&');
    expect(masterState.track).toContain('productions/two-scene-check/episodes/ep01.vtt&');
    expect(thaiState).toMatchObject({ pressed: ['th-TH'], srclang: 'th-TH', titleLang: 'th-TH' });
    expect(thaiState.track).toContain('productions/two-scene-check/episodes/ep01.th-TH.vtt&');
    expect(thaiState.title).toMatch(/[\u0E00-\u0E7F]/);
    expect(koreanState).toMatchObject({ pressed: ['ko-KR'], srclang: 'ko-KR', titleLang: 'ko-KR' });
    expect(koreanState.track).toContain('productions/two-scene-check/episodes/ep01.ko-KR.vtt&');
    expect(koreanState.title).toMatch(/[\uAC00-\uD7AF]/);
    // Every cut has its subtitles burned in: its caption track is there, and off.
    for (const { modes } of [masterState, thaiState, koreanState]) expect(modes).toEqual(['disabled']);
    expect(masterVtt).toMatch(/^WEBVTT/);
    expect(masterVtt).toContain('<v Ana>I wrote this the');
    expect(thaiVtt).toMatch(/[\u0E00-\u0E7F]/);
    expect(koreanVtt).toMatch(/[\uAC00-\uD7AF]/);
    // The dubs are cut on the master's pictures: the same length, but for a held last frame (at most a second a scene).
    for (const dub of [thai, korean]) {
      expect(dub.duration).toBeGreaterThan(master.duration - FRAME_SECONDS);
      expect(dub.duration).toBeLessThan(master.duration + 2);
    }
    expect(thai.at).toBeCloseTo(2, 0);
    expect(korean.at).toBeCloseTo(2, 0);
  });

  it('approves the cut with notes from the page, and the notes reach the report', async () => {
    // Prepare
    const notes = 'Ship it; Ben could pause longer before his line.';
    await page.type('df-production form.review textarea', notes);

    // Act
    await page.click('df-production form.review button.approve');
    await page.waitForFunction(() => document.querySelector('df-production h1 .status')?.textContent === 'COMPLETE', {
      timeout: PRODUCTION_MS,
      polling: 500,
    });
    const decision = await page.$eval('df-production .decision', (element) => element.textContent);
    const delivered = await report('two-scene-check');

    // Assess
    expect(decision).toMatch(/^Approved .+: Ship it; Ben could pause longer before his line\.$/);
    expect(delivered.status).toBe('COMPLETE');
    expect(delivered.review).toMatchObject({ before: 'delivery', decision: 'APPROVED', notes });
    expect(delivered.episodes[0]!.dubs!.map((dub) => [dub.language, dub.status])).toEqual([
      ['th-TH', 'DELIVERED'],
      ['ko-KR', 'DELIVERED'],
    ]);
  });

  it('folds the workflow graph away, and draws it when opened', async () => {
    // Prepare
    await openProduction('two-scene-check', 'COMPLETE');
    const closed = await page.$eval('df-production details.workflow', (details) => ({
      open: (details as HTMLDetailsElement).open,
      drawn: details.querySelector('[data-state]') !== null,
    }));

    // Act
    await page.click('df-production details.workflow > summary');
    await page.waitForSelector('df-production [data-state="Produce episodes"][data-status="SUCCEEDED"]');
    const graph = await page.$$eval('df-production .state[data-state]', (boxes) =>
      boxes.map((box) => [box.getAttribute('data-state'), box.getAttribute('data-status')]),
    );
    const mapCounts = await page.$eval(
      'df-production [data-state="Produce episodes"] .counts',
      (counts) => counts.textContent,
    );

    // Assess
    expect(closed).toEqual({ open: false, drawn: false });
    expect(graph).toContainEqual(['Validate manifest', 'SUCCEEDED']);
    expect(graph).toContainEqual(['Awaiting approval of the cut', 'SUCCEEDED']);
    expect(graph).toContainEqual(['Production delivered', 'SUCCEEDED']);
    expect(graph).toContainEqual(['Manifest rejected', 'NOT_STARTED']);
    expect(mapCounts).toContain('1 iterations · 1 succeeded · 0 failed');
  });

  it('opens a scene with its card, lines, keyframe and scores', async () => {
    // Prepare
    await openProduction('two-scene-check', 'COMPLETE');

    // Act
    await page.click('[data-scene="ep01/s01"] a.open');
    await page.waitForSelector('df-scene[data-loaded] img.keyframe');
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('df-scene img.keyframe');
      return image?.complete && image.naturalWidth > 0;
    });
    const keyframe = await page.$eval('df-scene img.keyframe', (image) => ({
      width: (image as HTMLImageElement).naturalWidth,
      height: (image as HTMLImageElement).naturalHeight,
    }));
    const scene = await page.$eval('df-scene', (view) => ({
      facts: [...view.querySelectorAll('.fact')].map((fact) => fact.textContent),
      outline: view.querySelector('.outline')?.textContent,
      lines: [...view.querySelectorAll('.lines .line')].map((line) => line.textContent),
      caption: view.querySelector('.scores caption')?.textContent,
      scores: [...view.querySelectorAll('.scores td.score')].map((cell) => cell.textContent),
    }));
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-scene.png'), fullPage: true });

    // Assess
    expect(keyframe).toEqual({ width: 270, height: 480 });
    expect(scene.facts).toEqual(['LocationHarbour at dawn, fog', 'Moodtense', 'CharactersAna, Ben']);
    expect(scene.outline).toBe('Ana hands Ben a letter she should have sent years ago.');
    expect(scene.lines).toEqual(['AnaI wrote this the day you left.', 'BenThen why give it to me now?']);
    expect(scene.caption).toMatch(/threshold 0\.\d+$/);
    expect(scene.scores.length).toBeGreaterThanOrEqual(2);
    for (const score of scene.scores) expect(score).toMatch(/^(0|1)\.\d{3}$/);
  });

  it("shows a scene's video candidates side by side: each one's picture, scores, checks, cost, and which was kept and why", async () => {
    // Prepare
    await openProduction('one-scene-candidates', 'COMPLETE');

    // Act
    await page.goto(`${studio.endpoint}/console/#/p/one-scene-candidates/s/ep01/s01`);
    await page.waitForSelector('df-scene[data-loaded] figure.candidate');
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('df-scene figure.candidate img.candidate-frame')].every(
        (image) => image.complete && image.naturalWidth > 0,
      ),
    );
    const candidates = await page.$$eval('df-scene figure.candidate', (figures) =>
      figures.map((figure) => ({
        number: figure.getAttribute('data-candidate'),
        kept: figure.classList.contains('kept'),
        frame: (figure.querySelector('img.candidate-frame') as HTMLImageElement | null)?.naturalWidth,
        heading: figure.querySelector('strong')?.textContent,
        reason: figure.querySelector('.reason')?.textContent,
        scored: [...figure.querySelectorAll('.scores tr th')].map((cell) => cell.textContent),
        checks: [...figure.querySelectorAll('.checks li')].map((check) => check.textContent),
        footer: figure.querySelector('figcaption > p.muted')?.textContent,
      })),
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-candidates.png'), fullPage: true });

    // Assess: both bought, side by side, each pictured by the frame it was scored on; one kept, each saying why
    expect(candidates.map((candidate) => candidate.number)).toEqual(['1', '2']);
    expect(candidates.filter((candidate) => candidate.kept)).toHaveLength(1);
    for (const candidate of candidates) {
      expect(candidate.frame).toBe(270);
      expect(candidate.heading).toBe(`#${candidate.number} ${candidate.kept ? 'kept' : 'passed over'}`);
      expect(candidate.reason).toMatch(candidate.kept ? /^kept/ : /^passed over/);
      expect(candidate.scored).toEqual(['Ana', 'Ben', 'motion']);
      expect(candidate.checks.length).toBeGreaterThan(0);
      for (const check of candidate.checks) expect(check).toMatch(/^(passed|failed) /);
      expect(candidate.footer).toMatch(/^offline\/camera-motion-v1 · seed \d+ · \$\d+\.\d{4}$/);
    }
  });

  it('pages the event history of an execution', async () => {
    // Prepare
    await openProduction('two-scene-check');
    await page.click('df-production details.workflow > summary');
    await page.waitForSelector('df-production[data-loaded] df-execution-graph h2 a');
    await page.click('df-production df-execution-graph h2 a');
    await page.waitForSelector('df-history[data-loaded] tr.event');

    // Act
    const firstPage = await page.$$eval('df-history tr.event td:first-child', (cells) =>
      cells.map((cell) => Number(cell.textContent)),
    );
    await page.click('df-history button.next-page');
    await page.waitForFunction(
      (first) => Number(document.querySelector('df-history tr.event td')?.textContent) !== first,
      {},
      firstPage[0],
    );
    const secondPage = await page.$$eval('df-history tr.event td:first-child', (cells) =>
      cells.map((cell) => Number(cell.textContent)),
    );

    // Assess
    expect(firstPage.length).toBe(25);
    expect(firstPage).toEqual([...firstPage].sort((a, b) => b - a));
    expect(secondPage[0]).toBe(firstPage.at(-1)! - 1);
  });

  it('rejects a cut only with a reason, and shows the reason at the top of the production', async () => {
    // Prepare
    await openProduction('two-scene-rejected', 'AWAITING_APPROVAL');
    await page.waitForSelector('df-production form.review');
    const rejectWithoutNotes = await page.$eval(
      'df-production button.reject',
      (b) => (b as HTMLButtonElement).disabled,
    );
    const reason = 'Ben reads too old for this; recast him before paid video.';
    const refused = await page.evaluate(async () => {
      const token = sessionStorage.getItem('dramaforge-studio-token') ?? '';
      const answer = await fetch('/api/productions/two-scene-rejected/reject', {
        method: 'POST',
        headers: { 'x-dramaforge-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ notes: '   ' }),
      });
      return [answer.status, (await answer.json()).message];
    });

    // Act
    await page.type('df-production form.review textarea', reason);
    await page.click('df-production form.review button.reject');
    await openProduction('two-scene-rejected', 'REJECTED');
    const top = await page.evaluate(() => {
      const alert = document.querySelector('df-production .alert.rejection');
      const episodes = document.querySelector('df-production section.episode');
      return {
        text: alert?.textContent,
        first: Boolean(alert && episodes && alert.compareDocumentPosition(episodes) & Node.DOCUMENT_POSITION_FOLLOWING),
        form: document.querySelector('df-production form.review') !== null,
      };
    });
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-rejected.png'), fullPage: false });
    const rejected = await report('two-scene-rejected');

    // Assess
    expect(rejectWithoutNotes).toBe(true);
    expect(refused).toEqual([400, 'a rejection needs notes: say why, for the report']);
    expect(top).toEqual({ text: expect.stringMatching(/^Rejected .+: Ben reads too old/), first: true, form: false });
    expect(top.text).toContain(reason);
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.review).toMatchObject({ before: 'video', decision: 'REJECTED', notes: reason });
  });

  it("shows why a production stopped: the cause at the top, and on each stopped scene's card", async () => {
    // Act
    await openProduction('two-scene-broke', 'BUDGET_EXCEEDED');
    const view = await page.evaluate(() => ({
      alert: document.querySelector('df-production .alert.failure')?.textContent,
      cards: [...document.querySelectorAll('df-production [data-scene]')].map((card) => [
        card.getAttribute('data-scene'),
        card.getAttribute('data-status'),
        card.querySelector('.cause')?.textContent,
      ]),
    }));
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-stopped.png'), fullPage: false });

    // Assess
    expect(view.alert).toMatch(/^2 scenes stopped/);
    const cause = (scene: string) =>
      new RegExp(
        `^Stopped at keyframes: stopped at the budget: \\$0\\.08 spent of \\$0\\.10 before the keyframes \\(${scene}'s call needs up to \\$0\\.0400\\)$`,
      );
    expect(view.cards).toEqual([
      ['ep01/s01', 'BUDGET_EXCEEDED', expect.stringMatching(cause('ep01/s01'))],
      ['ep01/s02', 'BUDGET_EXCEEDED', expect.stringMatching(cause('ep01/s02'))],
    ]);
    expect(view.alert).toContain('ep01/s01 stopped at the budget: $0.08 spent of $0.10 before the keyframes');
  });

  it('shows why a manifest was rejected, in the list and at the top of its execution', async () => {
    // Prepare
    await page.goto(`${studio.endpoint}/console/#/`);
    // A manifest rejected before a production opened is listed by its execution, named after its file.
    const row = 'tr[data-production^="invalid-"]';
    await page.waitForFunction(
      (selector) => document.querySelector(selector)?.textContent?.includes('ManifestInvalid'),
      { timeout: 60_000, polling: 250 },
      row,
    );
    const listed = await page.$$eval(`${row} .problems li`, (items) => items.map((item) => item.textContent));

    // Act
    await page.click(`${row} a`);
    await page.waitForSelector('df-execution .alert.rejection');
    const top = await page.evaluate(() => {
      const alert = document.querySelector('df-execution .alert.rejection')!;
      const graph = document.querySelector('df-execution df-execution-graph')!;
      return {
        heading: alert.querySelector('b')?.textContent,
        problems: [...alert.querySelectorAll('.problems li')].map((item) => item.textContent),
        first: Boolean(alert.compareDocumentPosition(graph) & Node.DOCUMENT_POSITION_FOLLOWING),
      };
    });

    // Assess
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(top.heading).toBe('ManifestInvalid: ');
    expect(top.first).toBe(true);
    expect(top.problems).toEqual(listed);
    expect(top.problems.join('\n')).toMatch(/director/);
    expect(top.problems.join('\n')).toMatch(/cat/);
  });

  it('never prints null, undefined or NaN on any page', async () => {
    // Prepare: every kind of page, in every state these productions reached
    const executions = await page.evaluate(() =>
      fetch('/api/productions').then((answer) => answer.json() as Promise<{ executionName: string }[]>),
    );
    const hashes = [
      '#/',
      '#/p/two-scene-check',
      '#/p/two-scene-check/s/ep01/s01',
      '#/p/two-scene-check/s/ep01/s02',
      '#/p/two-scene-rejected',
      '#/p/two-scene-rejected/s/ep01/s02',
      '#/p/two-scene-broke',
      '#/p/two-scene-broke/s/ep01/s01',
      '#/p/one-scene-candidates/s/ep01/s01',
      ...executions.map((row) => `#/x/${row.executionName}`),
    ];

    // Act
    const texts: [string, string][] = [];
    for (const hash of hashes) {
      await page.goto(`${studio.endpoint}/console/${hash}`);
      await page.waitForSelector('#view > [data-loaded]');
      // Open what folds away, so its text is read too.
      await page.$$eval('details', (all) => {
        for (const details of all) (details as HTMLDetailsElement).open = true;
      });
      await page.waitForFunction(() =>
        [...document.querySelectorAll('details df-execution-graph')].every((graph) =>
          graph.hasAttribute('data-loaded'),
        ),
      );
      texts.push([hash, (await page.evaluate(shownTexts)).filter((text) => UNSET.test(text)).join(' | ')]);
    }

    // Assess
    expect(texts.length).toBeGreaterThanOrEqual(12);
    expect(texts).toEqual(texts.map(([hash]) => [hash, '']));
  });

  it('swaps its fonts in, and has a font for every script it may show, served by the studio itself', async () => {
    // Act
    const displays = await page.evaluate(() =>
      [...document.styleSheets]
        .flatMap((sheet) => [...sheet.cssRules])
        .filter((rule): rule is CSSFontFaceRule => rule instanceof CSSFontFaceRule)
        .map((rule) => [rule.style.getPropertyValue('font-family'), rule.style.getPropertyValue('font-display')]),
    );
    const loaded = await page.evaluate(async () => {
      const samples: [string, string][] = [
        ['DF Latin', 'Tiếng Việt'],
        ['DF Thai', 'ภาษาไทย'],
        ['DF Hangul', '한국어'],
        ['DF Kana', 'かたかな'],
        ['DF SC', '简体中文'],
        ['DF TC', '繁體中文'],
        ['DF JP', '日本語'],
        ['DF KR', '韓國語'],
      ];
      return Promise.all(
        samples.map(async ([family, text]) => [
          family,
          (await document.fonts.load(`16px "${family}"`, text)).length > 0,
        ]),
      );
    });

    // Assess
    expect(displays.length).toBeGreaterThanOrEqual(9);
    expect(displays).toEqual(displays.map(([family]) => [family, 'swap']));
    expect(loaded).toEqual(loaded.map(([family]) => [family, true]));
  });

  it('puts no provider key in its output', () => {
    // Assess
    expect(output).toContain(studio.endpoint);
    expect(output).not.toContain(PROVIDER_KEY);
  });
});
