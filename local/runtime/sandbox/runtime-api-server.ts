import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaErrorBody } from './lambda-function-error.js';

const API_PREFIX = '/2018-06-01/runtime';
const INVOCATION_PATH = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

export interface Invocation {
  requestId: string;
  /** The event, as JSON. */
  payload: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string;
}

export type InvocationOutcome = { succeeded: true; payload: string } | { succeeded: false; error: LambdaErrorBody };

interface PendingInvocation {
  invocation: Invocation;
  settle(outcome: InvocationOutcome): void;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function errorBodyOf(text: string, errorTypeHeader: string | undefined): LambdaErrorBody {
  try {
    const parsed = JSON.parse(text) as Partial<LambdaErrorBody>;
    return {
      errorType: parsed.errorType ?? errorTypeHeader ?? 'Unhandled',
      errorMessage: parsed.errorMessage ?? '',
      trace: parsed.trace ?? [],
    };
  } catch {
    return { errorType: errorTypeHeader ?? 'Unhandled', errorMessage: text };
  }
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The Lambda Runtime API for one execution environment (one sandbox), as the runtime
 * interface client inside it calls it: it long-polls `invocation/next`, then posts the
 * invocation's `response` or `error`, or `init/error` if the handler does not load.
 * One invocation at a time, as Lambda gives an environment.
 */
export class RuntimeApiServer {
  private waitingForNext: ServerResponse | undefined;
  private queued: PendingInvocation | undefined;
  private readonly inFlight = new Map<string, PendingInvocation>();
  private readonly readyListeners: (() => void)[] = [];
  private readonly initErrorListeners: ((error: LambdaErrorBody) => void)[] = [];

  private constructor(private readonly server: Server) {}

  static async listen(): Promise<RuntimeApiServer> {
    const server = createServer();
    // The runtime's long poll for the next invocation may wait as long as the environment stays warm.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.keepAliveTimeout = 0;
    const api = new RuntimeApiServer(server);
    server.on('request', (request, response) => void api.route(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Called when the runtime first asks for an invocation: its init is done. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  onInitError(listener: (error: LambdaErrorBody) => void): void {
    this.initErrorListeners.push(listener);
  }

  /** Hands the invocation to the runtime (now, or when it next asks) and settles with what it posts back. */
  invoke(invocation: Invocation): Promise<InvocationOutcome> {
    return new Promise((settle) => {
      const pending = { invocation, settle };
      if (this.waitingForNext) this.deliver(this.waitingForNext, pending);
      else this.queued = pending;
    });
  }

  /** Forgets an invocation the sandbox gave up on (timed out, runtime died): a late answer for it is refused. */
  abandon(requestId: string): void {
    this.inFlight.delete(requestId);
    if (this.queued?.invocation.requestId === requestId) this.queued = undefined;
  }

  async close(): Promise<void> {
    this.waitingForNext?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private deliver(response: ServerResponse, pending: PendingInvocation): void {
    const { invocation } = pending;
    this.waitingForNext = undefined;
    this.queued = undefined;
    this.inFlight.set(invocation.requestId, pending);
    response
      .writeHead(200, {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
        'Lambda-Runtime-Deadline-Ms': String(invocation.deadlineMs),
        'Lambda-Runtime-Invoked-Function-Arn': invocation.invokedFunctionArn,
        'Lambda-Runtime-Trace-Id': invocation.traceId,
      })
      .end(invocation.payload);
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '';
    if (request.method === 'GET' && url === `${API_PREFIX}/invocation/next`) {
      this.waitingForNext = response;
      for (const listener of this.readyListeners.splice(0)) listener();
      if (this.queued) this.deliver(response, this.queued);
      return;
    }
    const body = await readBody(request);
    const errorTypeHeader = request.headers['lambda-runtime-function-error-type'] as string | undefined;
    if (request.method === 'POST' && url === `${API_PREFIX}/init/error`) {
      const error = errorBodyOf(body, errorTypeHeader);
      for (const listener of this.initErrorListeners) listener(error);
      answer(response, 202, { status: 'OK' });
      return;
    }
    const match = request.method === 'POST' ? INVOCATION_PATH.exec(url) : null;
    if (!match) {
      answer(response, 404, { errorType: 'InvalidRequest', errorMessage: `no route ${request.method} ${url}` });
      return;
    }
    const requestId = decodeURIComponent(match[1]!);
    const pending = this.inFlight.get(requestId);
    if (!pending) {
      answer(response, 400, {
        errorType: 'InvalidRequestID',
        errorMessage: `${requestId} is not an invocation in flight`,
      });
      return;
    }
    this.inFlight.delete(requestId);
    pending.settle(
      match[2] === 'response'
        ? { succeeded: true, payload: body }
        : { succeeded: false, error: errorBodyOf(body, errorTypeHeader) },
    );
    answer(response, 202, { status: 'OK' });
  }
}
