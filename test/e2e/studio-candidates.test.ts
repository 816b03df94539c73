import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionNameFor } from '../../lambdas/core/workflow/execution-name.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import type { ConsoleSceneDetail } from '../../local/studio/console-api.js';
import { type Studio, startStudio } from '../../local/studio/studio.js';
import { waitFor } from '../support/wait-for.js';

const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'not-a-real-secret' };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One scene, two characters, two clips bought and the better kept. */
const manifest = `version: 1
production: candidates-console
title: "Candidates"
language: en-US
format: { aspectRatio: "9:16", width: 180, height: 320, fps: 8 }
budgetUsd: 1
video: { candidates: 2 }
characters:
  - id: ana
    name: Ana
    description: "30, short red hair, green coat"
  - id: ben
    name: Ben
    description: "40, bald, grey suit, tall"
episodes:
  - id: ep01
    title: "The letter"
    scenes:
      - id: s01
        location: "Harbour at dawn, fog"
        characters: [ana, ben]
        outline: "Ana hands Ben a letter."
        dialogue:
          - { character: ana, line: "I wrote this the day you left." }
`;

let studio: Studio;
let workDir: string;
let s3: S3Client;

const consoleGet = async (route: string) => {
  const response = await fetch(new URL(route, studio.endpoint));
  if (!response.ok) throw new Error(`${route}: ${response.status}`);
  return response;
};

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-candidates-'));
  studio = await startStudio({ dataDir: path.join(workDir, 'data'), port: 0, retryDelayMs: 5 });
  s3 = new S3Client({ endpoint: studio.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
});

afterAll(async () => {
  await studio?.stop();
  await rm(workDir, { recursive: true, force: true });
});

describe("the console's scene: a scene's video candidates side by side", () => {
  it("answers each candidate's clip and scored frame under named keys, with its scores, checks, cost, and which was kept and why, as report.json says", async () => {
    // Prepare
    const put = await s3.send(
      new PutObjectCommand({ Bucket: studio.bucket, Key: 'manifests/candidates.yaml', Body: manifest }),
    );
    const sfn = new SFNClient({ endpoint: studio.endpoint, region: 'us-east-1', credentials });
    const name = executionNameFor('manifests/candidates.yaml', put.ETag!);
    const execution = await waitFor(
      'the candidates production to end',
      async () => {
        const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: studio.stateMachineArn }));
        const found = executions?.find((listed) => listed.name === name);
        return found && found.status !== 'RUNNING' ? found : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 250 },
    );

    // Act
    const scene = (await (
      await consoleGet('/api/productions/candidates-console/scenes/ep01/s01')
    ).json()) as ConsoleSceneDetail;
    const pictures = await Promise.all(
      (scene.candidates ?? []).map(async (candidate) =>
        Buffer.from(await (await consoleGet(`/api/asset?key=${encodeURIComponent(candidate.frame!)}`)).arrayBuffer()),
      ),
    );
    const clips = await Promise.all(
      (scene.candidates ?? []).map(async (candidate) =>
        (await consoleGet(`/api/asset?key=${encodeURIComponent(candidate.clip!)}`)).json(),
      ),
    );

    // Assess: two candidates, each under keys of its own, exactly one kept, each scored and costed
    expect(execution.status).toBe('SUCCEEDED');
    const candidates = scene.candidates!;
    expect(candidates.map((candidate) => candidate.candidate)).toEqual([1, 2]);
    expect(candidates.filter((candidate) => candidate.kept)).toHaveLength(1);
    for (const candidate of candidates) {
      const root = `productions/candidates-console/scenes/ep01/s01/candidates/${candidate.candidate}`;
      // The offline video model's clip is a camera move: the console pictures it by the frame it was scored on.
      expect(candidate.clip).toBe(`${root}/camera-move.json`);
      expect(candidate.frame).toBe(`${root}/frame.png`);
      expect(Object.keys(candidate.consistency).sort()).toEqual(['ana', 'ben']);
      expect(candidate.checks.length).toBeGreaterThan(0);
      expect(candidate.reason).toMatch(candidate.kept ? /^kept/ : /^passed over/);
      expect(candidate.costUsd).toBeGreaterThanOrEqual(0);
    }
    for (const picture of pictures) expect(picture.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(clips[0]).not.toEqual(clips[1]);
    // The kept candidate's clip is the scene's own.
    const kept = candidates.find((candidate) => candidate.kept)!;
    expect(clips[kept.candidate - 1]).toEqual(
      await (await consoleGet(`/api/asset?key=${encodeURIComponent(scene.assets.clip!)}`)).json(),
    );
    // What the page shows of them is what report.json says.
    const report = JSON.parse(
      Buffer.from(
        await (
          await s3.send(
            new GetObjectCommand({ Bucket: studio.bucket, Key: 'productions/candidates-console/report.json' }),
          )
        ).Body!.transformToByteArray(),
      ).toString('utf8'),
    ) as ProductionReport;
    const reported = report.episodes[0]!.scenes.find((reportedScene) => reportedScene.id === 's01')!;
    expect(reported.video!.candidates).toEqual(candidates);
  });
});
