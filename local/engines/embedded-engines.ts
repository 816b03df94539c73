import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SecretsEngine } from './secrets-engine.js';
import { SqsEngine } from './sqs-engine.js';
import { TaskTokenService } from './task-token-service.js';

const require = createRequire(import.meta.url);
const DYNALITE_MODULE = require.resolve('dynalite');
const S3RVER_MODULE = require.resolve('s3rver');

/**
 * dynalite and its LevelDB, on a thread of their own: every Task state's table reads and
 * writes would otherwise share one core with the workflow interpreter and the handlers,
 * as they do not in AWS. Plain CommonJS, so it runs the same from source (tsx) and from dist/.
 */
const TABLE_ENGINE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.module);
const server = dynalite({ path: workerData.path, createTableMs: 0 });
// Never closes a connection its client keeps (keepIdleConnectionsOpen in aws-protocol.ts says why).
server.keepAliveTimeout = 0;
server.once('error', (error) => parentPort.postMessage({ error: error.message }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => {
  server.closeAllConnections();
  server.close(() => parentPort.close());
});
`;

/** The region and account every local ARN names. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** s3rver accepts header-signed requests only with this key pair. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Event {
  Records: {
    eventName: string;
    s3: { bucket: { name: string }; object: { key: string; eTag: string; size: number } };
  }[];
}

export interface LocalEngines {
  endpoints: { s3: string; dynamodb: string; sqs: string; sfn: string; secretsmanager: string };
  /** The bucket's object events, as s3rver emits them. */
  s3: EventEmitter<{ event: [S3Event] }>;
  taskTokens: TaskTokenService;
  secrets: SecretsEngine;
  /** The variables that point the SDK clients (and so the handlers) at these engines. */
  environment: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * dynalite alone over the data directory's table, for a command that only reads it. LevelDB
 * lets one process open it at a time: never while a run in that directory is going.
 */
/**
 * s3rver on a thread of its own, for the same reason; its bucket events come back as messages.
 *
 * S3 is read-after-write consistent, and a reader sees an object whole or not at all. s3rver's
 * filesystem store is neither: it truncates an object's file and streams the body into it in
 * place, and answers the PUT (and emits its event) once the body is read, before the file is
 * flushed, so a GET then read an empty or partial object. Here every file of an object is written
 * beside its place and renamed onto it when complete, the metadata first and the body last, since
 * the body's file is what makes a key exist; the PUT is answered after the rename. An overwrite can
 * still pair new metadata with the old body for an instant.
 */
const OBJECT_ENGINE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Readable, Transform } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const S3rver = require(workerData.module);
const s3 = new S3rver(workerData.options);
const store = s3.store;
let staged = 0;
const ignoreMissing = (error) => { if (error.code !== 'ENOENT') throw error; };
const writeMetadataInPlace = store.putMetadata.bind(store);
store.putMetadata = async (bucket, key, metadata, md5) => {
  const stagingKey = key + '.staged-' + staged++;
  await writeMetadataInPlace(bucket, stagingKey, metadata, md5);
  for (const resource of ['object.md5', 'metadata.json']) {
    await fs.promises.rename(store.getResourcePath(bucket, stagingKey, resource), store.getResourcePath(bucket, key, resource)).catch(ignoreMissing);
  }
};
store.putObject = async (object) => {
  const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
  const stagingPath = objectPath + '.staged-' + staged++;
  // An object's directory is made only when the first write into it finds none.
  const staging = await fs.promises.open(stagingPath, 'w').catch(async (error) => {
    if (error.code !== 'ENOENT') throw error;
    await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
    return fs.promises.open(stagingPath, 'w');
  });
  const md5 = createHash('md5');
  let size = 0;
  const measured = new Transform({
    transform(chunk, encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const body = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
  try {
    await pipeline(body, measured, fs.createWriteStream(stagingPath, { fd: staging }));
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    await fs.promises.rename(stagingPath, objectPath);
    return { size, md5: digest };
  } catch (error) {
    await fs.promises.rm(stagingPath, { force: true });
    throw error;
  }
};
// Every request reads its bucket's directory and its CORS and website configurations from disk. Only
// this thread changes them, and seldom (a bucket made at start, a CORS rule set), so what was read is
// kept until a change begins, and a read that overlapped a change is not kept.
let changes = 0;
const remembered = new Map();
const rememberRead = async (at, read) => {
  if (remembered.has(at)) return remembered.get(at);
  const seen = changes;
  const value = await read();
  if (changes === seen) remembered.set(at, value);
  return value;
};
for (const method of ['putBucket', 'deleteBucket', 'putSubresource', 'deleteSubresource']) {
  const change = store[method].bind(store);
  store[method] = async (...args) => {
    changes += 1;
    remembered.clear();
    try {
      return await change(...args);
    } finally {
      changes += 1;
      remembered.clear();
    }
  };
}
const readBucket = store.getBucket.bind(store);
store.getBucket = (bucket) => rememberRead('bucket ' + bucket, () => readBucket(bucket));
const readSubresource = store.getSubresource.bind(store);
store.getSubresource = (bucket, key, type) =>
  key === undefined
    ? rememberRead(type + ' of ' + bucket, () => readSubresource(bucket, key, type))
    : readSubresource(bucket, key, type);
// Every GET and HEAD stats its object and reads its metadata and MD5 files. Only this thread writes
// the store, so an object's metadata is kept once read, for the most recently read objects, until a
// write or delete of that object begins. A read that a write of its object overlapped is not kept,
// so an ETag served is never older than the object's last write: the inputs hashes trust ETags.
const METADATA_KEPT = 20000;
const keptMetadata = new Map();
const readsInFlight = new Map();
const objectAddress = (bucket, key) => bucket + '/' + key;
const forget = (bucket, key) => {
  const at = objectAddress(bucket, key);
  keptMetadata.delete(at);
  readsInFlight.delete(at);
};
const readMetadata = store.getMetadata.bind(store);
store.getMetadata = async (bucket, key) => {
  const at = objectAddress(bucket, key);
  const kept = keptMetadata.get(at);
  if (kept) {
    keptMetadata.delete(at);
    keptMetadata.set(at, kept);
    return { ...kept };
  }
  const read = {};
  readsInFlight.set(at, read);
  try {
    const metadata = await readMetadata(bucket, key);
    if (readsInFlight.get(at) === read) {
      keptMetadata.set(at, metadata);
      if (keptMetadata.size > METADATA_KEPT) keptMetadata.delete(keptMetadata.keys().next().value);
    }
    return { ...metadata };
  } finally {
    if (readsInFlight.get(at) === read) readsInFlight.delete(at);
  }
};
const changesTo = (method, objectOf) => {
  const change = store[method];
  store[method] = async (...args) => {
    const [bucket, key] = objectOf(...args);
    forget(bucket, key);
    try {
      return await change.apply(store, args);
    } finally {
      forget(bucket, key);
    }
  };
};
changesTo('putObject', (object) => [object.bucket, object.key]);
changesTo('putMetadata', (bucket, key) => [bucket, key]);
changesTo('copyObject', (sourceBucket, sourceKey, bucket, key) => [bucket, key]);
changesTo('deleteObject', (bucket, key) => [bucket, key]);
// The request logger formats every request and response for a console this engine keeps silent.
const requestLogger = s3.middleware.findIndex((middleware) => middleware.name === 'logger');
if (requestLogger >= 0) s3.middleware.splice(requestLogger, 1);
s3.on('event', (event) => parentPort.postMessage({ event }));
s3.run().then(
  (address) => {
    // Never closes a connection its client keeps (keepIdleConnectionsOpen in aws-protocol.ts says why).
    s3.httpServer.keepAliveTimeout = 0;
    parentPort.postMessage({ port: address.port });
  },
  (error) => parentPort.postMessage({ error: error.message }),
);
parentPort.on('message', () => s3.close().then(() => parentPort.close()));
`;

/** Starts an engine thread and waits for the port it listens on. */
async function startEngineThread(
  source: string,
  workerData: unknown,
  onMessage: (message: { event?: unknown }) => void = () => undefined,
) {
  const thread = new Worker(source, { eval: true, workerData });
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    thread.on('message', (message: { port?: number; error?: string; event?: unknown }) => {
      if (message.port) resolve(message.port);
      else if (message.error) reject(new Error(`an engine did not start: ${message.error}`));
      else onMessage(message);
    });
    thread.once('error', reject);
  });
  return {
    port,
    async stop() {
      // The thread closes its server, and with it any lock on the data directory, before it exits, so the next start in this process can open it.
      thread.postMessage('stop');
      await exited;
    },
  };
}

