import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { estimateProduction } from '../../lambdas/composition/production-estimate.js';
import { ManifestInvalid } from '../../lambdas/core/contracts/errors.js';
import { assetKeys, EPISODE_FILE_EXTENSIONS } from '../../lambdas/core/contracts/keys.js';
import { parseManifest } from '../../lambdas/core/manifest/parse.js';
import { ManifestSchema, type SeriesManifest } from '../../lambdas/core/manifest/schema.js';
import { deliveredStems } from '../client/production-client.js';
import { type ProfileOverride, withProfile } from '../commands/profile-override.js';
import { ReviewNotesSchema } from '../commands/review.js';
import { ProductionDesk } from './production-desk.js';

export interface McpOptions {
  dataDir: string;
  outDir: string;
  profile?: ProfileOverride;
  /** Whether the agent may approve or reject a review itself: only when a person said so by starting the server with --allow-approve. */
  allowApprove: boolean;
  /** Progress and logs: stderr, never stdout, which carries the protocol alone. */
  onLog: (line: string) => void;
}

/** A manifest or bible named by the agent that the server cannot read: a tool error, not a crash. */
export class ManifestSourceInvalid extends Error {
  override readonly name = 'ManifestSourceInvalid';
}

/** The agent asked for what a person decides: the message says who decides and how. */
export class DecisionRefused extends Error {
  override readonly name = 'DecisionRefused';
}

/** Errors whose message is written for the one who called: every other error is reported by its name and first line. */
const SPOKEN_ERRORS = new Set([
  'ManifestSourceInvalid',
  'DecisionRefused',
  'DeskRefused',
  'RerenderRefused',
  'ReviewRefused',
  ManifestInvalid.errorName,
]);

// The tools' ids are the manifest's own schemas (zod/mini), each a copy with its description:
// `.check(z.describe(...))` copies the schema, as classic's `.describe()` does, and leaves the manifest's as it was.
const productionId = ManifestSchema.shape.production.check(
  z.describe("the production id (the manifest's `production`)"),
);
const episodeSchema = ManifestSchema.shape.episodes.def.element;
const episodeId = episodeSchema.shape.id.check(z.describe('the episode id, as ep01'));
const sceneId = episodeSchema.shape.scenes.def.innerType.def.element.shape.id.check(z.describe('the scene id, as s03'));

/** Where a manifest or bible comes from: a YAML file the server can read, or its text. */
const manifestSource = {
  path: z
    .string()
    .min(1)
    .optional()
    .describe('a YAML manifest or bible on the machine the server runs on (relative to its working directory)'),
  yaml: z.string().min(1).optional().describe('the manifest or bible itself, as YAML text'),
};

/** The docs an agent reads to write a valid manifest or bible, served by name. */
const AGENT_DOCS: Record<string, string> = {
  development: 'series bibles: synopses developed into scene cards',
  characters: 'how characters (people and animals) are described and drawn',
  languages: 'the languages each profile supports and how they are voiced and subtitled',
  subtitles: "the burned subtitles' styles",
  agents: 'this server: its tools, the review gate and a worked session',
};

/** The repository's own files: beside the sources, and copied beside the compiled modules by the build. */
const packageFile = (relative: string) => new URL(`../../${relative}`, import.meta.url);

function spoken(error: unknown): string {
  const { name, message } = error as Error;
  const firstLine = String(message ?? error).split('\n')[0];
  return SPOKEN_ERRORS.has(name) ? firstLine! : `${name ?? 'Error'}: ${firstLine}`;
}

function answer(structured: Record<string, unknown>, summary: string): CallToolResult {
  return {
    content: [{ type: 'text', text: `${summary}\n${JSON.stringify(structured)}` }],
    structuredContent: structured,
  };
}

