import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonError, readBody, s3Error, serviceOf } from '../engines/aws-protocol.js';
import { ChunkedBodyInvalid, decodeAwsChunked, isAwsChunked } from './aws-chunked.js';
import type { StepFunctionsApi } from './step-functions-api.js';

export interface EdgeOptions {
  host: string;
  port: number;
  /** Where each proxied service's engine listens. */
  engines: { s3: string; sqs: string; dynamodb: string; secretsmanager: string };
  stepFunctions: StepFunctionsApi;
  /** The console and its API; false when the request is not theirs. */
  console: (request: http.IncomingMessage, response: http.ServerResponse, url: URL) => Promise<boolean>;
  onError: (error: unknown) => void;
}

const PRESIGN_PARAMETERS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
];

/**
 * The studio's one endpoint: S3 (to s3rver), SQS (to the embedded SQS), DynamoDB (to dynalite) and
 * the Step Functions subset (answered here), routed by `serviceOf`, and the console for the rest.
 *
 * What reaches the engines is what they can take: s3rver verifies header signatures only for its own
 * key pair, so S3 requests are passed on unsigned (any credentials work, as the issue asks), with an
 * aws-chunked body decoded to its bytes. The engines' own addresses never leave: SQS queue URLs are
 * rewritten to this endpoint.
 *
 * Requests a web page could make are refused: a Host that is not this endpoint's (DNS rebinding), an
 * Origin that is not its own (a cross-site form or fetch). A form cannot set the headers an AWS call is
 * routed by, nor the console's token header.
 */
export class EdgeServer {
  private readonly server: http.Server;
  private endpoint = '';

  constructor(private readonly options: EdgeOptions) {
    this.server = http.createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        options.onError(error);
        if (!response.headersSent) jsonError(response, 500, 'InternalFailure', 'the studio failed on this request');
        else response.destroy();
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    this.endpoint = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
    return this.endpoint;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private loopbackOnly(): boolean {
    return ['127.0.0.1', 'localhost', '::1'].includes(this.options.host);
  }

  /** The Host names this endpoint answers to: its loopback names, or any once bound elsewhere with --host. */
  private hostAllowed(hostHeader: string | undefined): boolean {
    if (!this.loopbackOnly()) return true;
    const host = (hostHeader ?? '').replace(/:\d+$/, '').toLowerCase();
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host.endsWith('.localhost');
  }

  private originAllowed(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    try {
      const { hostname, port } = new URL(origin);
      return ['127.0.0.1', 'localhost', '[::1]'].includes(hostname) && Number(port) === this.port;
    } catch {
      return false;
    }
  }

  private async route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://edge');
    if (!this.hostAllowed(request.headers.host) || !this.originAllowed(request.headers.origin)) {
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end('forbidden: this endpoint answers requests to 127.0.0.1 from its own pages only\n');
      return;
    }
    const service = serviceOf(request.headers, url.searchParams);
    switch (service) {
      case 'sfn':
        return this.stepFunctions(request, response);
      case 's3':
        return this.s3(request, response, url);
      case 'sqs':
        return this.proxy(
          request,
          response,
          this.options.engines.sqs,
          `${url.pathname}${url.search}`,
          await readBody(request),
          true,
        );
      case 'dynamodb':
        return this.proxy(
          request,
          response,
          this.options.engines.dynamodb,
          `${url.pathname}${url.search}`,
          await readBody(request),
          false,
        );
      case 'secretsmanager':
        return this.proxy(
          request,
          response,
          this.options.engines.secretsmanager,
          `${url.pathname}${url.search}`,
          await readBody(request),
          false,
        );
      default:
        if (await this.options.console(request, response, url)) return;
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found\n');
    }
  }

  private async stepFunctions(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
    let input: Record<string, unknown>;
    try {
      input = JSON.parse((await readBody(request)).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return jsonError(response, 400, 'SerializationException', 'the request body is not JSON');
    }
    const { status, body } = await this.options.stepFunctions.handle(operation, input);
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(body));
  }

  private async s3(request: http.IncomingMessage, response: http.ServerResponse, url: URL): Promise<void> {
    // A presigned URL may carry a GET or a PUT; a POST (S3's browser form upload) must be header-signed.
    if (request.method === 'POST' && !request.headers.authorization)
      return s3Error(response, 403, 'AccessDenied', 'form uploads are not accepted');
    for (const parameter of PRESIGN_PARAMETERS) url.searchParams.delete(parameter);
    // Virtual-hosted style (bucket.localhost) becomes path style, which is all s3rver is addressed by here.
    const bucketHost = /^([^.]+)\.localhost(:\d+)?$/i.exec(request.headers.host ?? '')?.[1];
    const path = `${bucketHost ? `/${bucketHost}` : ''}${url.pathname}${url.search}`;
    const headers = { ...request.headers };
    delete headers.authorization;
    let body: Buffer | undefined;
    if (isAwsChunked(request.headers)) {
      const declared = request.headers['x-amz-decoded-content-length'];
      try {
        ({ bytes: body } = decodeAwsChunked(
          await readBody(request),
          declared === undefined ? undefined : Number(declared),
        ));
      } catch (error) {
        if (error instanceof ChunkedBodyInvalid) return s3Error(response, 400, error.code, error.message);
        throw error;
      }
      const encodings = String(headers['content-encoding'] ?? '')
        .split(',')
        .map((encoding) => encoding.trim())
        .filter((encoding) => encoding !== '' && encoding.toLowerCase() !== 'aws-chunked');
      if (encodings.length > 0) headers['content-encoding'] = encodings.join(', ');
      else delete headers['content-encoding'];
      for (const header of ['x-amz-decoded-content-length', 'x-amz-trailer', 'transfer-encoding'])
        delete headers[header];
      headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      body = await readBody(request);
    }
    return this.proxy({ method: request.method, headers }, response, this.options.engines.s3, path, body, false);
  }

  /** Sends the request on to an engine and its answer back; `rewriteUrls` turns the engine's address in the answer into this endpoint's. */
  private proxy(
    request: Pick<http.IncomingMessage, 'method' | 'headers'>,
    response: http.ServerResponse,
    engine: string,
    path: string,
    body: Buffer | undefined,
    rewriteUrls: boolean,
  ): Promise<void> {
    const target = new URL(engine);
    const headers: http.OutgoingHttpHeaders = { ...request.headers, host: target.host };
    delete headers.connection;
    delete headers.expect;
    if (body !== undefined) {
      headers['content-length'] = String(body.length);
      delete headers['transfer-encoding'];
    }
    return new Promise((resolve, reject) => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: request.method, path, headers },
        (answer) => {
          if (!rewriteUrls) {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
            answer.on('end', resolve);
            answer.on('error', reject);
            return;
          }
          readBody(answer).then((bytes) => {
            const text = bytes.toString('utf8').split(engine).join(this.endpoint);
            const answerHeaders = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
            delete answerHeaders['transfer-encoding'];
            response.writeHead(answer.statusCode ?? 502, answerHeaders);
            response.end(text);
            resolve();
          }, reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
