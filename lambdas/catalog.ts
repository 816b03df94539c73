import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ManifestTriggerDescriptor,
  QueueWorkerDescriptor,
  StageDescriptor,
  WorkflowStageDescriptor,
} from './pipeline/stage-descriptor.js';

/**
 * Every function of dramaforge, found from the stage folders: each `lambdas/stages/<name>/stage.ts`
 * describes its function (handler, ASL substitution, sizing, access, environment). The CDK
 * stack, the local runtime and the tests all read this list, so adding a stage is one new
 * folder plus its state in the workflow (docs/adding-a-stage.md).
 */
const stagesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stages');
// The same file runs as TypeScript (tests, tsx) and as compiled JavaScript (the CLI): import descriptors in kind.
const moduleExtension = path.extname(fileURLToPath(import.meta.url));

const stageFolders = readdirSync(stagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

export const ALL_STAGES: readonly StageDescriptor[] = await Promise.all(
  stageFolders.map(async (folder) => {
    const { stage } = (await import(/* @vite-ignore */ `./stages/${folder}/stage${moduleExtension}`)) as {
      stage: StageDescriptor;
    };
    if (stage.name !== folder)
      throw new Error(
        `lambdas/stages/${folder}/stage${moduleExtension} names its stage "${stage.name}": a descriptor is named after its folder`,
      );
    return stage;
  }),
);

/** The functions the workflow and its video queue call, in the local runtime as in AWS. */
export const STAGE_FUNCTIONS: readonly (WorkflowStageDescriptor | QueueWorkerDescriptor)[] = ALL_STAGES.filter(
  (stage): stage is WorkflowStageDescriptor | QueueWorkerDescriptor => stage.invokedBy !== 'manifest-upload',
);

/** The ASL's non-function substitutions. */
export const QUEUE_SUBSTITUTION = 'VideoQueueUrl';

function exactlyOne<Descriptor extends StageDescriptor>(kind: Descriptor['invokedBy']): Descriptor {
  const found = ALL_STAGES.filter((stage) => stage.invokedBy === kind);
  if (found.length !== 1)
    throw new Error(`lambdas/stages/ must hold exactly one stage invoked by ${kind}, found ${found.length}`);
  return found[0] as Descriptor;
}

/** The one function the workflow reaches through the video queue rather than by ARN. */
export const VIDEO_WORKER_FUNCTION = exactlyOne<QueueWorkerDescriptor>('video-queue');

/** The function that turns a manifest upload into an execution (AWS only: locally the s3rver event hook plays this part). */
export const MANIFEST_TRIGGER_FUNCTION = exactlyOne<ManifestTriggerDescriptor>('manifest-upload');