function refusal(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/**
 * The MCP server over a production desk: every tool answers at once (long work is started and
 * followed with production_status), and every failure is one message, never a stack trace.
 */
export function createMcpServer(desk: ProductionDesk, options: McpOptions, version: string): McpServer {
  const server = new McpServer({ name: 'dramaforge', version }, { instructions: INSTRUCTIONS });

  /** One tool, its failures caught and said in one line: the log gets the same line, the agent a tool error. */
  function tool<Input extends z.ZodRawShape>(
    name: string,
    config: { title: string; description: string; inputSchema: Input; readOnly?: boolean },
    run: (input: z.infer<z.ZodObject<Input>>) => Promise<CallToolResult>,
  ): void {
    server.registerTool(
      name,
      {
        title: config.title,
        description: config.description,
        inputSchema: config.inputSchema,
        annotations: { readOnlyHint: config.readOnly ?? false, openWorldHint: false },
      },
      (async (input: z.infer<z.ZodObject<Input>>) => {
        try {
          return await run(input);
        } catch (error) {
          const message = spoken(error);
          options.onLog(`${name}: ${message}`);
          return refusal(message);
        }
      }) as never,
    );
  }

  async function readSource(input: { path?: string; yaml?: string }): Promise<{ fileName: string; bytes: Buffer }> {
    if ((input.path === undefined) === (input.yaml === undefined))
      throw new ManifestSourceInvalid('give the manifest as exactly one of `path` or `yaml`');
    if (input.yaml !== undefined) return { fileName: 'from-agent.yaml', bytes: Buffer.from(input.yaml, 'utf8') };
    try {
      return { fileName: path.basename(input.path!), bytes: await readFile(path.resolve(input.path!)) };
    } catch (error) {
      throw new ManifestSourceInvalid(
        `${input.path}: cannot read the manifest (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }

  /** The bytes as this server runs them: with its --profile, as `produce --profile` uploads them. */
  const asRun = (bytes: Buffer) => (options.profile ? withProfile(bytes, options.profile) : bytes);

  /** The manifest, valid, or its problems: a bad manifest is an answer, not an error. */
  function parsed(bytes: Buffer): { manifest: SeriesManifest } | { problems: { path: string; reason: string }[] } {
    try {
      return { manifest: parseManifest(asRun(bytes)) };
    } catch (error) {
      if (error instanceof ManifestInvalid)
        return { problems: error.problems.map(({ path: where, reason }) => ({ path: where, reason })) };
      throw error;
    }
  }

  tool(
    'validate_manifest',
    {
      title: 'Validate a manifest or bible',
      description:
        'Checks a series manifest or bible against the schema (read the dramaforge://schema/manifest.json resource). Answers valid, or every problem as `path: reason`.',
      inputSchema: manifestSource,
      readOnly: true,
    },
    async (input) => {
      const result = parsed((await readSource(input)).bytes);
      if ('problems' in result) {
        return answer(
          { valid: false, problems: result.problems },
          `invalid: ${result.problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`,
        );
      }
      const { manifest } = result;
      const scenes = manifest.episodes.reduce((sum, e) => sum + (e.scenes?.length ?? 0), 0);
      const toDevelop = manifest.episodes.filter((e) => !e.scenes).map((e) => e.id);
      return answer(
        {
          valid: true,
          problems: [],
          production: manifest.production,
          episodes: manifest.episodes.length,
          scenes,
          episodesToDevelop: toDevelop,
        },
        `valid: ${manifest.production}, ${manifest.episodes.length} episodes, ${scenes} scenes${toDevelop.length ? `, ${toDevelop.length} to develop` : ''}`,
      );
    },
  );

  tool(
    'develop_bible',
    {
      title: 'Develop a series bible into scene cards',
      description:
        "Writes the scene cards of every episode of a bible that gives a synopsis instead of scenes, with the text model, through the ledger and the cache (the same bible again buys nothing). Answers the developed manifest's YAML and its cards, for review before producing.",
      inputSchema: manifestSource,
    },
    async (input) => {
      const source = await readSource(input);
      const result = await desk.develop({ fileName: source.fileName, bytes: asRun(source.bytes) });
      if (!result.ok) {
        if (result.problems)
          return answer({ developed: false, problems: result.problems, reason: result.reason }, result.reason);
        return refusal(`develop failed: ${result.reason}`);
      }
      const episodes = result.manifest.episodes.map((episode) => ({
        id: episode.id,
        title: episode.title,
        scenes: episode.scenes,
      }));
      const scenes = episodes.reduce((sum, episode) => sum + episode.scenes.length, 0);
      return answer(
        { developed: true, productionId: result.productionId, spentUsd: result.spentUsd, episodes, yaml: result.yaml },
        `${result.productionId}: ${episodes.length} episodes developed, ${scenes} scene cards, spent $${result.spentUsd.toFixed(4)}`,
      );
    },
  );

  tool(
    'estimate_cost',
    {
      title: 'Estimate what a production costs',
      description:
        'The expected and worst-case cost per stage, provider and model before anything is spent, and what the production already spent here (confirmed and unconfirmed).',
      inputSchema: manifestSource,
      readOnly: true,
    },
    async (input) => {
      const result = parsed((await readSource(input)).bytes);
      if ('problems' in result)
        return answer(
          { valid: false, problems: result.problems },
          'the manifest is invalid: validate_manifest lists its problems',
        );
      const forecast = estimateProduction(result.manifest, process.env, Number(process.env.KEYFRAME_MAX_ATTEMPTS ?? 3));
      const meta = await desk.productions.findProduction(result.manifest.production);
      const spent = meta && {
        spentUsd: meta.spentUsd,
        unconfirmedUsd: meta.unconfirmedUsd ?? 0,
        reservedUsd: meta.reservedUsd,
      };
      return answer(
        { valid: true, ...forecast, ...(spent && { spent }) },
        `${forecast.production} on ${forecast.profile}: expected $${forecast.expectedUsd.toFixed(4)}, worst case $${forecast.worstCaseUsd.toFixed(4)}, budget $${forecast.budgetUsd.toFixed(2)}`,
      );
    },
  );

  tool(
    'start_production',
    {
      title: 'Start a production',
      description:
        'Uploads the manifest (or bible: it is developed first), which starts its execution, and answers at once with its name: follow it with production_status. The same manifest again starts nothing. The budget cap and any review gate apply as they do for a person.',
      inputSchema: manifestSource,
    },
    async (input) => {
      const source = await readSource(input);
      const result = parsed(source.bytes);
      if ('problems' in result)
        return answer({ started: false, problems: result.problems }, 'the manifest is invalid: nothing was started');
      const execution = await desk.start({
        fileName: source.fileName,
        bytes: asRun(source.bytes),
        productionId: result.manifest.production,
      });
      return answer(
        { started: true, productionId: result.manifest.production, executionName: execution.name },
        `started ${result.manifest.production} as execution ${execution.name}: follow it with production_status`,
      );
    },
  );

  tool(
    'production_status',
    {
      title: 'A production, as it is now',
      description:
        "Its status, the stages running, each scene's status, consistency scores and cost, spend against the budget, the review waiting for a decision, and once followed to its end here, the outcome and the deliverables (as file links).",
      inputSchema: { productionId },
      readOnly: true,
    },
    async ({ productionId: id }) => {
      const meta = await desk.productions.findProduction(id);
      const followed = desk.followedOf(id);
      if (!meta) {
        if (followed?.result?.problems)
          return answer(
            { productionId: id, status: 'REJECTED_MANIFEST', problems: followed.result.problems },
            followed.result.reason ?? 'the manifest was rejected',
          );
        if (followed)
          return answer(
            { productionId: id, status: 'STARTING', executionName: followed.executionName },
            `${id} is starting`,
          );
        throw new ManifestSourceInvalid(`there is no production "${id}" here: list_productions names them`);
      }
      const scenes = (await desk.productions.listScenes(id))
        .sort((a, b) => a.episodeId.localeCompare(b.episodeId) || a.index - b.index)
        .map((scene) => ({
          episodeId: scene.episodeId,
          sceneId: scene.sceneId,
          status: scene.status,
          consistency: scene.consistency ?? {},
          keyframeAttempts: scene.keyframeAttempts?.length ?? 0,
          costUsd: scene.costUsd,
          ...(scene.failure && { failure: `${scene.failure.error}: ${scene.failure.cause}` }),
        }));
      const executionName = followed?.executionName ?? meta.executionName;
      const done = scenes.filter((scene) => scene.status === 'COMPLETE').length;
      // Never the task token: it is the capability to answer the gate.
      const review = meta.review && {
        before: meta.review.before,
        cut: meta.review.cut,
        requestedAt: meta.review.requestedAt,
        expiresAt: meta.review.expiresAt,
        ...(meta.review.decision && {
          decision: meta.review.decision,
          decidedAt: meta.review.decidedAt,
          notes: meta.review.notes,
        }),
      };
      const result = followed?.result;
      const deliverables =
        result?.outputDir && result.report ? delivered(result.outputDir, deliveredStems(result.report)) : [];
      const dubs = result?.report?.episodes.flatMap((episode) =>
        (episode.dubs ?? []).map((dub) => ({
          episodeId: episode.id,
          language: dub.language,
          status: dub.status,
          ...(dub.reason && { reason: dub.reason }),
        })),
      );
      const structured = {
        productionId: id,
        title: meta.title,
        status: meta.status,
        executionName,
        runningStages: Object.fromEntries(desk.runningStates(executionName)),
        scenesDone: done,
        scenesTotal: scenes.length,
        scenes,
        budgetUsd: meta.budgetUsd,
        spentUsd: meta.spentUsd,
        unconfirmedUsd: meta.unconfirmedUsd ?? 0,
        ...(review && { review }),
        ...(dubs?.length && { dubs }),
        ...(meta.failure && { failure: `${meta.failure.error}: ${meta.failure.cause}` }),
        ...(result && {
          outcome: {
            ok: result.ok,
            ...(result.reason && { reason: result.reason }),
            ...(result.outputDir && { outputDir: result.outputDir }),
          },
        }),
        ...(followed?.error && { followError: followed.error }),
        ...(meta.status === 'AWAITING_APPROVAL' && { decide: decisionHint(id) }),
      };
      const summary = `${id}: ${meta.status}, scenes ${done}/${scenes.length} done, spent $${(meta.spentUsd + (meta.unconfirmedUsd ?? 0)).toFixed(4)} of $${meta.budgetUsd.toFixed(2)}`;
      const base = answer(structured, summary);
      return { ...base, content: [...base.content, ...deliverables] };
    },
  );

  tool(
    'list_productions',
    {
      title: 'The productions here',
      description: 'Every production in the data directory: status, spend and budget, and its latest execution.',
      inputSchema: {},
      readOnly: true,
    },
    async () => {
      const productions = (await desk.listProductions())
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
        .map((meta) => ({
          productionId: meta.productionId,
          title: meta.title,
          status: meta.status,
          spentUsd: meta.spentUsd,
          budgetUsd: meta.budgetUsd,
          executionName: meta.executionName,
          updatedAt: meta.updatedAt,
        }));
      return answer(
        { productions },
        productions.map((p) => `${p.productionId}: ${p.status}`).join('\n') || 'no productions yet',
      );
    },
  );

  tool(
    'rerender_scene',
    {
      title: 'Render one scene afresh',
      description:
        'Renders the scene anew (nothing of it is reused) and assembles its episode again; the other scenes come from the cache. Answers at once; follow with production_status.',
      inputSchema: { productionId, episodeId, sceneId },
    },
    async (ref) => {
      const execution = await desk.rerender(ref);
      return answer(
        { productionId: ref.productionId, executionName: execution.name },
        `rerendering ${ref.episodeId}/${ref.sceneId} as execution ${execution.name}`,
      );
    },
  );

  tool(
    'dub_production',
    {
      title: 'Dub a finished production into other languages',
      description:
        "Adds the languages to the production's dubs and runs it again over the master's pictures: only the dubs' translations and voices are bought, under the same budget. Answers at once; follow with production_status, whose dubs say what was delivered.",
      inputSchema: {
        productionId,
        languages: ManifestSchema.shape.dubs.def.innerType.check(
          z.minLength(1),
          z.describe('the languages to dub into, as th-TH or ko-KR'),
        ),
      },
    },
    async ({ productionId: id, languages }) => {
      const execution = await desk.dub({ productionId: id, languages });
      return answer(
        { productionId: id, languages, executionName: execution.name },
        `dubbing ${id} into ${languages.join(', ')} as execution ${execution.name}: follow it with production_status`,
      );
    },
  );

  const decisionHint = (id: string) =>
    options.allowApprove
      ? 'approve_review or reject_review decide it (this server was started with --allow-approve)'
      : `a person decides: in the studio console at ${desk.consoleAddress} (its address with the token is on the server's log), or with \`dramaforge approve ${id}\` / \`dramaforge reject ${id} --notes "..."\` once this server is stopped`;

  for (const [name, decision] of [
    ['approve_review', 'APPROVED'],
    ['reject_review', 'REJECTED'],
  ] as const) {
    tool(
      name,
      {
        title: decision === 'APPROVED' ? 'Approve the cut waiting for review' : 'Reject the cut waiting for review',
        description: `${decision === 'APPROVED' ? 'Approves' : 'Rejects'} the cut a production waits with at its review gate. Refused unless a person started the server with --allow-approve: otherwise the answer says who decides and how.`,
        inputSchema: { productionId, notes: ReviewNotesSchema.optional().describe('notes for report.json') },
      },
      async ({ productionId: id, notes }) => {
        if (!options.allowApprove)
          throw new DecisionRefused(`${name} refused: this server may not decide reviews; ${decisionHint(id)}`);
        const { executionName, refusal: refused } = await desk.decide({ productionId: id, decision, notes });
        if (refused) return refusal(`${name} refused: ${refused}`);
        return answer(
          { productionId: id, decision, executionName },
          `${decision}: ${id}; its execution ${executionName} goes on: follow it with production_status`,
        );
      },
    );
  }

  server.registerResource(
    'manifest-schema',
    'dramaforge://schema/manifest.json',
    {
      title: 'The manifest JSON Schema',
      description: 'What a series manifest or bible may say',
      mimeType: 'application/schema+json',
    },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/schema+json',
          text: await readFile(packageFile('schemas/manifest.schema.json'), 'utf8'),
        },
      ],
    }),
  );

  server.registerResource(
    'docs',
    new ResourceTemplate('dramaforge://docs/{name}', {
      list: async () => ({
        resources: Object.entries(AGENT_DOCS).map(([name, description]) => ({
          uri: `dramaforge://docs/${name}`,
          name,
          description,
          mimeType: 'text/markdown',
        })),
      }),
    }),
    { title: 'The docs for writing manifests and bibles', mimeType: 'text/markdown' },
    async (uri, { name }) => {
      if (typeof name !== 'string' || !AGENT_DOCS[name])
        throw new ManifestSourceInvalid(`no doc named ${String(name)}: ${Object.keys(AGENT_DOCS).join(', ')}`);
      return {
        contents: [
          { uri: uri.href, mimeType: 'text/markdown', text: await readFile(packageFile(`docs/${name}.md`), 'utf8') },
        ],
      };
    },
  );

  server.registerResource(
    'report',
    new ResourceTemplate('dramaforge://productions/{productionId}/report.json', {
      list: async () => ({
        resources: (await desk.listProductions()).map((meta) => ({
          uri: `dramaforge://productions/${meta.productionId}/report.json`,
          name: `${meta.productionId} report`,
          mimeType: 'application/json',
        })),
      }),
    }),
    { title: "A production's report.json", mimeType: 'application/json' },
    async (uri, { productionId: id }) => {
      const bytes = typeof id === 'string' ? await desk.assets.findBytes(assetKeys.report(id)) : undefined;
      if (!bytes)
        throw new ManifestSourceInvalid(
          `production "${String(id)}" has no report yet: it is written when the production ends or waits for review`,
        );
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: bytes.toString('utf8') }] };
    },
  );

  server.registerPrompt(
    'develop_series_bible',
    {
      title: 'Develop a series bible',
      description:
        'Write a series bible from a premise, validate it, estimate it and develop its scene cards for review',
      argsSchema: {
        premise: z.string().describe('what the series is about'),
        language: z.string().optional().describe('a BCP-47 tag, as vi-VN (default en-US)'),
        episodes: z.string().optional().describe('how many episodes (default 3)'),
      },
    },
    ({ premise, language, episodes }) => ({
      messages: [
        { role: 'user', content: { type: 'text', text: biblePrompt(premise, language ?? 'en-US', episodes ?? '3') } },
      ],
    }),
  );

  return server;
}

