/** The body the Runtime API receives for a failed invocation or init, and what Lambda's Invoke returns for it. */
export interface LambdaErrorBody {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/**
 * A function's invocation failed. `name` is Lambda's errorType (`ProviderThrottled`,
 * `Sandbox.Timedout`, `Runtime.ImportModuleError`, …), which is what Step Functions'
 * Retry and Catch rules match.
 */
export class LambdaFunctionError extends Error {
  override readonly name: string;
  readonly trace: string[];

  constructor(
    readonly functionName: string,
    body: LambdaErrorBody,
  ) {
    super(body.errorMessage);
    this.name = body.errorType;
    this.trace = body.trace ?? [];
  }
}
