import { randomUUID } from 'node:crypto';
import { JsonProtocolServer } from './aws-protocol.js';

/** What a waiting `.waitForTaskToken` Task is resolved with. */
export type TaskOutcome = { ok: true; output: unknown } | { ok: false; error: string; cause: string };

class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Plays the part of the Step Functions API a worker calls back: SendTaskSuccess,
 * SendTaskFailure and SendTaskHeartbeat, spoken as AWS JSON 1.0 on 127.0.0.1.
 * The local workflow runner mints a token per waiting Task and awaits it here.
 */
export class TaskTokenService {
  private readonly waiting = new Map<string, (outcome: TaskOutcome) => void>();
  /** The state machine whose execution minted each token, kept after the Task ends: a late report is still authorized against it. */
  private readonly issuers = new Map<string, string>();
  /** Every SendTaskSuccess/SendTaskFailure received, delivered or not: a duplicate report shows up here. */
  readonly reports: { token: string; operation: string }[] = [];
  private readonly server = new JsonProtocolServer({
    targetPrefix: 'AWSStepFunctions.',
    contentType: 'application/x-amz-json-1.0',
    notJson: { status: 400, body: { __type: 'InvalidOutput', message: 'request body is not JSON' } },
    answer: (operation, input) => this.report(operation, input),
  });

  mint(stateMachineArn?: string): { token: string; outcome: Promise<unknown> } {
    const token = `local-task-${randomUUID()}`;
    if (stateMachineArn) this.issuers.set(token, stateMachineArn);
    const outcome = new Promise<unknown>((resolve, reject) => {
      this.waiting.set(token, (result) => {
        this.waiting.delete(token);
        if (result.ok) resolve(result.output);
        else reject(new TaskFailure(result.error, result.cause));
      });
    });
    return { token, outcome };
  }

  /** The ARN of the state machine whose execution minted the token, if it was minted with one. */
  issuerOf(token: string): string | undefined {
    return this.issuers.get(token);
  }

  /** SendTaskSuccess from within this process; false when no Task waits on the token here. */
  succeed(token: string, output: unknown): boolean {
    const settle = this.waiting.get(token);
    if (!settle) return false;
    this.reports.push({ token, operation: 'SendTaskSuccess' });
    settle({ ok: true, output });
    return true;
  }

  /** A Task that timed out no longer accepts reports, as in AWS. */
  forget(token: string): void {
    this.waiting.delete(token);
  }

  get pendingCount(): number {
    return this.waiting.size;
  }

  /**
   * One SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat, by its operation name, answered as the
   * JSON protocol answers it. The studio's edge endpoint serves these through here too.
   */
  report(
    operation: string,
    body: { taskToken?: unknown; output?: unknown; error?: unknown; cause?: unknown },
  ): { status: number; body: unknown } {
    const token = typeof body.taskToken === 'string' ? body.taskToken : '';
    const settle = token ? this.waiting.get(token) : undefined;
    if (operation !== 'SendTaskHeartbeat') this.reports.push({ token, operation });
    if (!['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat'].includes(operation)) {
      return {
        status: 400,
        body: { __type: 'UnknownOperationException', message: `${operation} is not served locally` },
      };
    }
    if (!settle)
      return { status: 400, body: { __type: 'TaskDoesNotExist', message: 'no task is waiting for this token' } };
    if (operation === 'SendTaskSuccess') {
      let output: unknown;
      try {
        output = JSON.parse(typeof body.output === 'string' ? body.output : 'null');
      } catch {
        return { status: 400, body: { __type: 'InvalidOutput', message: 'output is not JSON' } };
      }
      settle({ ok: true, output });
    } else if (operation === 'SendTaskFailure') {
      settle({
        ok: false,
        error: typeof body.error === 'string' ? body.error : 'States.TaskFailed',
        cause: typeof body.cause === 'string' ? body.cause : '',
      });
    }
    return { status: 200, body: {} };
  }

  async listen(): Promise<string> {
    return this.server.listen();
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}
