import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AssetStore } from '../../../../../lambdas/adapters/aws/asset-store.js';

const s3 = new S3Client({ region: 'us-east-1' });
const s3Mock = mockClient(s3);

afterEach(() => s3Mock.reset());

describe('AssetStore writes', () => {
  it('tags scene intermediates for the lifecycle rule, and nothing else', async () => {
    // Prepare
    const store = new AssetStore(s3, 'bucket');
    const writes = [
      ['productions/p/scenes/ep01/s01/clip.mp4', 'video/mp4'],
      ['productions/p/episodes/ep01.mp4', 'video/mp4'],
      ['cache/abc', 'application/octet-stream'],
    ] as const;

    // Act
    for (const [key, contentType] of writes) await store.putBytes(key, Buffer.from('x'), contentType);

    // Assess
    const tagging = s3Mock
      .commandCalls(PutObjectCommand)
      .map((call) => [call.args[0].input.Key, call.args[0].input.Tagging]);
    expect(tagging).toEqual([
      ['productions/p/scenes/ep01/s01/clip.mp4', 'dramaforge-lifecycle=intermediate'],
      ['productions/p/episodes/ep01.mp4', undefined],
      ['cache/abc', undefined],
    ]);
  });
});
