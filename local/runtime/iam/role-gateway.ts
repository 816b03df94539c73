import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AwsService,
  jsonError,
  keepIdleConnectionsOpen,
  readBody,
  s3Error,
  serviceOf,
} from '../../engines/aws-protocol.js';
import { type Authorizer, accessDeniedError, type DeniedService } from './authorizer.js';
import {
  jsonProtocolPermissions,
  type RequiredPermission,
  type ResourceLocator,
  s3Permissions,
  UnmappedOperation,
} from './request-permissions.js';

/** Temporary credentials as Lambda hands a function its role's: the session token says whose they are. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface RoleGatewayOptions {
  readonly authorizer: Authorizer;
  readonly locator: ResourceLocator;
  /**
   * The signing key pair every session shares. The S3 engine verifies signatures of its own key
   * pair only, and an allowed request goes on signed as it came.
   */
  readonly keyPair: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Where an allowed request of a service goes on to: the engine serving it, or a front serving them all. */
  readonly upstream: (service: AwsService) => string;
  readonly onError: (error: unknown) => void;
}

/** The IAM action prefix of each service, which names its refusals. */
const DENIED_SERVICE: Readonly<Record<AwsService, DeniedService>> = {
  s3: 's3',
  sqs: 'sqs',
  dynamodb: 'dynamodb',
  sfn: 'states',
  secretsmanager: 'secretsmanager',
};

function refuse(
  response: http.ServerResponse,
  service: AwsService,
  status: number,
  code: string,
  message: string,
): void {
  if (service === 's3') s3Error(response, status, code, message);
  else jsonError(response, status, code, message);
}

/**
 * The endpoint a deployed function's SDK reaches AWS through, which answers as IAM would. Each function
 * gets credentials of its own role's session (`credentialsFor`); every request is mapped to the
 * actions and resources it needs (`request-permissions.ts`), each decided by the `Authorizer` against
 * the template's role and resource policies, and either refused with the service's AccessDenied or
 * sent on, untouched, to the engine that serves it.
 *
 * The session token, not the signature, names the session: the engines verify signatures (S3) or
 * ignore them, and a sandbox only ever holds its own function's token.
 */
export class RoleGateway {
  private readonly server: http.Server;
  private readonly sessions = new Map<string, string>();

  constructor(private readonly options: RoleGatewayOptions) {
    this.server = keepIdleConnectionsOpen(
      http.createServer((request, response) => {
        this.handle(request, response).catch((error: unknown) => {
          options.onError(error);
          if (!response.headersSent)
            jsonError(response, 500, 'InternalFailure', 'the role gateway failed on this request');
          else response.destroy();
        });
      }),
    );
  }

  /** The credentials a function's sandbox signs with: a session of the function's role. */
  credentialsFor(functionName: string): RoleCredentials {
    const sessionToken = `dramaforge-session-${randomBytes(24).toString('base64url')}`;
    this.sessions.set(sessionToken, functionName);
    return { ...this.options.keyPair, sessionToken };
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://gateway');
    const service = serviceOf(request.headers, url.searchParams);
    if (!service)
      return jsonError(response, 400, 'UnrecognizedService', 'the request names no AWS service this gateway serves');
    const token = request.headers['x-amz-security-token'] ?? url.searchParams.get('X-Amz-Security-Token') ?? undefined;
    const functionName = typeof token === 'string' ? this.sessions.get(token) : undefined;
    if (!functionName) {
      return service === 's3'
        ? s3Error(response, 403, 'InvalidToken', 'The provided token is malformed or otherwise invalid.')
        : jsonError(
            response,
            403,
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
          );
    }
    const body = await readBody(request);
    let permissions: RequiredPermission[];
    try {
      permissions = this.permissionsOf(service, request, url, body);
    } catch (error) {
      if (!(error instanceof UnmappedOperation)) throw error;
      // Strict on purpose: a call the twin cannot authorize must be seen, not let through unchecked.
      this.options.onError(error);
      return refuse(response, service, 400, 'UnmappedOperation', error.message);
    }
    for (const permission of permissions) {
      const decision = this.options.authorizer.authorize({
        principal: { function: functionName },
        ...permission,
        context: { 'aws:SecureTransport': 'true' },
      });
      if (!decision.allowed) {
        const { status, code, message } = accessDeniedError(DENIED_SERVICE[service], decision.denial);
        return refuse(response, service, status, code, message);
      }
    }
    return this.forward(request, response, this.options.upstream(service), body);
  }

  private permissionsOf(
    service: AwsService,
    request: http.IncomingMessage,
    url: URL,
    body: Buffer,
  ): RequiredPermission[] {
    if (service === 's3') {
      // Path style, or virtual-hosted style on a `.localhost` name.
      const bucketHost = /^([^.]+)\.localhost(:\d+)?$/i.exec(request.headers.host ?? '')?.[1];
      const segments = url.pathname.split('/').slice(1);
      const bucket = bucketHost ?? decodeURIComponent(segments.shift() ?? '');
      if (!bucket) throw new UnmappedOperation(`S3 ${request.method} ${url.pathname} names no bucket`);
      const key =
        segments.length === 0 || (segments.length === 1 && segments[0] === '')
          ? undefined
          : decodeURIComponent(segments.join('/'));
      return s3Permissions(
        {
          method: request.method ?? 'GET',
          bucket,
          ...(key === undefined ? {} : { key }),
          query: url.searchParams,
          headers: request.headers,
        },
        this.options.locator,
      );
    }
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      throw new UnmappedOperation(`a ${service} request whose body is not JSON`);
    }
    return jsonProtocolPermissions(
      { target: String(request.headers['x-amz-target'] ?? ''), input },
      this.options.locator,
    );
  }

  /** Sends the request on as it came (its Host and signature included) and the answer back as it comes. */
  private forward(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    upstream: string,
    body: Buffer,
  ): Promise<void> {
    const target = new URL(upstream);
    const headers: http.OutgoingHttpHeaders = { ...request.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    delete headers.connection;
    delete headers.expect;
    return new Promise((resolve, reject) => {
      const onward = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.url, headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', resolve);
          answer.on('error', reject);
        },
      );
      onward.on('error', reject);
      onward.end(body);
    });
  }
}
