import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEngines } from '../../../../local/engines/embedded-engines.js';

const BUCKET = 'objects';

async function objectEngine() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-objects-'));
  const engines = await startEngines(dataDir, [BUCKET]);
  onTestFinished(async () => {
    await engines.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  return new S3Client({
    endpoint: engines.endpoints.s3,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
  });
}

/** The object's bytes, or undefined while the key does not exist. */
async function read(s3: S3Client, key: string): Promise<Buffer | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

const bodyOf = (size: number, seed: number) =>
  Buffer.from(Array.from({ length: size }, (_, index) => (index * 31 + seed) % 251));

describe('the embedded object engine', () => {
  it('answers a GET right after a PUT with the whole object', async () => {
    // Prepare
    const s3 = await objectEngine();
    const bodies = Array.from({ length: 20 }, (_, index) => bodyOf(256 * 1024 + index, index));

    // Act
    const reads: (Buffer | undefined)[] = [];
    for (const [index, body] of bodies.entries()) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `written/${index}.bin`, Body: body }));
      reads.push(await read(s3, `written/${index}.bin`));
    }

    // Assess
    const wrong = reads.flatMap((bytes, index) =>
      bytes?.equals(bodies[index]!)
        ? []
        : [`${index}: ${bytes?.length ?? 'missing'} of ${bodies[index]!.length} bytes`],
    );
    expect(wrong).toEqual([]);
  });

  it('shows a reader an object whole or not at all while it is being written, and lists only whole keys', async () => {
    // Prepare
    const s3 = await objectEngine();
    const body = bodyOf(8 * 1024 * 1024, 7);
    const seen: string[] = [];
    let written = false;

    // Act: read and list as fast as the engine answers until the PUT is answered
    const put = s3
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'big/answer.bin', Body: body }))
      .finally(() => (written = true));
    while (!written) {
      const bytes = await read(s3, 'big/answer.bin');
      if (bytes !== undefined && !bytes.equals(body)) seen.push(`a read of ${bytes.length} of ${body.length} bytes`);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      for (const item of listed.Contents ?? [])
        if (item.Key !== 'big/answer.bin' || item.Size !== body.length)
          seen.push(`a listed ${item.Key} of ${item.Size} bytes`);
    }
    await put;

    // Assess
    expect(seen).toEqual([]);
    expect((await read(s3, 'big/answer.bin'))?.equals(body)).toBe(true);
  });

  it('sees a bucket made, and its CORS rules set and removed, on the next request', async () => {
    // Prepare
    const s3 = await objectEngine();
    const endpoint = String(await s3.config.endpoint!().then((e) => `${e.protocol}//${e.hostname}:${e.port}`));
    const preflight = async () =>
      (
        await fetch(`${endpoint}/${BUCKET}/some/key`, {
          method: 'OPTIONS',
          headers: { origin: 'http://editor.example', 'access-control-request-method': 'GET' },
        })
      ).headers.get('access-control-allow-origin');
    const missingBucket = await s3
      .send(new PutObjectCommand({ Bucket: 'made-later', Key: 'k', Body: 'x' }))
      .catch((error: unknown) => error);

    // Act
    const before = await preflight();
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: BUCKET,
        CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['http://editor.example'], AllowedMethods: ['GET'] }] },
      }),
    );
    const allowed = await preflight();
    await s3.send(new DeleteBucketCorsCommand({ Bucket: BUCKET }));
    const after = await preflight();
    await s3.send(new CreateBucketCommand({ Bucket: 'made-later' }));
    await s3.send(new PutObjectCommand({ Bucket: 'made-later', Key: 'k', Body: 'x' }));

    // Assess
    expect(missingBucket).toBeInstanceOf(NoSuchBucket);
    // s3rver answers a matched rule with '*' for its origin.
    expect([before, allowed, after]).toEqual([null, '*', null]);
    expect(
      (await s3.send(new ListObjectsV2Command({ Bucket: 'made-later' }))).Contents?.map((object) => object.Key),
    ).toEqual(['k']);
  });
});
