import path from 'node:path';
import type { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import type { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import type { ProductionMeta, ReviewDecision } from '../../lambdas/core/domain/production-model.js';
import { InProcessConnection } from '../client/in-process-connection.js';
import {
  type FollowedExecution,
  type ManifestFile,
  ProductionClient,
  type RunResult,
  type RuntimeConnection,
} from '../client/production-client.js';
import { ProductionStates } from '../client/progress.js';
import { StudioConnection } from '../client/studio-connection.js';
import { type DevelopResult, developOn } from '../commands/develop.js';
import { dubbedManifest } from '../commands/dub.js';
import { startRerender } from '../commands/rerender.js';
import { answerReview } from '../commands/review.js';
import { dataDirOwner } from '../runtime/index.js';
import { type Studio, startStudio } from '../studio/studio.js';

/** Something the desk cannot do where it runs: the message says what to do instead. */
export class DeskRefused extends Error {
  override readonly name = 'DeskRefused';
}

/** A production started here and followed in the background, with how it ended once it has. */
export interface Followed {
  executionName: string;
  result?: RunResult;
  /** Why following failed (the runtime stopped, a store went away): the production itself may still be running. */
  error?: string;
}

/**
 * The productions an agent works on, in one data directory held for as long as the server runs:
 * by a studio of the server's own (so a person can watch and decide in its console), or through
 * the studio that already owns the directory, as `produce` becomes that studio's client. Long work
 * is started and followed in the background; nothing here waits for a production to end.
 */
export class ProductionDesk {
  private readonly followed = new Map<string, Followed>();

  private constructor(
    private readonly connection: RuntimeConnection,
    private readonly client: ProductionClient,
    /** The studio this process runs, when it runs one; undefined when another process's studio serves. */
    private readonly ownStudio: Studio | undefined,
    /** Where a person decides: the console's address, without the token that lets a request act. */
    readonly consoleAddress: string,
    private readonly close: () => Promise<void>,
  ) {}

  static async open(options: {
    dataDir: string;
    outDir: string;
    onLog: (line: string) => void;
  }): Promise<ProductionDesk> {
    const endpoint = dataDirOwner(options.dataDir)?.endpoint;
    if (endpoint) {
      const connection = await StudioConnection.open(endpoint);
      options.onLog(`a studio owns ${options.dataDir}: working through it at ${endpoint}`);
      return new ProductionDesk(
        connection,
        new ProductionClient(connection, { outDir: options.outDir }),
        undefined,
        `${endpoint}/console/`,
        async () => connection.close(),
      );
    }
    const states = new ProductionStates(() => studio.runtime.taskStateNames);
    const studio: Studio = await startStudio({
      dataDir: options.dataDir,
      command: 'dramaforge mcp',
      onExecutionEvent: (event) => states.observe(event),
      onError: (error) => options.onLog(`${(error as Error).name}: ${(error as Error).message}`),
    });
    // The token is the person's, to decide in the console; it goes to the log they read, never to the agent.
    options.onLog(`dramaforge mcp: the studio's console, where a person approves or rejects: ${studio.consoleUrl}`);
    const connection = new InProcessConnection(studio.runtime, states);
    return new ProductionDesk(
      connection,
      new ProductionClient(connection, { outDir: options.outDir }),
      studio,
      `${studio.endpoint}/console/`,
      () => studio.stop(),
    );
  }

  get productions(): ProductionStore {
    return this.connection.productions;
  }

  get assets(): AssetStore {
    return this.connection.assets;
  }

  /** Uploads the manifest, which starts (or, for the same bytes, reuses) its execution, and follows it without waiting. */
  async start(manifest: ManifestFile): Promise<FollowedExecution> {
    const execution = await this.client.upload(manifest);
    this.follow(execution);
    return execution;
  }

  followedOf(productionId: string): Followed | undefined {
    return this.followed.get(productionId);
  }

  runningStates(executionName: string): Map<string, number> {
    return this.connection.statesOf(executionName).active;
  }

  listProductions(): Promise<ProductionMeta[]> {
    return this.productions.listProductions();
  }

  async develop(bible: { fileName: string; bytes: Buffer }): Promise<DevelopResult> {
    const runtime = this.studioRuntime(
      'develop a bible',
      'produce the bible (start_production develops it in the workflow) or stop the studio',
    );
    return developOn(
      { runtime, assets: this.assets, productions: this.productions },
      { fileName: bible.fileName, bible: bible.bytes },
    );
  }

  async rerender(ref: { productionId: string; episodeId: string; sceneId: string }): Promise<FollowedExecution> {
    const runtime = this.studioRuntime('rerender a scene', "rerender it from the studio's console");
    const { name, manifestKey } = await startRerender(
      { runtime, assets: this.assets, productions: this.productions },
      ref,
    );
    const execution = { name, manifestKey, productionId: ref.productionId };
    this.follow(execution);
    return execution;
  }

  /**
   * Adds the languages to the production's manifest and uploads it again, as `dramaforge dub` does:
   * its execution takes the master's pictures and voices from the cache and buys the dubs' words and voices.
   */
  async dub(input: { productionId: string; languages: string[] }): Promise<FollowedExecution> {
    return this.start(
      await dubbedManifest({ assets: this.assets, productions: this.productions }, input, 'this data directory'),
    );
  }

  /** Records a person's (or a permitted agent's) decision and follows the execution that goes on from the gate. */
  async decide(input: {
    productionId: string;
    decision: ReviewDecision;
    notes?: string;
  }): Promise<{ executionName: string; refusal?: string }> {
    const runtime = this.studioRuntime('decide a review', 'decide it in the studio console');
    const { executionName, manifestKey, refusal } = await answerReview(
      { runtime, productions: this.productions },
      input,
    );
    this.follow({ name: executionName, manifestKey, productionId: input.productionId });
    return { executionName, ...(refusal && { refusal }) };
  }

  async stop(): Promise<void> {
    await this.close();
  }

  private follow(execution: FollowedExecution): void {
    const id = execution.productionId ?? path.basename(execution.manifestKey);
    const entry: Followed = { executionName: execution.name };
    this.followed.set(id, entry);
    this.client.follow(execution).then(
      (result) => (entry.result = result),
      (error: unknown) => (entry.error = (error as Error).message),
    );
  }

  private studioRuntime(what: string, instead: string) {
    if (!this.ownStudio)
      throw new DeskRefused(
        `the server works through another process's studio and cannot ${what} there: ${instead} (${this.consoleAddress})`,
      );
    return this.ownStudio.runtime;
  }
}
