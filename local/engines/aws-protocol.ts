import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How an AWS API request on one endpoint says which service it is for, and how each service answers an error. */

export type AwsService = 's3' | 'sqs' | 'dynamodb' | 'sfn' | 'secretsmanager';

/** The JSON protocols' `X-Amz-Target` prefixes, each naming its service. */
const TARGET_PREFIXES: [string, AwsService][] = [
  ['AWSStepFunctions.', 'sfn'],
  ['DynamoDB_20120810.', 'dynamodb'],
  ['DynamoDBStreams_20120810.', 'dynamodb'],
  ['AmazonSQS.', 'sqs'],
  ['secretsmanager.', 'secretsmanager'],
];

/** SigV4 credential scopes name services by their signing name: Step Functions signs as `states`. */
const SIGNING_NAMES: Record<string, AwsService> = {
  s3: 's3',
  sqs: 'sqs',
  dynamodb: 'dynamodb',
  states: 'sfn',
  secretsmanager: 'secretsmanager',
};

/**
 * Which service a request is for, as LocalStack's edge port decides it: the `X-Amz-Target` of the JSON
 * protocols first, then the service in the SigV4 credential scope (`Credential=AKID/date/region/<service>/aws4_request`)
 * of the Authorization header or of a presigned URL's `X-Amz-Credential`. An S3 V2 signature is S3.
 * Undefined for a request that is not an AWS API call (the console's).
 */
export function serviceOf(headers: http.IncomingHttpHeaders, query: URLSearchParams): AwsService | undefined {
  const target = String(headers['x-amz-target'] ?? '');
  for (const [prefix, service] of TARGET_PREFIXES) if (target.startsWith(prefix)) return service;
  const authorization = String(headers.authorization ?? '');
  const scope = /Credential=([^,\s]+)/.exec(authorization)?.[1] ?? query.get('X-Amz-Credential') ?? undefined;
  if (scope) return SIGNING_NAMES[scope.split('/')[3] ?? ''];
  if (authorization.startsWith('AWS ') || query.has('AWSAccessKeyId')) return 's3';
  return undefined;
}

export function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** An error as S3 answers one: XML with its code and message. */
export function s3Error(response: http.ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<&]/g, ' ')}</Message></Error>`,
  );
}

/** An error as the JSON protocols (DynamoDB, SQS, Step Functions, Secrets Manager) answer one. */
export function jsonError(response: http.ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify({ __type: code, message }));
}

/** What a JSON-protocol service answers one request with. */
export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface JsonProtocolServerOptions {
  /** The `X-Amz-Target` prefix that names the service (`AmazonSQS.`); the rest is the operation. */
  readonly targetPrefix: string;
  /** `application/x-amz-json-1.0` or `-1.1`, as the service speaks. */
  readonly contentType: string;
  /** The answer to a body that is not JSON, in the service's own error shape. */
  readonly notJson: JsonAnswer;
  readonly answer: (operation: string, input: Record<string, unknown>) => JsonAnswer | Promise<JsonAnswer>;
}

/**
 * An engine on 127.0.0.1 never closes a connection its client keeps for the next request. Node's server
 * closes one idle for 5 s (`keepAliveTimeout`), and when the server's thread has been busy, that timer
 * runs before the request that came meanwhile on the connection is read: the client, which reused it,
 * fails with `socket hang up` or `read ECONNRESET`. A full studio season lost productions to it. The
 * clients are the runtime's own SDK clients, whose pools bound how many connections stay open, and
 * they close them when their process ends. The engine threads (dynalite, s3rver) do the same.
 */
export function keepIdleConnectionsOpen(server: http.Server): http.Server {
  server.keepAliveTimeout = 0;
  return server;
}

/** One JSON-protocol service (an engine's API) on 127.0.0.1, at a port of its own. */
export class JsonProtocolServer {
  private readonly server: http.Server;

  constructor(options: JsonProtocolServerOptions) {
    this.server = keepIdleConnectionsOpen(
      http.createServer((request, response) => {
        const reply = ({ status, body, headers }: JsonAnswer) => {
          if (response.destroyed) return;
          response.writeHead(status, {
            'content-type': options.contentType,
            'x-amzn-requestid': randomUUID(),
            ...headers,
          });
          response.end(JSON.stringify(body));
        };
        readBody(request)
          .then((bytes) => {
            let input: Record<string, unknown>;
            try {
              input = JSON.parse(bytes.toString('utf8') || '{}') as Record<string, unknown>;
            } catch {
              return options.notJson;
            }
            return options.answer(
              String(request.headers['x-amz-target'] ?? '').replace(options.targetPrefix, ''),
              input,
            );
          })
          .then(reply, (error: unknown) =>
            reply({ status: 500, body: { __type: 'InternalFailure', message: String(error) } }),
          );
      }),
    );
  }

  /** Listens on a free port of 127.0.0.1; the endpoint's URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${this.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get listening(): boolean {
    return this.server.listening;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
