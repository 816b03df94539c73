import type { Logger } from '@aws-lambda-powertools/logger';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../adapters/aws/clients.js';
import type { BoundPorts, ProviderPort } from '../core/contracts/bound-providers.js';
import type { StageEnvironment } from '../core/contracts/environment.js';
import type { ManifestProblem } from '../core/contracts/errors.js';
import type { ProductionRecords } from '../core/domain/store-ports.js';
import type { Manifest } from '../core/manifest/schema.js';
import type { PaidCallDeps } from './paid-call.js';

/** The workflow settings a stage reads from its environment. */
export type StageSettings = Pick<
  StageEnvironment,
  | 'sceneMaxConcurrency'
  | 'episodeMaxConcurrency'
  | 'keyframeMaxAttempts'
  | 'consistencyThreshold'
  | 'videoQueueUrl'
  | 'videoMaxReceiveCount'
>;

/**
 * What every stage gets: stores over clients built once per process, providers, settings. `Ports`
 * are the provider ports the stage's handler declared; a stage that calls no provider has none.
 */
export interface StageDeps<Ports extends ProviderPort = never> extends PaidCallDeps {
  clients: AwsClients;
  tableName: string;
  productions: ProductionRecords;
  logger: Logger;
  settings: StageSettings;
  /** The manifest's providers for the declared ports; a real profile's module loads on the first manifest that routes to it. */
  providers: (manifest: Manifest) => Promise<BoundPorts<Ports>>;
  /**
   * What this environment lacks to serve a manifest's provider profiles, as manifest problems; given the
   * manifest's voices too, a native voice routed to a video model that renders no dialogue.
   */
  profileProblems: (
    settings: Manifest['providers'],
    voices?: Pick<Manifest, 'voice' | 'characters'>,
  ) => ManifestProblem[];
  loadManifest: (productionId: string) => Promise<Manifest>;
}

/** What a stage that answers a waiting Task's token gets besides: a Step Functions client. */
export interface AnswersTasks {
  clients: { sfn: SFNClient };
}

/** What a stage that puts a job back on its queue gets besides: an SQS client. */
export interface RequeuesJobs {
  clients: { sqs: SQSClient };
}