/** The deliverables already copied out, as links to their files: never inlined, a video is too big for an answer. */
function delivered(outputDir: string, stems: string[]) {
  const files = [
    { file: 'storyboard.png', mimeType: 'image/png' },
    ...stems.flatMap((stem) =>
      EPISODE_FILE_EXTENSIONS.filter((extension) => extension === 'mp4' || extension === 'srt').map((extension) => ({
        file: `${stem}.${extension}`,
        mimeType: extension === 'mp4' ? 'video/mp4' : 'text/plain',
      })),
    ),
    { file: 'report.json', mimeType: 'application/json' },
  ];
  return files
    .filter(({ file }) => existsSync(path.join(outputDir, file)))
    .map(({ file, mimeType }) => ({
      type: 'resource_link' as const,
      uri: pathToFileURL(path.join(outputDir, file)).href,
      name: file,
      mimeType,
    }));
}

const INSTRUCTIONS = [
  'dramaforge turns a series manifest (YAML) into finished short-drama episodes.',
  'Write a manifest or a series bible against the dramaforge://schema/manifest.json resource and check it with validate_manifest;',
  "develop_bible writes a bible's scene cards for review; estimate_cost says what it will cost; start_production starts it and answers at once;",
  "production_status follows it. A production with `review` waits for a person's decision at its gate.",
  "dub_production dubs a finished production into other languages over the master's pictures.",
].join(' ');

