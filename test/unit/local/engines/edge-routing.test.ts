import { crc32 } from '@aws-crypto/crc32';
import { describe, expect, it } from 'vitest';
import { serviceOf } from '../../../../local/engines/aws-protocol.js';
import { ChunkedBodyInvalid, decodeAwsChunked, isAwsChunked } from '../../../../local/studio/aws-chunked.js';

const signed = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`,
});

function crc32Base64(bytes: Buffer): string {
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(bytes) >>> 0);
  return checksum.toString('base64');
}

/** A body framed as the SDKs frame a streamed upload with a trailing checksum. */
function chunked(parts: Buffer[], trailer: string): Buffer {
  return Buffer.concat([
    ...parts.flatMap((part) => [Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]),
    Buffer.from(`0\r\n${trailer}\r\n\r\n`),
  ]);
}

describe('the edge routes a request as LocalStack does', () => {
  it('by X-Amz-Target first, then by the SigV4 scope of the header or a presigned URL', () => {
    // Act
    const routes = [
      serviceOf({ 'x-amz-target': 'AWSStepFunctions.ListExecutions' }, new URLSearchParams()),
      serviceOf({ 'x-amz-target': 'DynamoDB_20120810.GetItem', ...signed('dynamodb') }, new URLSearchParams()),
      serviceOf({ 'x-amz-target': 'AmazonSQS.SendMessage' }, new URLSearchParams()),
      serviceOf(signed('states'), new URLSearchParams()),
      serviceOf(signed('s3'), new URLSearchParams()),
      serviceOf({}, new URLSearchParams({ 'X-Amz-Credential': 'AKID/20261201/us-east-1/s3/aws4_request' })),
      serviceOf({ authorization: 'AWS AKID:signature' }, new URLSearchParams()),
      serviceOf({}, new URLSearchParams()),
      serviceOf(signed('lambda'), new URLSearchParams()),
    ];

    // Assess
    expect(routes).toEqual(['sfn', 'dynamodb', 'sqs', 'sfn', 's3', 's3', 's3', undefined, undefined]);
  });
});

describe('aws-chunked bodies', () => {
  it('decode to the bytes sent, with the trailing checksum checked', () => {
    // Prepare
    const bytes = Buffer.from('version: 1\nproduction: chunked\n'.repeat(200));
    const body = chunked([bytes.subarray(0, 4096), bytes.subarray(4096)], `x-amz-checksum-crc32:${crc32Base64(bytes)}`);

    // Act
    const decoded = decodeAwsChunked(body, bytes.length);

    // Assess
    expect(decoded.bytes.equals(bytes)).toBe(true);
    expect(decoded.trailers).toEqual({ 'x-amz-checksum-crc32': crc32Base64(bytes) });
  });

  it('refuse a trailing checksum that does not match (BadDigest) and a body cut short', () => {
    // Prepare
    const bytes = Buffer.from('the real bytes');
    const wrongChecksum = chunked([bytes], `x-amz-checksum-crc32:${crc32Base64(Buffer.from('other bytes'))}`);
    const cutShort = chunked([bytes], 'x-amz-checksum-crc32:AAAAAA==').subarray(0, 8);

    // Act
    const failures = [wrongChecksum, cutShort].map((body) => {
      try {
        decodeAwsChunked(body);
        return undefined;
      } catch (error) {
        return error instanceof ChunkedBodyInvalid ? error.code : error;
      }
    });

    // Assess
    expect(failures).toEqual(['BadDigest', 'IncompleteBody']);
  });

  it('keep chunk signatures of the signed variant out of the bytes', () => {
    // Prepare
    const body = Buffer.from('5;chunk-signature=aaaa\r\nhello\r\n0;chunk-signature=bbbb\r\n\r\n');

    // Act
    const decoded = decodeAwsChunked(body, 5);

    // Assess
    expect(decoded.bytes.toString()).toBe('hello');
    expect(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' })).toBe(true);
    expect(isAwsChunked({ 'content-encoding': 'gzip, aws-chunked' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })).toBe(false);
  });
});
