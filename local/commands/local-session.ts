import type { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import type { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import { InProcessConnection } from '../client/in-process-connection.js';
import { ProductionClient } from '../client/production-client.js';
import { ProductionStates } from '../client/progress.js';
import { LocalRuntime, type LocalRuntimeOptions } from '../runtime/index.js';
import { interruption } from './run-interrupted.js';

export interface RunOptions
  extends Pick<
    LocalRuntimeOptions,
    | 'dataDir'
    | 'command'
    | 'settings'
    | 'retryDelayMs'
    | 'environment'
    | 'onExecutionEvent'
    | 'decorateProviders'
    | 'providerDecorator'
    | 'deployed'
  > {
  outDir: string;
  /** Called about once a second with a one-line summary while the execution runs. */
  onProgress?: (line: string) => void;
  /** Ctrl-C: when it aborts, the run settles (`LocalRuntime.settle`) and ends with RunInterrupted. */
  stopSignal?: AbortSignal;
}

export interface RunSession {
  runtime: LocalRuntime;
  assets: AssetStore;
  productions: ProductionStore;
  /** Uploads, follows and delivers productions on this runtime, as the client of a studio would. */
  client: ProductionClient;
}

/** Starts the embedded runtime in this process, hands a session to `work`, and always stops the engines afterwards. */
export async function withLocalRuntime<Result>(
  options: RunOptions,
  work: (session: RunSession) => Promise<Result>,
): Promise<Result> {
  const states = new ProductionStates(() => runtime.taskStateNames);
  const runtime: LocalRuntime = await LocalRuntime.start({
    dataDir: options.dataDir,
    command: options.command,
    settings: options.settings,
    retryDelayMs: options.retryDelayMs,
    environment: options.environment,
    decorateProviders: options.decorateProviders,
    providerDecorator: options.providerDecorator,
    deployed: options.deployed,
    onExecutionEvent: (event) => {
      states.observe(event);
      options.onExecutionEvent?.(event);
    },
  });
  try {
    const connection = new InProcessConnection(runtime, states);
    const client = new ProductionClient(connection, { outDir: options.outDir, onProgress: options.onProgress });
    return await Promise.race([
      work({ runtime, assets: connection.assets, productions: connection.productions, client }),
      interruption(options.stopSignal, () => runtime.settle()),
    ]);
  } finally {
    await runtime.stop();
  }
}
