import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import { BudgetLedger } from '../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import { unavailableProfiles } from '../../lambdas/composition/provider-config.js';
import type { BoundProviders, ProviderPort } from '../../lambdas/core/contracts/bound-providers.js';
import { parseDevelopedManifest } from '../../lambdas/core/manifest/parse.js';
import type { Manifest, ManifestInput } from '../../lambdas/core/manifest/schema.js';
import type { AnswersTasks, RequeuesJobs, StageDeps } from '../../lambdas/pipeline/stage-deps.js';

export const BUCKET = 'unit-bucket';
export const TABLE = 'unit-table';

/**
 * StageDeps over real SDK clients whose sends are intercepted by aws-sdk-client-mock,
 * with S3 objects served from an in-memory map keyed by object key.
 */
export function mockedStageDeps(options: { objects?: Map<string, Buffer>; providers?: Partial<BoundProviders> } = {}) {
  const objects = options.objects ?? new Map<string, Buffer>();
  const s3 = new S3Client({ region: 'us-east-1' });
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const sfn = new SFNClient({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const dynamoMock = mockClient(dynamo);
  const sfnMock = mockClient(sfn);
  s3Mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const body = objects.get(input.Key);
    if (!body) throw new NoSuchKey({ message: `no ${input.Key}`, $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
  });
  const assets = new AssetStore(s3, BUCKET);
  const deps: StageDeps<ProviderPort> & AnswersTasks & RequeuesJobs = {
    clients: { s3, dynamo, sfn, sqs: new SQSClient({ region: 'us-east-1' }) },
    assets,
    productions: new ProductionStore(dynamo, TABLE),
    ledger: new BudgetLedger(dynamo, TABLE),
    logger: new Logger({ serviceName: 'unit', logLevel: 'CRITICAL' }),
    tableName: TABLE,
    settings: { sceneMaxConcurrency: 3, episodeMaxConcurrency: 1, keyframeMaxAttempts: 3, videoMaxReceiveCount: 3 },
    providers: async () => options.providers as BoundProviders,
    // An empty environment: no provider keys or region, whatever the shell running the tests has.
    profileProblems: (settings) => unavailableProfiles(settings, {}),
    loadManifest: (productionId) => assets.getJson<Manifest>(`productions/${productionId}/manifest.json`),
  };
  return { deps, objects, s3Mock, dynamoMock, sfnMock };
}

/** A valid manifest for production `unit-series`, with the cast and episodes a test needs. */
export function unitManifest(parts: Pick<ManifestInput, 'characters' | 'episodes'> & Partial<ManifestInput>): Manifest {
  return parseDevelopedManifest(
    JSON.stringify({ version: 1, production: 'unit-series', title: 'Unit', language: 'en-US', budgetUsd: 1, ...parts }),
  );
}

/** The stage tests' usual scene: Ana and Ben meet at the harbour, the one scene of the one episode. */
export function meetingManifest(overrides: Partial<ManifestInput> = {}): Manifest {
  return unitManifest({
    characters: [
      { id: 'ana', name: 'Ana', description: 'red hair' },
      { id: 'ben', name: 'Ben', description: 'bald' },
    ],
    episodes: [
      {
        id: 'ep01',
        title: 'One',
        scenes: [{ id: 's01', location: 'Harbour', characters: ['ana', 'ben'], outline: 'They meet.' }],
      },
    ],
    ...overrides,
  });
}

/** Production `unit-series` with one character and one scene (Ana waits at the harbour in ep01/s01), and `parts` over it. */
export function oneSceneManifest(parts: Partial<ManifestInput> = {}): Manifest {
  return unitManifest({
    characters: [{ id: 'ana', name: 'Ana', description: 'red hair' }],
    episodes: [
      {
        id: 'ep01',
        title: 'One',
        scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'Ana waits.' }],
      },
    ],
    ...parts,
  });
}
