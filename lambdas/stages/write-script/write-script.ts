import {
  BudgetExceeded,
  ProviderOutputInvalid,
  ProviderThrottled,
  ProviderTimeout,
  ProviderUnavailable,
} from '../../core/contracts/errors.js';
import { assetKeys } from '../../core/contracts/keys.js';
import type { SceneScript } from '../../core/contracts/ports.js';
import * as z from '../../core/contracts/zod-mini.js';
import { seedFrom } from '../../core/domain/content-hash.js';
import type { StoredScript } from '../../core/domain/scene-artifacts.js';
import { estimateUsd } from '../../core/pricing/estimates.js';
import { WORST_CASE_USAGE } from '../../core/pricing/worst-case-usage.js';
import { describeProblems } from '../../core/prompts/answer-repair.js';
import { checkScript, episodeContinuity } from '../../core/prompts/script-prompt.js';
import { jsonCodec, paidCall } from '../../pipeline/paid-call.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import { beginSceneStage } from '../../pipeline/scene-stage.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** The provider ports this stage uses: its handler declares them with their offline models. */
export type WriteScriptPorts = 'text';

const safeId = SceneEventSchema.shape.sceneId;

/** One scene, or a part of an episode (its scenes in order), as the Write dialogue Map sends it. */
export const WriteScriptEventSchema = z.union([
  SceneEventSchema,
  z.extend(z.pick(SceneEventSchema, { productionId: true, episodeId: true }), {
    sceneIds: z.array(safeId).check(z.minLength(1), z.maxLength(60)),
  }),
]);

/**
 * Errors the state machine's Retry can outlast: they fail the part's Task so it is tried again
 * (its scenes already written come from the cache). Any other failure stops its scene only.
 */
const isTransient = (error: unknown) =>
  error instanceof ProviderThrottled || error instanceof ProviderUnavailable || error instanceof ProviderTimeout;

/**
 * A scene's dialogue. Dialogue given in the manifest is used verbatim; otherwise the text model
 * writes it, seeing the episode's synopsis and what was said in the episode's earlier scenes.
 */
async function writeSceneScript(
  ref: z.output<typeof SceneEventSchema>,
  deps: StageDeps<WriteScriptPorts>,
): Promise<void> {
  const context = await beginSceneStage(deps, ref, 'SCRIPT');
  const { manifest, episode } = context;

  let script: StoredScript;
  if (context.scene.dialogue) {
    script = { source: 'manifest', lines: context.scene.dialogue.map(({ character, line }) => ({ character, line })) };
  } else {
    const earlier = [];
    for (const scene of episode.scenes.slice(0, context.brief.index)) {
      const written = await deps.assets.findJson<StoredScript>(
        assetKeys.script({ productionId: manifest.production, episodeId: episode.id, sceneId: scene.id }),
      );
      if (written) earlier.push({ sceneId: scene.id, outline: scene.outline, lines: written.lines });
    }
    const continuity = episodeContinuity(episode.synopsis, earlier);
    const { text } = await deps.providers(manifest);
    const request = {
      language: manifest.language,
      title: manifest.title,
      scene: context.brief,
      seed: seedFrom(context.seed, 'script'),
      ...(continuity && { episode: continuity }),
    };
    // The lines before the scene shape its first writing but do not key it: an edit of one scene's
    // lines re-renders that scene alone, and the dialogue after it, once written, stays as it was.
    const { episode: _continuity, ...sceneInputs } = request;
    const { result } = await paidCall(deps, {
      productionId: manifest.production,
      priority: manifest.priority,
      stage: 'script',
      scene: ref,
      provider: text.provider,
      model: text.model,
      inputs: episode.synopsis === undefined ? sceneInputs : { ...sceneInputs, synopsis: episode.synopsis },
      estimateUsd: estimateUsd(text, WORST_CASE_USAGE.script),
      codec: jsonCodec<SceneScript>(),
      call: (options) => text.port.writeScene(request, options),
    });
    // The adapters mend and validate before they answer; this holds a cached entry and the offline model to the same rules.
    const { repairs: adapterRepairs = [], ...answer } = result;
    const checked = checkScript(request, answer);
    if (!checked.ok)
      throw new ProviderOutputInvalid(
        `${text.provider}/${text.model} wrote ${ref.episodeId}/${ref.sceneId} invalidly: ${describeProblems(checked.problems)}`,
      );
    const repairs = [...adapterRepairs, ...checked.repairs];
    script = { source: 'model', lines: checked.value.lines, ...(repairs.length > 0 && { repairs }) };
  }
  await deps.assets.putJson(assetKeys.script(ref), script);
}

/**
 * One scene's script, its failures thrown to the state machine; or a part of an episode's
 * scenes written in order, so that each sees the lines of the ones before it. In a part, a scene
 * whose script fails for good is recorded as stopped and the next scene goes on.
 */
export async function writeScript(
  event: z.output<typeof WriteScriptEventSchema>,
  deps: StageDeps<WriteScriptPorts>,
): Promise<void> {
  if (!('sceneIds' in event)) return writeSceneScript(event, deps);
  for (const sceneId of event.sceneIds) {
    const ref = { productionId: event.productionId, episodeId: event.episodeId, sceneId };
    try {
      await writeSceneScript(ref, deps);
    } catch (error) {
      if (isTransient(error)) throw error;
      const failure = { error: (error as Error).name, cause: (error as Error).message };
      deps.logger.warn('scene stopped', { scene: ref, stoppedAt: 'SCRIPT', failure });
      await deps.productions.updateScene(ref, {
        status: error instanceof BudgetExceeded ? 'BUDGET_EXCEEDED' : 'FAILED',
        failedStage: 'SCRIPT',
        failure,
      });
    }
  }
}
