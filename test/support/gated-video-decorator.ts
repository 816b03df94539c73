import { appendFileSync, readFileSync } from 'node:fs';
import { createAwsClients } from '../../lambdas/adapters/aws/clients.js';
import { TableProviderSlots } from '../../lambdas/adapters/aws/table-slots.js';
import type { BoundProviders } from '../../lambdas/core/contracts/bound-providers.js';
import { readStageEnvironment } from '../../lambdas/core/contracts/environment.js';
import { isAsyncVideoModel, type VideoModel } from '../../lambdas/core/contracts/ports.js';
import type { Manifest } from '../../lambdas/core/manifest/schema.js';
import { waitFor } from './wait-for.js';

/** The offline video model and the one slot the gated productions contend for. */
export const GATED_VIDEO_SLOT = { 'offline/camera-motion-v1': 1 };

/** What the gate reads from the environment of the process it runs in (a worker's is its runtime's). */
export const GATE_VARIABLES = {
  /** Each clip render appends `<production> <pid>` here as it starts. */
  starts: 'DRAMAFORGE_TEST_VIDEO_STARTS',
  /** How many clips all contenders render together. */
  clips: 'DRAMAFORGE_TEST_VIDEO_CLIPS',
} as const;

function linesOf(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Providers whose first clip on the whole machine holds the video slot until every clip of every contender
 * asks for it (each is in the call log, and all but the holder queue in the table's slot), so the shares
 * decide the order of all the others. Imported by each worker process; the first start is the first line
 * of the starts file, which every process appends to.
 */
export function gateFirstClip(providers: BoundProviders, manifest: Manifest): BoundProviders {
  const offline = providers.video.port;
  if (isAsyncVideoModel(offline)) throw new Error('the offline video model renders synchronously');
  const starts = process.env[GATE_VARIABLES.starts]!;
  const clips = Number(process.env[GATE_VARIABLES.clips]);
  const settings = readStageEnvironment();
  const slots = new TableProviderSlots(createAwsClients().dynamo, settings.tableName, GATED_VIDEO_SLOT);
  const asked = () =>
    linesOf(settings.providerCallLog!).filter((line) => JSON.parse(line).model === 'camera-motion-v1').length;
  const queued = async () => {
    const { waiting } = await slots.snapshot({ provider: 'offline', model: 'camera-motion-v1' });
    return Object.values(waiting).reduce((sum, count) => sum + count, 0);
  };
  const renderClip: VideoModel['renderClip'] = async (request, options) => {
    appendFileSync(starts, `${manifest.production} ${process.pid}\n`);
    if (linesOf(starts).length === 1)
      await waitFor(
        `all ${clips} clips to ask for the video slot, and ${clips - 1} to queue in the table`,
        async () => asked() >= clips && (await queued()) >= clips - 1,
        { timeoutMs: 300_000 },
      );
    return offline.renderClip(request, options);
  };
  return { ...providers, video: { ...providers.video, port: { renderClip } } };
}
