import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
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
  const s3 = new S3Client({
    endpoint: engines.endpoints.s3,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
  });
  return { s3, dataDir };
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

/** The object's ETag and content type, or undefined while the key does not exist. */
async function head(s3: S3Client, key: string): Promise<{ etag: string; type: string } | undefined> {
  try {
    const object = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return { etag: object.ETag!, type: object.ContentType! };
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return undefined;
    throw error;
  }
}

const bodyOf = (size: number, seed: number) =>
  Buffer.from(Array.from({ length: size }, (_, index) => (index * 31 + seed) % 251));

describe('the embedded object engine', () => {
  it('answers a GET right after a PUT with the whole object', async () => {
    // Prepare
    const { s3 } = await objectEngine();
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
    const { s3 } = await objectEngine();
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
    const { s3 } = await objectEngine();
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

  it('answers every read after a write with that write, through overwrites, copies and deletes that reads overlap', async () => {
    // Prepare
    const { s3 } = await objectEngine();
    const key = 'scenes/s01/scene.json';
    const stale: string[] = [];

    // Act: each round writes the key while reads of it are in flight, then reads it once the write is answered
    for (let round = 0; round < 30; round += 1) {
      const type = `application/x-round-${round}`;
      const write =
        round % 3 === 2
          ? s3
              .send(
                new PutObjectCommand({
                  Bucket: BUCKET,
                  Key: `sources/${round}`,
                  Body: bodyOf(900, round),
                  ContentType: type,
                }),
              )
              .then(() =>
                s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: key, CopySource: `${BUCKET}/sources/${round}` })),
              )
              .then((copied) => copied.CopyObjectResult!.ETag!)
          : s3
              .send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bodyOf(900, round), ContentType: type }))
              .then((put) => put.ETag!);
      const overlapping = Array.from({ length: 4 }, (_, index) => (index % 2 ? head(s3, key) : read(s3, key)));
      const etag = await write;
      await Promise.all(overlapping);
      const after = await head(s3, key);
      if (after?.etag !== etag || after.type !== type)
        stale.push(`round ${round}: ${JSON.stringify(after)}, wrote ${etag}`);
      const body = await read(s3, key);
      if (!body?.equals(bodyOf(900, round))) stale.push(`round ${round}: a body of ${body?.length ?? 'missing'} bytes`);
    }
    await head(s3, key);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    const deleted = await head(s3, key);
    // The delete took the key's directories with it: the next write makes them again.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'again', ContentType: 'text/plain' }));

    // Assess
    expect(stale).toEqual([]);
    expect(deleted).toBeUndefined();
    expect((await read(s3, key))?.toString()).toBe('again');
    expect((await head(s3, key))?.type).toBe('text/plain');
  });

  it("keeps an object's metadata once read, until the object is written again", async () => {
    // Prepare
    const { s3, dataDir } = await objectEngine();
    const key = 'kept/scene.json';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{}', ContentType: 'application/json' }));
    const before = await head(s3, key);
    // What the engine would read from disk if it read the object's metadata again.
    const metadataFile = path.join(dataDir, 's3', BUCKET, 'kept', 'scene.json._S3rver_metadata.json');
    const onDisk = JSON.parse(await readFile(metadataFile, 'utf8')) as Record<string, string>;
    await writeFile(metadataFile, JSON.stringify({ ...onDisk, 'content-type': 'text/x-changed-behind-the-engine' }));

    // Act
    const kept = await head(s3, key);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '[]', ContentType: 'application/x-new' }));
    const rewritten = await head(s3, key);

    // Assess
    expect(kept).toEqual(before);
    expect(rewritten?.type).toBe('application/x-new');
    expect(rewritten?.etag).not.toBe(before?.etag);
  });
});
