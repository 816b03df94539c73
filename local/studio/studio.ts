import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DEFAULT_CONSISTENCY_THRESHOLD } from '../../lambdas/core/contracts/ports.js';
import { startProduction } from '../../lambdas/stages/start-production/start-production.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../engines/embedded-engines.js';
import {
  type ExecutionEvent,
  isAbandoned,
  LocalRuntime,
  type LocalRuntimeOptions,
  type ManifestUpload,
} from '../runtime/index.js';
import { consoleHandler } from './console-server.js';
import { EdgeServer } from './edge.js';
import { ExecutionHistories } from './execution-history.js';
import { StepFunctionsApi } from './step-functions-api.js';

export interface StudioOptions
  extends Pick<
    LocalRuntimeOptions,
    'dataDir' | 'command' | 'settings' | 'retryDelayMs' | 'environment' | 'decorateProviders' | 'onError' | 'deployed'
  > {
  /** 127.0.0.1 unless the user names another address (and is warned). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Sees every execution event, after the history has recorded it. */
  onExecutionEvent?: (event: ExecutionEvent) => void;
  /** Sees what the trigger decided for each upload under manifests/ (started, already started, ignored), as its log would say. */
  onManifestTriggered?: (upload: ManifestUpload, decision: unknown) => void;
}

/** What the studio prints as its first stdout line: all a client needs to reach it. */
export interface StudioAddress {
  endpoint: string;
  bucket: string;
  stateMachineArn: string;
  consoleUrl: string;
}

export interface Studio extends StudioAddress {
  /** Every mutating console request needs it; it is in consoleUrl's fragment, which no request carries. */
  token: string;
  runtime: LocalRuntime;
  stop(): Promise<void>;
}

export const LOOPBACK = '127.0.0.1';

/**
 * `dramaforge studio`: the local runtime as one long-lived process that owns its data directory,
 * behind one edge endpoint serving S3, SQS, DynamoDB and the Step Functions subset, with the console.
 * An upload under manifests/ reaches the deployed trigger's own code (start-production), which calls
 * StartExecution on this endpoint, so the execution-name rule and its duplicate no-op are AWS's.
 */
export async function startStudio(options: StudioOptions): Promise<Studio> {
  const dataDir = path.resolve(options.dataDir);
  const host = options.host ?? LOOPBACK;
  const reportError =
    options.onError ??
    ((error: unknown) =>
      process.stderr.write(
        `dramaforge studio: ${(error as Error).name}: ${(error as Error).message ?? String(error)}\n`,
      ));
  let trigger: ((upload: ManifestUpload) => Promise<unknown>) | undefined;
  const histories = new ExecutionHistories(path.join(dataDir, 'history'));
  await histories.ready();
  const runtime = await LocalRuntime.start({
    ...options,
    dataDir,
    command: options.command ?? 'dramaforge studio',
    onError: reportError,
    onExecutionEvent: (event) => {
      histories.record(event);
      options.onExecutionEvent?.(event);
    },
    onManifestUploaded: async (upload) => {
      if (!trigger) throw new Error('the studio is not listening yet');
      const decision = await trigger(upload);
      options.onManifestTriggered?.(upload, decision);
      return decision;
    },
  });
  try {
    const token = randomBytes(24).toString('base64url');
    const stepFunctions = new StepFunctionsApi(runtime, histories, runtime.taskTokens);
    const threshold = Number(process.env.CONSISTENCY_THRESHOLD ?? '') || DEFAULT_CONSISTENCY_THRESHOLD;
    const edge = new EdgeServer({
      host,
      port: options.port ?? 0,
      engines: runtime.endpoints,
      stepFunctions,
      console: consoleHandler({
        runtime,
        histories,
        stepFunctions,
        token,
        consistencyThreshold: threshold,
        onError: reportError,
      }),
      onError: reportError,
    });
    const endpoint = await edge.listen();
    const stateMachineArn = runtime.stateMachines.find(({ kind }) => kind === 'production')!.arn;
    const sfn = new SFNClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    runtime.announceEndpoint(endpoint);
    trigger =
      runtime.deployedManifestTrigger ??
      ((upload) =>
        startProduction(
          { detail: { bucket: { name: upload.bucket }, object: { key: upload.key, etag: upload.etag } } },
          { sfn, stateMachineArn },
        ));
    // A production cut off when the last studio stopped or died goes on, as Step Functions' would have.
    for (const record of await runtime.listExecutions()) {
      if (record.kind === 'production' && record.manifestKey && record.status === 'RUNNING' && isAbandoned(record)) {
        await runtime.startNamedExecution(record.name, record.manifestKey);
      }
    }
    return {
      endpoint,
      bucket: runtime.names.bucket,
      stateMachineArn,
      consoleUrl: `${endpoint}/console/#token=${token}`,
      token,
      runtime,
      async stop() {
        trigger = undefined;
        sfn.destroy();
        await edge.close();
        await runtime.stop();
        await histories.close();
      },
    };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}
