import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import { executionNameFor } from '../../lambdas/core/execution-name.js';
import { assetKeys } from '../../lambdas/core/keys.js';
import type { Manifest } from '../../lambdas/core/manifest/schema.js';
import type { ExecutionSummary } from '../../lambdas/stages/finalize-production/production-report.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../engines/embedded-engines.js';
import { LOCAL_RESOURCE_NAMES, LOCAL_STATE_MACHINE_NAMES } from '../runtime/settings.js';
import { downloadDeliverables, failureReason, stoppedCleanly, type RunResult } from './production-client.js';
import { formatProgress } from './progress.js';

export interface StudioUpload {
  fileName: string;
  bytes: Buffer;
  productionId: string | undefined;
}

export interface StudioClientOptions {
  endpoint: string;
  outDir: string;
  onProgress?: (label: string, line: string) => void;
}

/**
 * `produce` while a studio owns the data directory: the client a producer would be in AWS. It puts
 * each manifest under manifests/ of the studio's bucket, follows the execution the upload starts
 * with DescribeExecution, and downloads the deliverables from productions/<id>/ to `<out>/<id>/`.
 */
export async function produceThroughStudio(uploads: StudioUpload[], options: StudioClientOptions): Promise<RunResult[]> {
  const config = { endpoint: options.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const sfn = new SFNClient(config);
  const dynamo = new DynamoDBClient(config);
  const bucket = LOCAL_RESOURCE_NAMES.bucket;
  const assets = new AssetStore(s3, bucket);
  const productions = new ProductionStore(DynamoDBDocumentClient.from(dynamo), LOCAL_RESOURCE_NAMES.table);
  const machines = await sfn.send(new ListStateMachinesCommand({}));
  const productionMachine = machines.stateMachines?.find((machine) => machine.name === LOCAL_STATE_MACHINE_NAMES.production)?.stateMachineArn;
  const episodeMachine = machines.stateMachines?.find((machine) => machine.name === LOCAL_STATE_MACHINE_NAMES.episode)?.stateMachineArn;
  if (!productionMachine || !episodeMachine) throw new Error(`${options.endpoint} is not a dramaforge studio`);
  const started = Date.now();

  const follow = async (upload: StudioUpload): Promise<RunResult> => {
    const key = `${assetKeys.manifestsPrefix}${path.basename(upload.fileName)}`;
    const uploadedAt = Date.now();
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: upload.bytes }));
    const name = executionNameFor(key, put.ETag ?? '');
    const executionArn = productionMachine.replace(':stateMachine:', ':execution:') + `:${name}`;
    const label = upload.productionId ?? upload.fileName;
    let description: DescribeExecutionCommandOutput | undefined;
    for (;;) {
      description = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch((error: Error) => {
        if (error.name === 'ExecutionDoesNotExist') return undefined;
        throw error;
      });
      if (description && description.status !== 'RUNNING') break;
      const meta = upload.productionId ? await productions.findProduction(upload.productionId) : undefined;
      // An execution waiting at its review gate runs on until someone decides: the producer has what they asked for.
      if (description && meta?.status === 'AWAITING_APPROVAL') break;
      if (upload.productionId && options.onProgress) {
        const scenes = meta ? await productions.listScenes(upload.productionId) : [];
        options.onProgress(
          label,
          formatProgress({
            elapsedSeconds: (Date.now() - started) / 1000,
            activeStates: new Map([[`in the studio at ${options.endpoint}`, 1]]),
            scenesDone: scenes.filter((scene) => scene.status === 'COMPLETE').length,
            scenesTotal: scenes.length,
            spentUsd: meta?.spentUsd ?? 0,
            unconfirmedUsd: meta?.unconfirmedUsd ?? 0,
            budgetUsd: meta?.budgetUsd ?? 0,
          }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const reused = (description.startDate?.getTime() ?? uploadedAt) < uploadedAt - 1000;
    const error = description.error ? { name: description.error, cause: description.cause ?? '' } : undefined;
    if (description.status === 'FAILED' && description.error === 'ManifestInvalid') {
      const rejection = await assets.findJson<{ problems: { path: string; reason: string }[] }>(assetKeys.manifestErrors(key));
      return {
        ok: false,
        executionName: name,
        reused,
        reason: `the manifest was rejected (${rejection?.problems.length ?? 0} problems)`,
        problems: rejection?.problems,
        stageMilliseconds: {},
      };
    }
    const manifest = upload.productionId ? await assets.findJson<Manifest>(assetKeys.normalizedManifest(upload.productionId)) : undefined;
    if (!manifest) {
      return { ok: false, executionName: name, reused, reason: `${error?.name ?? 'Failed'}: ${error?.cause ?? 'no production was opened'}`, stageMilliseconds: {} };
    }
    const outputDir = path.join(options.outDir, manifest.production);
    const report = await downloadDeliverables(assets, manifest, outputDir, await executionsOf(sfn, executionArn, episodeMachine, description));
    const ok = stoppedCleanly(description.status, report);
    return { ok, executionName: name, reused, productionId: manifest.production, outputDir, report, reason: ok ? undefined : failureReason({ error }, report), stageMilliseconds: {} };
  };

  try {
    return await Promise.all(uploads.map(follow));
  } finally {
    s3.destroy();
    sfn.destroy();
    dynamo.destroy();
  }
}

async function historyLength(sfn: SFNClient, executionArn: string): Promise<number> {
  let events = 0;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: false }));
    events += page.events?.length ?? 0;
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The production execution and its episode executions, as report.json lists them. */
async function executionsOf(sfn: SFNClient, executionArn: string, episodeMachine: string, production: DescribeExecutionCommandOutput): Promise<ExecutionSummary[]> {
  const summaries: ExecutionSummary[] = [{ name: production.name!, kind: 'production', status: production.status as ExecutionSummary['status'], events: await historyLength(sfn, executionArn) }];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: episodeMachine, nextToken }));
    for (const episode of page.executions ?? []) {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: episode.executionArn }));
      // As in AWS, a child execution's input names the execution that started it.
      const startedBy = (JSON.parse(described.input ?? '{}') as { AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID?: string }).AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID;
      if (startedBy !== executionArn) continue;
      summaries.push({ name: episode.name!, kind: 'episode', status: episode.status as ExecutionSummary['status'], events: await historyLength(sfn, episode.executionArn!) });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return summaries;
}
