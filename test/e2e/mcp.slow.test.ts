import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cliArguments } from '../support/cli.js';
import { waitFor } from '../support/wait-for.js';
import { TEST_PRICES } from './support/pipeline-harness.js';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const PRODUCTION_WAIT = { timeoutMs: 120_000, intervalMs: 250 };

interface Served {
  client: Client;
  workDir: string;
  /** Anything on the server's stdout the client could not read as a protocol message. */
  protocolErrors: Error[];
  stderr: () => string;
  call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>;
  status: (productionId: string) => Promise<Record<string, unknown>>;
}

/** `dramaforge mcp` from the sources, in its own data directory, reached by the SDK's own client over stdio. */
async function ownServer(options: { flags?: string[]; env?: Record<string, string> } = {}): Promise<Served> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-mcp-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: cliArguments(
      'mcp',
      '--data',
      path.join(workDir, 'data'),
      '--out',
      path.join(workDir, 'out'),
      ...(options.flags ?? []),
    ),
    cwd: repositoryRoot,
    env: { ...(process.env as Record<string, string>), ...options.env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'dramaforge-test', version: '1.0.0' });
  const protocolErrors: Error[] = [];
  client.onerror = (error) => protocolErrors.push(error);
  await client.connect(transport);
  onTestFinished(async () => {
    await client.close();
    await rm(workDir, { recursive: true, force: true });
  });
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    client,
    workDir,
    protocolErrors,
    stderr: () => stderr,
    call,
    status: async (productionId) =>
      (await call('production_status', { productionId })).structuredContent as Record<string, unknown>,
  };
}

const textOf = (result: CallToolResult) =>
  result.content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');

/** Follows a production with production_status, as an agent would, until `done` holds for its answer. */
function follow(
  served: Served,
  productionId: string,
  what: string,
  done: (status: Record<string, unknown>) => boolean,
) {
  return waitFor(
    `${productionId} ${what} (production_status)`,
    async () => {
      const status = await served.status(productionId);
      return done(status) && status;
    },
    PRODUCTION_WAIT,
  );
}

async function manifestWith(served: Served, fixtureName: string, edit: (text: string) => string): Promise<string> {
  const file = path.join(served.workDir, fixtureName);
  await writeFile(file, edit(await readFile(fixture(fixtureName), 'utf8')));
  return file;
}

