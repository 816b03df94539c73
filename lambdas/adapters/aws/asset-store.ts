import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AssetMissing } from '../../core/contracts/errors.js';
import { INTERMEDIATE_TAG, isSceneIntermediate } from '../../core/contracts/keys.js';
import type { ObjectStore } from '../../core/domain/store-ports.js';

/** The asset bucket, seen as bytes and JSON by key. */
export class AssetStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async getBytes(key: string): Promise<Buffer> {
    const found = await this.findBytes(key);
    if (!found) throw new AssetMissing(`s3://${this.bucket}/${key} does not exist`);
    return found;
  }

  async findBytes(key: string): Promise<Buffer | undefined> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = await response.Body!.transformToByteArray();
      // A view of the bytes read, not a copy: an episode's music bed is megabytes.
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async getJson<T>(key: string): Promise<T> {
    return JSON.parse((await this.getBytes(key)).toString('utf8')) as T;
  }

  async findJson<T>(key: string): Promise<T | undefined> {
    const bytes = await this.findBytes(key);
    return bytes ? (JSON.parse(bytes.toString('utf8')) as T) : undefined;
  }

  async putBytes(key: string, body: Buffer | string, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        Tagging: isSceneIntermediate(key) ? `${INTERMEDIATE_TAG.key}=${INTERMEDIATE_TAG.value}` : undefined,
      }),
    );
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.putBytes(key, `${JSON.stringify(value, null, 2)}\n`, 'application/json');
  }

  async exists(key: string): Promise<boolean> {
    return (await this.etag(key)) !== undefined;
  }

  /** The object's ETag (its content hash for a single-part upload), or undefined when it does not exist. */
  async etag(key: string): Promise<string | undefined> {
    try {
      return (await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).ETag ?? '';
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error as { name?: string }).name === 'NoSuchKey' ||
    (error as { name?: string }).name === 'NotFound' ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
  );
}
