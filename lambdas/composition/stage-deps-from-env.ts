import { appendFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { FaultInjector, withFaults } from './faults/fault-injector.js';
import { parseFaultPlan } from './faults/fault-plan.js';
import { providersFor, unavailableProfiles } from './provider-registry.js';
import { simulationFor, withSimulatedProviders } from '../../bench/simulated-providers/simulated-providers.js';
import { AssetStore } from '../adapters/aws/asset-store.js';
import { createAwsClients, requireEnv, type AwsClients } from '../adapters/aws/clients.js';
import { BudgetLedger } from '../adapters/aws/budget-ledger.js';
import type { Manifest } from '../core/manifest/schema.js';
import { assetKeys } from '../core/keys.js';
import type { PaidCallDeps } from '../pipeline/paid-call.js';
import { ProductionStore } from '../adapters/aws/production-store.js';
import { type BoundProviders } from '../core/bound-providers.js';

export interface StageSettings {
  sceneMaxConcurrency: number;
  episodeMaxConcurrency: number;
  keyframeMaxAttempts: number;
  consistencyThreshold?: number;
  videoQueueUrl?: string;
  /** The video queue's redrive maxReceiveCount: the receive after which a failing message goes to the DLQ. */
  videoMaxReceiveCount: number;
}

/** What every stage gets: stores over clients built once per process, providers, settings. */
export interface StageDeps extends PaidCallDeps {
  clients: AwsClients;
  productions: ProductionStore;
  logger: Logger;
  settings: StageSettings;
  providers: (manifest: Manifest) => BoundProviders;
  /** What this environment lacks to serve a manifest's provider profiles, as manifest problems. */
  profileProblems: (settings: Manifest['providers']) => { path: string; reason: string }[];
  loadManifest: (productionId: string) => Promise<Manifest>;
}

function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

export function stageDepsFromEnv(env: NodeJS.ProcessEnv = process.env): StageDeps {
  const clients = createAwsClients(env);
  const tableName = requireEnv('TABLE_NAME', env);
  const assets = new AssetStore(clients.s3, requireEnv('BUCKET_NAME', env));
  const threshold = Number(env.CONSISTENCY_THRESHOLD);
  const faults = env.DRAMAFORGE_FAULTS ? new FaultInjector(parseFaultPlan(env.DRAMAFORGE_FAULTS)) : undefined;
  const simulation = env.DRAMAFORGE_SIMULATED_PROVIDERS ? simulationFor(env.DRAMAFORGE_SIMULATED_PROVIDERS) : undefined;
  const callLog = env.DRAMAFORGE_PROVIDER_CALL_LOG;
  const providerEnvironment = { env, dynamo: clients.dynamo, tableName, bucket: assets.bucket };
  return {
    clients,
    assets,
    productions: new ProductionStore(clients.dynamo, tableName),
    ledger: new BudgetLedger(clients.dynamo, tableName),
    logger: new Logger({ serviceName: 'dramaforge' }),
    settings: {
      sceneMaxConcurrency: positiveInt(env.SCENE_MAX_CONCURRENCY, 4),
      episodeMaxConcurrency: positiveInt(env.EPISODE_MAX_CONCURRENCY, 2),
      keyframeMaxAttempts: positiveInt(env.KEYFRAME_MAX_ATTEMPTS, 3),
      consistencyThreshold: Number.isFinite(threshold) && threshold > 0 ? threshold : undefined,
      videoQueueUrl: env.VIDEO_QUEUE_URL,
      videoMaxReceiveCount: positiveInt(env.VIDEO_MAX_RECEIVE_COUNT, 3),
    },
    providers: (manifest) => {
      const bound = providersFor(manifest.providers, providerEnvironment);
      const simulated = simulation ? withSimulatedProviders(bound, simulation) : bound;
      return faults ? withFaults(simulated, faults) : simulated;
    },
    profileProblems: (settings) => unavailableProfiles(settings, env),
    onProviderCall: callLog ? (call) => appendFileSync(callLog, `${JSON.stringify({ ...call, at: new Date().toISOString() })}\n`) : undefined,
    loadManifest: (productionId) => assets.getJson<Manifest>(assetKeys.normalizedManifest(productionId)),
  };
}

/**
 * A thin Lambda handler: check the event's shape, then hand it to the stage's pure code.
 * The Powertools logger carries the Lambda context into every line.
 */
export function stageHandler<Schema extends z.ZodType, Result>(
  deps: StageDeps,
  eventSchema: Schema,
  run: (event: z.output<Schema>, deps: StageDeps) => Promise<Result>,
) {
  return middy(async (event: unknown, _context: Context) => run(eventSchema.parse(event), deps)).use(
    injectLambdaContext(deps.logger, { resetKeys: true }),
  );
}
