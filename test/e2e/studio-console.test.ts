/// <reference lib="dom" />
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioAddress } from '../../local/studio/studio.js';
import { cliArguments } from '../support/cli.js';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const twoScenes = fileURLToPath(new URL('./fixtures/two-scenes.yaml', import.meta.url));
/** Where the test leaves its screenshots for a person (and CI) to look at. */
const ARTIFACTS = path.join(repositoryRoot, 'test-artifacts');
const PROVIDER_KEY = 'sk-console-test-provider-key-9876543210';

let workDir: string;
let studioProcess: ChildProcess;
let studio: StudioAddress;
let output = '';
let browser: Browser;
let page: Page;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-console-'));
  // The studio as a user starts it: the CLI, its own process, a provider key in its environment.
  studioProcess = spawn(process.execPath, cliArguments('studio', '--data', path.join(workDir, 'data'), '--port', '0'), {
    cwd: repositoryRoot,
    env: { ...process.env, DRAMAFORGE_OPENAI_API_KEY: PROVIDER_KEY },
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
  await browser?.close();
  if (studioProcess && studioProcess.exitCode === null) {
    studioProcess.kill('SIGINT');
    await new Promise((resolve) => studioProcess.once('exit', resolve));
  }
  await rm(workDir, { recursive: true, force: true });
});

describe('the studio console in a browser', () => {
  it('follows a two-scene production to COMPLETE without a reload, and opens a scene with its keyframe and scores', async () => {
    // Prepare
    await page.goto(studio.consoleUrl);
    await page.waitForSelector('df-productions[data-loaded]');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const s3 = new S3Client({
      endpoint: studio.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'producer', secretAccessKey: 'any' },
      forcePathStyle: true,
    });

    // Act
    await s3.send(
      new PutObjectCommand({
        Bucket: studio.bucket,
        Key: 'manifests/two-scenes.yaml',
        Body: await readFile(twoScenes),
      }),
    );
    await page.waitForFunction(
      () =>
        document
          .querySelector('tr[data-production="two-scene-check"] .production-status')
          ?.textContent?.includes('COMPLETE'),
      { timeout: 240_000, polling: 500 },
    );
    const sceneCount = await page.$eval(
      'tr[data-production="two-scene-check"] .scene-count',
      (cell) => cell.textContent,
    );
    const notReloaded = await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded);
    await page.click('tr[data-production="two-scene-check"] a');
    await page.waitForSelector('df-production[data-loaded] [data-state="Produce episodes"][data-status="SUCCEEDED"]');
    await page.waitForSelector('df-production video');
    const graph = await page.$$eval('df-production .state[data-state]', (boxes) =>
      boxes.map((box) => [box.getAttribute('data-state'), box.getAttribute('data-status')]),
    );
    const mapCounts = await page.$eval(
      'df-production [data-state="Produce episodes"] .counts',
      (counts) => counts.textContent,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-production.png'), fullPage: true });
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
    const scores = await page.$$eval('df-scene .scores td.score', (cells) => cells.map((cell) => cell.textContent));
    const lines = await page.$$eval('df-scene .lines p', (paragraphs) => paragraphs.length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-scene.png'), fullPage: true });

    // Assess
    expect(notReloaded).toBe(true);
    expect(sceneCount).toBe('2 / 2');
    expect(graph).toContainEqual(['Validate manifest', 'SUCCEEDED']);
    expect(graph).toContainEqual(['Production delivered', 'SUCCEEDED']);
    expect(graph).toContainEqual(['Manifest rejected', 'NOT_STARTED']);
    expect(mapCounts).toContain('1 iterations · 1 succeeded · 0 failed');
    expect(keyframe).toEqual({ width: 270, height: 480 });
    expect(scores.length).toBeGreaterThanOrEqual(2);
    for (const score of scores) expect(score).toMatch(/^(0|1)\.\d{3}$/);
    expect(lines).toBeGreaterThan(0);
  });

  it('pages the event history of an execution', async () => {
    // Prepare
    await page.goto(`${studio.endpoint}/console/#/`);
    await page.waitForSelector('tr[data-production="two-scene-check"] a');
    await page.click('tr[data-production="two-scene-check"] a');
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

  it('has a font for every script it may show, served by the studio itself', async () => {
    // Act
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
    expect(loaded).toEqual(loaded.map(([family]) => [family, true]));
  });

  it('puts no provider key in its output', () => {
    // Assess
    expect(output).toContain(studio.endpoint);
    expect(output).not.toContain(PROVIDER_KEY);
  });
});