function biblePrompt(premise: string, language: string, episodes: string): string {
  return [
    `Write a dramaforge series bible (YAML) for this premise: ${premise}`,
    '',
    'The rules of a bible (the full schema is the dramaforge://schema/manifest.json resource; dramaforge://docs/development explains development):',
    `- \`version: 1\`; \`production\`: 3 to 63 characters of a-z, 0-9 and "-"; \`title\`; \`language\`: ${language}; \`budgetUsd\` (estimate_cost says what is enough).`,
    '- Series fields: `logline` (the series in a sentence), `genre`, `style` (the visual style handed to every image and video prompt), `locations` (the places it is shot in).',
    '- `characters`: each an `id` (a-z, 0-9, "-"), `name`, `description` (what they look like: the keyframes are drawn from it), optional `voice: { gender }` and `arc` (where they go over the season). Animals never speak unless `speaks: true`.',
    `- \`episodes\`: ${episodes} of them, each an \`id\` (as ep01), a \`title\` and a \`synopsis\` instead of \`scenes\`, with an optional \`sceneCount\` (1 to 60, default 4). Name the characters by name in the synopsis: development casts each part from the characters it names.`,
    '- Add `review: { before: video }` to have a person approve the animatic before paid video.',
    '',
    'Then: validate_manifest with the YAML; fix every problem it lists; estimate_cost; develop_bible, and show me the scene cards before anything is produced.',
  ].join('\n');
}

/**
 * `dramaforge mcp`: the server on stdin and stdout. Everything else this process writes to stdout
 * (a handler's logger, a library's notice) goes to stderr instead, so the protocol stream carries
 * protocol alone; resolves when the client closes the stream.
 */
export async function serveMcp(options: McpOptions & { version: string }): Promise<void> {
  const protocolOut = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const protocol = new Writable({
    write(chunk, _encoding, done) {
      protocolOut(chunk, done);
    },
  });
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const desk = await ProductionDesk.open({ dataDir: options.dataDir, outDir: options.outDir, onLog: options.onLog });
  try {
    const server = createMcpServer(desk, options, options.version);
    const closed = new Promise<void>((resolve) => {
      server.server.onclose = () => resolve();
      process.stdin.once('end', () => resolve());
    });
    await server.connect(new StdioServerTransport(process.stdin, protocol));
    options.onLog(
      `dramaforge mcp: serving ${options.dataDir} on stdio${options.allowApprove ? '; it may approve and reject reviews (--allow-approve)' : ''}`,
    );
    await closed;
  } finally {
    await desk.stop();
  }
}
