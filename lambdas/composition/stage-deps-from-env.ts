import { appendFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { AssetStore } from '../adapters/aws/asset-store.js';
import { BudgetLedger } from '../adapters/aws/budget-ledger.js';
import { type AwsClients, createAwsClients } from '../adapters/aws/clients.js';
import { ProductionStore } from '../adapters/aws/production-store.js';
import { TableProviderSlots } from '../adapters/aws/table-slots.js';
import type { BoundPorts, ProviderPort } from '../core/contracts/bound-providers.js';
import { processEnvironment, readStageEnvironment, type StageEnvironment } from '../core/contracts/environment.js';
import { assetKeys } from '../core/contracts/keys.js';
import type { ProviderSlots } from '../core/contracts/ports.js';
import type { Manifest } from '../core/manifest/schema.js';
import type { StageDeps } from '../pipeline/stage-deps.js';
import { ProviderShares } from '../pipeline/weighted-slots.js';
import { refusingUndeclaredPorts } from './declared-ports.js';
import type { FaultInjector, withFaults } from './faults/fault-injector.js';
import { type FaultPlan, parseFaultPlan } from './faults/fault-plan.js';
import { endOfLifeProblems } from './model-lifecycle-check.js';
import { nativeVoiceProblems } from './native-voice-check.js';
import { unavailableProfiles } from './provider-config.js';
import type { PortBinding } from './provider-registry.js';

export interface StageCompositionOptions<Ports extends ProviderPort = never> {
  /**
   * Wraps the providers a manifest is served by. Benchmarks put simulated providers here;
   * deployed functions never pass one, so nothing they bundle reaches bench code.
   */
  decorateProviders?: (providers: BoundPorts<Ports>, manifest: Manifest) => BoundPorts<Ports>;
  /** Today, for the model lifecycle check (a route to a model past its end of life is refused). */
  clock?: () => Date;
  /**
   * Binds a manifest's providers for the ports a stage declared (provider-registry's `providersFor`),
   * given by the handlers of the stages that call providers (`stageDepsWithProviders`). A function
   * whose stage calls none is composed without it, so its bundle carries no provider code.
   */
  bindProviders?: PortBinding<Ports>;
  /**
   * The slots this process's provider calls share, instead of those its environment names: a source-mode
   * worker's, brokered by the local runtime's process, which shares them out for the whole machine.
   */
  providerSlots?: ProviderSlots;
}

/**
 * A stage's dependencies from its environment, parsed once at cold start: a missing or
 * malformed variable fails here with one line naming it.
 */
export function stageDepsFromEnv<Ports extends ProviderPort = never>(
  env: Record<string, string | undefined> = processEnvironment(),
  options: StageCompositionOptions<Ports> = {},
): StageDeps<Ports> {
  const settings = readStageEnvironment(env);
  const clients = createAwsClients({ s3ForcePathStyle: settings.s3ForcePathStyle });
  const { tableName } = settings;
  const assets = new AssetStore(clients.s3, settings.bucketName);
  const callLog = settings.providerCallLog;
  const logLine = callLog
    ? (line: object) => appendFileSync(callLog, `${JSON.stringify({ ...line, at: new Date().toISOString() })}\n`)
    : undefined;
  // The plan is checked at cold start like every other variable; the injector (and the retry
  // policies it shares with the provider guard) is imported only when a drill sets one.
  const faultPlan = settings.faults ? parseFaultPlan(settings.faults) : undefined;
  let faults: Promise<{ injector: FaultInjector; withFaults: typeof withFaults }> | undefined;
  // An injected fault is logged beside the calls, so a drill can count the retries it cost.
  const faultInjection = (plan: FaultPlan) => {
    faults ??= import('./faults/fault-injector.js').then(({ FaultInjector, withFaults }) => ({
      injector: new FaultInjector(plan, logLine && ((fault) => logLine({ fault: fault.kind, ...fault }))),
      withFaults,
    }));
    return faults;
  };
  const providerEnvironment = { env, dynamo: clients.dynamo, tableName, bucket: assets.bucket, s3: clients.s3 };
  return {
    clients,
    tableName,
    assets,
    productions: new ProductionStore(clients.dynamo, tableName),
    ledger: new BudgetLedger(clients.dynamo, tableName),
    logger: new Logger({ serviceName: 'dramaforge' }),
    settings: {
      sceneMaxConcurrency: settings.sceneMaxConcurrency,
      episodeMaxConcurrency: settings.episodeMaxConcurrency,
      keyframeMaxAttempts: settings.keyframeMaxAttempts,
      consistencyThreshold: settings.consistencyThreshold,
      videoQueueUrl: settings.videoQueueUrl,
      videoMaxReceiveCount: settings.videoMaxReceiveCount,
    },
    providers: async (manifest) => {
      if (!options.bindProviders)
        throw new Error(
          'this function binds no providers: its stage calls none, so its handler composes it with stageDepsFromEnv, not stageDepsWithProviders',
        );
      const { ports, bind } = options.bindProviders;
      const bound = await bind(manifest.providers, providerEnvironment, manifest.lipSync?.mode);
      const decorated = options.decorateProviders ? options.decorateProviders(bound, manifest) : bound;
      if (!faultPlan) return refusingUndeclaredPorts(decorated, ports);
      const injection = await faultInjection(faultPlan);
      return refusingUndeclaredPorts(injection.withFaults(decorated, injection.injector), ports);
    },
    profileProblems: (providerSettings, voices) => [
      ...unavailableProfiles(providerSettings, env),
      ...endOfLifeProblems(providerSettings, env, (options.clock ?? (() => new Date()))()),
      ...(voices ? nativeVoiceProblems({ providers: providerSettings, ...voices }, env) : []),
    ],
    shares: options.providerSlots ?? providerSlotsFrom(settings, clients.dynamo),
    onProviderCall: logLine,
    loadManifest: (productionId) => assets.getJson<Manifest>(assetKeys.normalizedManifest(productionId)),
  };
}

function providerSlotsFrom(settings: StageEnvironment, dynamo: AwsClients['dynamo']): ProviderSlots | undefined {
  if (!settings.providerSlots) return undefined;
  return settings.providerSlotsSharedBy === 'table'
    ? new TableProviderSlots(dynamo, settings.tableName, settings.providerSlots)
    : new ProviderShares(settings.providerSlots);
}