export async function startTableEngine(dataDir: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  await mkdir(path.join(dataDir, 'dynamodb'), { recursive: true });
  const engine = await startEngineThread(TABLE_ENGINE_THREAD, {
    module: DYNALITE_MODULE,
    path: path.join(dataDir, 'dynamodb'),
  });
  return { endpoint: `http://127.0.0.1:${engine.port}`, stop: engine.stop };
}

/**
 * dynalite, s3rver, the embedded SQS and the task-token service, in this process, on
 * 127.0.0.1, with their data under `dataDir` so a second run finds the first's table,
 * bucket and queued messages: a message delayed, in flight or waiting when the process
 * dies is delivered by the next start, as SQS would deliver it.
 */
export async function startEngines(dataDir: string, buckets: string[]): Promise<LocalEngines> {
  await mkdir(path.join(dataDir, 's3'), { recursive: true });
  const table = await startTableEngine(dataDir);

  const s3 = new EventEmitter<{ event: [S3Event] }>();
  const objects = await startEngineThread(
    OBJECT_ENGINE_THREAD,
    {
      module: S3RVER_MODULE,
      options: {
        address: '127.0.0.1',
        port: 0,
        directory: path.join(dataDir, 's3'),
        silent: true,
        configureBuckets: buckets.map((name) => ({ name, configs: [] })),
      },
    },
    (message) => s3.emit('event', message.event as S3Event),
  );

  const sqs = SqsEngine.open(path.join(dataDir, 'sqs'), { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT });
  const sqsEndpoint = await sqs.listen();

  const taskTokens = new TaskTokenService();
  const sfn = await taskTokens.listen();

  const secrets = new SecretsEngine(path.join(dataDir, 'secrets'), LOCAL_REGION, LOCAL_ACCOUNT);
  const secretsmanager = await secrets.listen();

  const endpoints = {
    s3: `http://127.0.0.1:${objects.port}`,
    dynamodb: table.endpoint,
    sqs: sqsEndpoint,
    sfn,
    secretsmanager,
  };
  return {
    endpoints,
    s3,
    taskTokens,
    secrets,
    environment: {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_SFN: endpoints.sfn,
      DRAMAFORGE_S3_FORCE_PATH_STYLE: 'true',
    },
    async stop() {
      await secrets.close();
      await taskTokens.close();
      await sqs.close();
      await objects.stop();
      await table.stop();
    },
  };
}
