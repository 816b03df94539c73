import { describe, expect, it } from 'vitest';
import { stageDepsFromEnv } from '../../../../../lambdas/composition/stage-deps-from-env.js';
import {
  EnvironmentInvalid,
  readStageEnvironment,
  STAGE_VARIABLES,
  workflowSettingsVariables,
} from '../../../../../lambdas/core/contracts/environment.js';

const STORAGE = { [STAGE_VARIABLES.tableName]: 'productions', [STAGE_VARIABLES.bucketName]: 'assets' };

describe('the stage environment contract', () => {
  it('fails a cold start with one line naming each missing or malformed variable', () => {
    // Prepare
    const env = { [STAGE_VARIABLES.bucketName]: 'assets', [STAGE_VARIABLES.sceneMaxConcurrency]: 'many' };

    // Act
    const start = () => stageDepsFromEnv(env);

    // Assess
    expect(start).toThrow(EnvironmentInvalid);
    expect(start).toThrow(/^environment: TABLE_NAME is not set; SCENE_MAX_CONCURRENCY is invalid \(.+\)$/);
  });

  it('reads back exactly the workflow settings the stack and the local runtime write', () => {
    // Prepare
    const settings = {
      sceneMaxConcurrency: 7,
      episodeMaxConcurrency: 3,
      keyframeMaxAttempts: 5,
      consistencyThreshold: 0.7,
      videoQueueUrl: 'https://queue',
      videoMaxReceiveCount: 4,
    };

    // Act
    const read = readStageEnvironment({ ...STORAGE, ...workflowSettingsVariables(settings) });

    // Assess
    expect(read).toMatchObject({ tableName: 'productions', bucketName: 'assets', ...settings });
  });

  it('gives the documented defaults when only storage is set', () => {
    // Act
    const read = readStageEnvironment(STORAGE);

    // Assess
    expect(read).toMatchObject({
      sceneMaxConcurrency: 4,
      episodeMaxConcurrency: 2,
      keyframeMaxAttempts: 3,
      videoMaxReceiveCount: 3,
      s3ForcePathStyle: false,
    });
    expect(read.consistencyThreshold).toBeUndefined();
  });

  it('reads provider slot limits as JSON and names a malformed one', () => {
    // Prepare
    const slots = (text: string) => ({ ...STORAGE, [STAGE_VARIABLES.providerSlots]: text });

    // Act
    const read = readStageEnvironment(slots('{"offline/camera-motion-v1": 10, "openai": 4}'));

    // Assess
    expect(read.providerSlots).toEqual({ 'offline/camera-motion-v1': 10, openai: 4 });
    expect(() => readStageEnvironment(slots('{"openai": 0}'))).toThrow(
      /^environment: DRAMAFORGE_PROVIDER_SLOTS is invalid \(must map provider/,
    );
    expect(() => readStageEnvironment(slots('ten'))).toThrow(
      /^environment: DRAMAFORGE_PROVIDER_SLOTS is invalid \(not JSON\)$/,
    );
  });
});
