import type { z } from 'zod';
import type { SceneScript } from '../../core/ports.js';
import { seedFrom } from '../../core/content-hash.js';
import { jsonCodec, paidCall } from '../../pipeline/paid-call.js';
import { assetKeys } from '../../core/keys.js';
import { estimateUsd } from '../../core/estimates.js';
import { WORST_CASE_USAGE } from '../../core/worst-case-usage.js';
import type { StoredScript } from '../../core/scene-artifacts.js';
import type { SceneEventSchema } from '../../pipeline/scene-context.js';
import { beginSceneStage } from '../../pipeline/scene-stage.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** Dialogue given in the manifest is used verbatim; otherwise the text model writes it. */
export async function writeScript(event: z.output<typeof SceneEventSchema>, deps: StageDeps): Promise<void> {
  const context = await beginSceneStage(deps, event, 'SCRIPT');
  const { manifest } = context;

  let script: StoredScript;
  if (context.scene.dialogue) {
    script = { source: 'manifest', lines: context.scene.dialogue.map(({ character, line }) => ({ character, line })) };
  } else {
    const { text } = await deps.providers(manifest);
    const request = { language: manifest.language, title: manifest.title, scene: context.brief, seed: seedFrom(context.seed, 'script') };
    const { result } = await paidCall(deps, {
      productionId: manifest.production,
      priority: manifest.priority,
      stage: 'script',
      scene: event,
      provider: text.provider,
      model: text.model,
      inputs: request,
      estimateUsd: estimateUsd(text, WORST_CASE_USAGE.script),
      codec: jsonCodec<SceneScript>(),
      call: (options) => text.port.writeScene(request, options),
    });
    script = { source: 'model', lines: result.lines };
  }
  await deps.assets.putJson(assetKeys.script(event), script);
}
