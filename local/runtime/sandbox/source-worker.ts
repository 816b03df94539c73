import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { EVERY_OFFLINE_PORT } from '../../../lambdas/composition/offline-ports/every-offline-port.js';
import type { StageCompositionOptions } from '../../../lambdas/composition/stage-deps-from-env.js';
import { stageDepsWithProviders } from '../../../lambdas/composition/stage-deps-with-providers.js';
import type { ProviderPort } from '../../../lambdas/core/contracts/bound-providers.js';
import { readStageEnvironment } from '../../../lambdas/core/contracts/environment.js';
import { slotLimitOf } from '../../../lambdas/core/contracts/ports.js';
import type { LambdaHandler, StageModule } from '../../../lambdas/pipeline/stage-descriptor.js';
import { withEveryClient } from '../every-client.js';
import type { LambdaErrorBody } from './lambda-function-error.js';
import { BrokeredProviderSlots, isSlotGrant, type SlotRequest } from './slot-broker.js';

/**
 * A source-mode worker process (source-worker-pool.ts forks it): imports each function's handler from the
 * sources the first time it is asked to run it, as a cold start does, and runs every invocation its pool sends
 * it, several at once, answering each over the IPC channel.
 */

export interface WorkerInvocation {
  id: number;
  functionName: string;
  functionArn: string;
  memoryMb: number;
  /** The handler's module file, and its export that is the handler. */
  handlerModule: string;
  handlerExport: string;
  /** A module whose export wraps each manifest's providers; with it, the handler is the module's `createHandler` over such dependencies. */
  providerDecorator?: { module: string; exportName: string };
  /** The provider slots are the runtime's, asked for over this channel (slot-broker.ts); with it, too, the handler is `createHandler`'s. */
  brokeredSlots?: true;
  requestId: string;
  deadlineMs: number;
  /** The event, as JSON. */
  payload: string;
}

export type WorkerAnswer =
  | { id: number; succeeded: true; payload: string }
  | { id: number; succeeded: false; error: LambdaErrorBody };

/** Sent once the worker's process is up, before any handler is imported: its start is no function's init. */
export interface WorkerReady {
  ready: true;
}

/** Sent before the handler runs when this invocation loaded its module: the cold start's init is over. */
export interface WorkerInitDone {
  id: number;
  initDone: true;
}

const handlers = new Map<string, Promise<LambdaHandler>>();

async function exported<T>(modulePath: string, exportName: string): Promise<T> {
  const module = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  const value = module[exportName];
  if (typeof value !== 'function') throw new TypeError(`${modulePath} exports no function ${exportName}`);
  return value as T;
}

/**
 * One set of dependencies for every handler of this worker, as the runtime builds one for its own, when the
 * providers are decorated or the slots brokered; otherwise each handler is its module's, built from the environment.
 */
let composedDeps: Promise<Parameters<StageModule['createHandler']>[0]> | undefined;

/** Slots granted by the runtime's process: one instance, since its grants arrive on the one channel. */
let brokeredSlots: BrokeredProviderSlots | undefined;

function brokered(): BrokeredProviderSlots {
  const limits = readStageEnvironment(process.env).providerSlots ?? {};
  brokeredSlots ??= new BrokeredProviderSlots(
    (request: SlotRequest) => process.send!(request),
    (served) => slotLimitOf(limits, served) !== undefined,
  );
  return brokeredSlots;
}

async function loadHandler(invocation: WorkerInvocation): Promise<LambdaHandler> {
  const { providerDecorator } = invocation;
  if (!providerDecorator && !invocation.brokeredSlots)
    return exported<LambdaHandler>(invocation.handlerModule, invocation.handlerExport);
  composedDeps ??= (async () => {
    const decorateProviders =
      providerDecorator &&
      (await exported<NonNullable<StageCompositionOptions<ProviderPort>['decorateProviders']>>(
        providerDecorator.module,
        providerDecorator.exportName,
      ));
    return withEveryClient(
      stageDepsWithProviders(EVERY_OFFLINE_PORT, process.env, {
        decorateProviders,
        ...(invocation.brokeredSlots && { providerSlots: brokered() }),
      }),
    );
  })();
  const createHandler = await exported<StageModule['createHandler']>(invocation.handlerModule, 'createHandler');
  return createHandler(await composedDeps);
}

/** What the runtime interface client posts for an error: its name as errorType, which Retry and Catch match. */
function errorBody(error: unknown): LambdaErrorBody {
  const failure = error instanceof Error ? error : new Error(String(error));
  return { errorType: failure.name, errorMessage: failure.message, trace: (failure.stack ?? '').split('\n') };
}

function contextOf(invocation: WorkerInvocation): Context {
  const { functionName, deadlineMs } = invocation;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: invocation.functionArn,
    memoryLimitInMB: String(invocation.memoryMb),
    awsRequestId: invocation.requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function run(invocation: WorkerInvocation): Promise<WorkerAnswer> {
  const key = `${invocation.handlerModule}#${invocation.handlerExport}`;
  const coldStart = !handlers.has(key);
  if (coldStart) handlers.set(key, loadHandler(invocation));
  let handler: LambdaHandler;
  try {
    handler = await handlers.get(key)!;
  } catch (error) {
    // As a failed init in Lambda: this invocation fails with the init's error, and the next one tries again.
    handlers.delete(key);
    return { id: invocation.id, succeeded: false, error: errorBody(error) };
  }
  if (coldStart) process.send!({ id: invocation.id, initDone: true } satisfies WorkerInitDone);
  try {
    const result = await handler(JSON.parse(invocation.payload), contextOf(invocation));
    return {
      id: invocation.id,
      succeeded: true,
      payload: result === undefined ? '' : JSON.stringify(result),
    };
  } catch (error) {
    return { id: invocation.id, succeeded: false, error: errorBody(error) };
  }
}

process.on('message', (message: WorkerInvocation | unknown) => {
  if (isSlotGrant(message)) return brokeredSlots?.granted(message);
  void run(message as WorkerInvocation).then((answer) => process.send!(answer));
});
// The pool's end of the channel closed: the runtime is gone, and so is every invocation's caller.
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true } satisfies WorkerReady);