describe('dramaforge mcp', () => {
  it('lists its tools, answers a bad manifest with its problems as data, and writes nothing but protocol to stdout', async () => {
    // Prepare
    const served = await ownServer();

    // Act
    const { tools } = await served.client.listTools();
    const result = await served.call('validate_manifest', { yaml: 'version: 2\nproduction: Not_An_Id\n' });

    // Assess
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        'approve_review',
        'develop_bible',
        'dub_production',
        'estimate_cost',
        'list_productions',
        'production_status',
        'reject_review',
        'rerender_scene',
        'start_production',
        'validate_manifest',
      ].sort(),
    );
    expect(result.isError).toBeFalsy();
    const { valid, problems } = result.structuredContent as {
      valid: boolean;
      problems: { path: string; reason: string }[];
    };
    expect(valid).toBe(false);
    expect(problems).toContainEqual({ path: 'version', reason: 'version must be 1' });
    expect(problems).toContainEqual({ path: 'episodes', reason: 'is required' });
    expect(served.protocolErrors).toEqual([]);
    expect(served.stderr()).toContain('dramaforge mcp: serving');
  });

  it('develops and estimates a bible offline', async () => {
    // Prepare
    const served = await ownServer();

    // Act
    const developed = await served.call('develop_bible', { path: fixture('small-bible.yaml') });
    const estimate = await served.call('estimate_cost', { path: fixture('small-bible.yaml') });

    // Assess
    expect(developed.isError, textOf(developed)).toBeFalsy();
    const cards = developed.structuredContent as {
      productionId: string;
      episodes: { id: string; scenes: { characters: string[] }[] }[];
      yaml: string;
    };
    expect(cards.productionId).toBe('small-bible');
    expect(cards.episodes.map((episode) => episode.scenes.length)).toEqual([2]);
    expect(
      cards.episodes[0]!.scenes.flatMap((scene) => scene.characters).every((id) => ['mai', 'theo'].includes(id)),
    ).toBe(true);
    expect(cards.yaml).toContain('synopsis:');
    const forecast = estimate.structuredContent as {
      production: string;
      profile: string;
      lines: { stage: string }[];
      spent?: { spentUsd: number };
    };
    expect(forecast).toMatchObject({ production: 'small-bible', profile: 'offline' });
    expect(forecast.lines.map((line) => line.stage)).toContain('development');
    expect(forecast.spent?.spentUsd).toBe(0);
  });

  it("starts a two-scene production without waiting, follows it to COMPLETE with production_status, and serves its report; the handlers' logs go to stderr", async () => {
    // Prepare: handlers that log, as the local runtime's handlers log to stdout when asked to
    const served = await ownServer({ env: { POWERTOOLS_LOG_LEVEL: 'INFO' } });

    // Act
    const started = await served.call('start_production', { path: fixture('two-scenes.yaml') });
    const whileStarted = await served.status('two-scene-check');
    const complete = await follow(served, 'two-scene-check', 'delivered', (status) => status.outcome !== undefined);
    const report = await served.client.readResource({ uri: 'dramaforge://productions/two-scene-check/report.json' });
    const finished = await served.call('production_status', { productionId: 'two-scene-check' });

    // Assess
    expect(started.structuredContent).toMatchObject({
      started: true,
      productionId: 'two-scene-check',
      executionName: expect.stringMatching(/^two-scenes-/),
    });
    expect(['STARTING', 'RUNNING']).toContain(whileStarted.status);
    expect(complete).toMatchObject({ status: 'COMPLETE', scenesDone: 2, scenesTotal: 2, outcome: { ok: true } });
    expect((complete.scenes as { consistency: Record<string, number> }[])[0]!.consistency).toHaveProperty('ana');
    const { status, episodes } = JSON.parse((report.contents[0] as { text: string }).text) as {
      status: string;
      episodes: { file: string | null }[];
    };
    expect(status).toBe('COMPLETE');
    expect(episodes[0]!.file).not.toBeNull();
    const links = finished.content
      .filter((item) => item.type === 'resource_link')
      .map((item) => (item as { uri: string }).uri);
    expect(links).toContain(`file://${path.join(served.workDir, 'out', 'two-scene-check', 'ep01.mp4')}`);
    expect(served.protocolErrors).toEqual([]);
    expect(served.stderr()).toContain('"service":"dramaforge"');
  });

  it("dubs a finished production into Thai over the master's pictures, followed with production_status to its delivered dub", async () => {
    // Prepare
    const served = await ownServer({ env: { DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES) } });
    await served.call('start_production', { path: fixture('two-scenes.yaml') });
    await follow(served, 'two-scene-check', 'delivered', (status) => status.outcome !== undefined);
    const reportOf = async () =>
      JSON.parse(
        (
          (await served.client.readResource({ uri: 'dramaforge://productions/two-scene-check/report.json' }))
            .contents[0] as { text: string }
        ).text,
      ) as { cost: { byStage: Record<string, number> } };
    const master = await reportOf();

    // Act
    const unsupported = await served.call('dub_production', { productionId: 'two-scene-check', languages: ['xx-YY'] });
    const started = await served.call('dub_production', { productionId: 'two-scene-check', languages: ['th'] });
    const { executionName } = started.structuredContent as { executionName: string };
    const dubbed = await follow(
      served,
      'two-scene-check',
      'dubbed',
      (status) => status.executionName === executionName && status.outcome !== undefined,
    );
    const links = (await served.call('production_status', { productionId: 'two-scene-check' })).content
      .filter((item) => item.type === 'resource_link')
      .map((item) => (item as { name: string }).name);
    const after = await reportOf();

    // Assess
    expect(unsupported.isError).toBe(true);
    expect(textOf(unsupported)).toContain('xx-YY');
    expect(started.isError, textOf(started)).toBeFalsy();
    expect(dubbed).toMatchObject({
      status: 'COMPLETE',
      outcome: { ok: true },
      dubs: [{ episodeId: 'ep01', language: 'th-TH', status: 'DELIVERED' }],
    });
    expect(links).toEqual(expect.arrayContaining(['ep01.mp4', 'ep01.th-TH.mp4', 'ep01.th-TH.srt']));
    // The pictures came from the cache: what the dub bought is words and voices.
    for (const stage of ['keyframe', 'video'])
      expect(after.cost.byStage[stage], stage).toBe(master.cost.byStage[stage]);
    expect(after.cost.byStage.translation).toBeGreaterThan(0);
  });

  it('refuses approve_review without --allow-approve, saying who decides, and the production stays at its gate', async () => {
    // Prepare
    const served = await ownServer();
    const manifest = await manifestWith(served, 'two-scenes.yaml', (text) =>
      text.replace('budgetUsd: 1\n', 'budgetUsd: 1\nreview: { before: video }\n'),
    );
    await served.call('start_production', { path: manifest });
    await follow(served, 'two-scene-check', 'at its review gate', (status) => status.outcome !== undefined);

    // Act
    const refused = await served.call('approve_review', { productionId: 'two-scene-check', notes: 'looks fine to me' });
    const after = await served.status('two-scene-check');

    // Assess
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(
      /^approve_review refused: this server may not decide reviews; a person decides: in the studio console at http:\/\/127\.0\.0\.1:\d+\/console\/ /,
    );
    expect(textOf(refused)).not.toContain('token=');
    expect(after).toMatchObject({ status: 'AWAITING_APPROVAL', review: { before: 'video', cut: 'animatic' } });
    expect(after.review).not.toHaveProperty('decision');
    expect(JSON.stringify(after)).not.toContain('taskToken');
  });

  it('approves at the gate when a person started it with --allow-approve, and the production goes on to COMPLETE', async () => {
    // Prepare
    const served = await ownServer({ flags: ['--allow-approve'] });
    const manifest = await manifestWith(served, 'two-scenes.yaml', (text) =>
      text.replace('budgetUsd: 1\n', 'budgetUsd: 1\nreview: { before: delivery }\n'),
    );
    await served.call('start_production', { path: manifest });
    await follow(
      served,
      'two-scene-check',
      'at its review gate',
      (status) => status.status === 'AWAITING_APPROVAL' && status.outcome !== undefined,
    );

    // Act
    const approved = await served.call('approve_review', { productionId: 'two-scene-check', notes: 'ship it' });
    const complete = await follow(
      served,
      'two-scene-check',
      'delivered after approval',
      (status) => status.status === 'COMPLETE' && status.outcome !== undefined,
    );

    // Assess
    expect(approved.isError, textOf(approved)).toBeFalsy();
    expect(complete).toMatchObject({ outcome: { ok: true }, review: { decision: 'APPROVED', notes: 'ship it' } });
  });

  it('stops a production whose budget is too small at the cap, as the CLI does', async () => {
    // Prepare
    const served = await ownServer({ env: { DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES) } });
    const manifest = await manifestWith(served, 'four-scenes.yaml', (text) =>
      text.replace('budgetUsd: 2', 'budgetUsd: 0.6'),
    );

    // Act
    await served.call('start_production', { path: manifest });
    const stopped = await follow(served, 'four-scene-check', 'stopped', (status) => status.outcome !== undefined);

    // Assess
    expect(stopped.status).toBe('BUDGET_EXCEEDED');
    expect(stopped.spentUsd as number).toBeGreaterThan(0);
    expect((stopped.spentUsd as number) + (stopped.unconfirmedUsd as number)).toBeLessThanOrEqual(0.6);
    expect(stopped.outcome).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^stopped at the budget: \$[\d.]+ spent(, \$[\d.]+ held by calls in flight,)? of \$0\.60 before the [a-z -]+ \(ep\d+\/s\d+'s call needs up to \$[\d.]+\); not delivered: /,
      ),
    });
    expect((stopped.scenes as { status: string }[]).map((scene) => scene.status)).toContain('BUDGET_EXCEEDED');
  });
});
