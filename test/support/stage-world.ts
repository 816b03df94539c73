import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand } from '@aws-sdk/client-s3';
import { onTestFinished } from 'vitest';
import { BudgetLedger } from '../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import type { BoundProviders, ProviderPort } from '../../lambdas/core/contracts/bound-providers.js';
import type { SeriesManifest } from '../../lambdas/core/manifest/schema.js';
import type { AnswersTasks, RequeuesJobs, StageDeps } from '../../lambdas/pipeline/stage-deps.js';
import { startLocalTable } from './local-table.js';
import { mockedStageDeps } from './mocked-stage-deps.js';

/**
 * A stage's dependencies over a local table of the test's own (the real production store and
 * budget ledger) and a bucket that keeps what it is given, with the production of `manifest`
 * opened at its budget and its manifest stored where the stages read it.
 */
export async function stageWorld(
  manifest: SeriesManifest,
  options: { providers?: Partial<BoundProviders>; objects?: [string, Buffer][] } = {},
) {
  const table = await startLocalTable();
  onTestFinished(() => table.stop());
  const objects = new Map<string, Buffer>([
    [`productions/${manifest.production}/manifest.json`, Buffer.from(JSON.stringify(manifest))],
    ...(options.objects ?? []),
  ]);
  const mocks = mockedStageDeps({ objects, providers: options.providers });
  onTestFinished(() => {
    mocks.s3Mock.restore();
    mocks.dynamoMock.restore();
    mocks.sfnMock.restore();
  });
  const gets = () => mocks.s3Mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key!);
  mocks.s3Mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: Buffer | string }) => {
    objects.set(input.Key, Buffer.from(input.Body));
    return {};
  });
  mocks.s3Mock.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    if (!objects.has(input.Key)) throw new NotFound({ message: `no ${input.Key}`, $metadata: { httpStatusCode: 404 } });
    return { ETag: '"etag"' };
  });
  const productions = new ProductionStore(table.dynamo, table.tableName);
  const ledger = new BudgetLedger(table.dynamo, table.tableName);
  const deps: StageDeps<ProviderPort> & AnswersTasks & RequeuesJobs = {
    ...mocks.deps,
    productions,
    ledger,
    tableName: table.tableName,
  };
  await productions.openProduction({
    productionId: manifest.production,
    title: manifest.title,
    language: manifest.language,
    budgetUsd: manifest.budgetUsd,
    manifestKey: `manifests/${manifest.production}.yaml`,
    executionName: 'unit-execution',
  });
  return {
    deps,
    objects,
    productions,
    ledger,
    sfnMock: mocks.sfnMock,
    /** Every key read from the bucket so far, in order. */
    gets,
    json: <T>(key: string) => JSON.parse(objects.get(key)!.toString('utf8')) as T,
    /** Creates the rows of the manifest's scenes, as Plan production does. */
    ensureScenes: async () => {
      for (const episode of manifest.episodes)
        for (const [index, scene] of (episode.scenes ?? []).entries())
          await productions.ensureScene({
            productionId: manifest.production,
            episodeId: episode.id,
            sceneId: scene.id,
            index,
          });
    },
  };
}

export type StageWorld = Awaited<ReturnType<typeof stageWorld>>;
