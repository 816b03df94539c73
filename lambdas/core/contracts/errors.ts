import type { FailureCause } from './failure-cause.js';
import type { Charge } from './ports.js';

/**
 * Named errors. The state machine's Retry and Catch rules match on `name`,
 * so a name here is part of the contract with statemachines/production.asl.json.
 */

export abstract class DramaforgeError extends Error {
  /**
   * Written out in each class as its static `errorName` rather than taken from the constructor: a
   * minifier may rename classes, and the deployed bundles must throw exactly the names the ASL matches.
   * Code that matches a name it did not throw reads the static (`BudgetExceeded.errorName`).
   */
  abstract override readonly name: string;
  /** Why, as data: set where the failure is understood (a provider's answer, the ledger's refusal) and recorded by the stage. */
  failureCause?: FailureCause;
}

/** `error`, carrying `cause` as the data of why it happened. */
export function causedBy<E extends DramaforgeError>(error: E, cause: FailureCause): E {
  error.failureCause = cause;
  return error;
}

export interface ManifestProblem {
  path: string;
  reason: string;
}

export class ManifestInvalid extends DramaforgeError {
  static readonly errorName: string = 'ManifestInvalid';
  override readonly name: string = ManifestInvalid.errorName;
  constructor(readonly problems: ManifestProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.reason}`).join('\n'));
  }
}

/** The provider said slow down; retry after a pause. */
export class ProviderThrottled extends DramaforgeError {
  static readonly errorName: string = 'ProviderThrottled';
  override readonly name: string = ProviderThrottled.errorName;
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The provider failed in a way that may pass (5xx, connection reset). */
export class ProviderUnavailable extends DramaforgeError {
  static readonly errorName: string = 'ProviderUnavailable';
  override readonly name: string = ProviderUnavailable.errorName;
  /**
   * True when the request may have reached the provider and no answer came back (a connection
   * reset mid-call): it may have been billed, like a timeout. False when it was answered or never sent.
   */
  constructor(
    message: string,
    readonly unanswered = false,
  ) {
    super(message);
  }
}

/** The provider did not answer in time. */
export class ProviderTimeout extends DramaforgeError {
  static readonly errorName: string = 'ProviderTimeout';
  override readonly name: string = ProviderTimeout.errorName;
}

/** The provider answered with something we cannot use; retrying the same call will not help. */
export class ProviderRejected extends DramaforgeError {
  static readonly errorName: string = 'ProviderRejected';
  override readonly name: string = ProviderRejected.errorName;
}

/** A profile or stage was configured that this build cannot serve. */
export class ProviderNotConfigured extends DramaforgeError {
  static readonly errorName: string = 'ProviderNotConfigured';
  override readonly name: string = ProviderNotConfigured.errorName;
}

/**
 * A stage reached for a provider port its handler did not declare: its function was built without
 * that port (lambdas/composition/offline-ports/), so it fails by name rather than run without it.
 */
export class ProviderPortNotDeclared extends DramaforgeError {
  static readonly errorName: string = 'ProviderPortNotDeclared';
  override readonly name: string = ProviderPortNotDeclared.errorName;
}

/** The next paid call would take the production over its budget. */
export class BudgetExceeded extends DramaforgeError {
  static readonly errorName: string = 'BudgetExceeded';
  override readonly name: string = BudgetExceeded.errorName;
}

/** A stage was asked for something that is not in the store (a missing asset or row). */
export class AssetMissing extends DramaforgeError {
  static readonly errorName: string = 'AssetMissing';
  override readonly name: string = AssetMissing.errorName;
}

/** A media tool (ffmpeg, the speech engine) failed. */
export class MediaToolFailed extends DramaforgeError {
  static readonly errorName: string = 'MediaToolFailed';
  override readonly name: string = MediaToolFailed.errorName;
}

/** A dubbed scene still runs over the master's length after a shorter line, the most tempo and the longest hold. */
export class DubDoesNotFit extends DramaforgeError {
  static readonly errorName: string = 'DubDoesNotFit';
  override readonly name: string = DubDoesNotFit.errorName;
}

/** A platform package that does not hold to its schema (core/contracts/platform-package.ts); it is not written. The message names each problem. */
export class PlatformPackageInvalid extends DramaforgeError {
  static readonly errorName: string = 'PlatformPackageInvalid';
  override readonly name: string = PlatformPackageInvalid.errorName;
}

/** An assembled episode failed a hard QA check; it is not delivered. The message names each failed check. */
export class EpisodeQaFailed extends DramaforgeError {
  static readonly errorName: string = 'EpisodeQaFailed';
  override readonly name: string = EpisodeQaFailed.errorName;
}

/** The account's quota or credit at the provider is used up; waiting will not help, another provider might. */
export class ProviderQuotaExceeded extends DramaforgeError {
  static readonly errorName: string = 'ProviderQuotaExceeded';
  override readonly name: string = ProviderQuotaExceeded.errorName;
}

/** The provider refused the prompt or its output on content grounds. */
export class ProviderContentFiltered extends ProviderRejected {
  static override readonly errorName: string = 'ProviderContentFiltered';
  override readonly name: string = ProviderContentFiltered.errorName;
}

/**
 * The provider answered, but not with what was asked (malformed JSON, a script that
 * fails its schema, an undecodable image). A higher tier may do better. The calls
 * billed on the way are carried so the cost of the eventual answer includes them.
 */
export class ProviderOutputInvalid extends ProviderRejected {
  static override readonly errorName: string = 'ProviderOutputInvalid';
  override readonly name: string = ProviderOutputInvalid.errorName;
  constructor(
    message: string,
    readonly charges: Charge[] = [],
  ) {
    super(message);
  }
}

/** A review decision came when none could be taken: nothing awaits one, it was already decided, or it timed out. */
export class ReviewNotOpen extends DramaforgeError {
  static readonly errorName: string = 'ReviewNotOpen';
  override readonly name: string = ReviewNotOpen.errorName;
}
