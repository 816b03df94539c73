/**
 * What each function in lambdas/catalog.ts touches in AWS, so the stack can grant
 * exactly that and no more. Read from the stage code (lambdas/<name>/ and the shared
 * stores it calls); when a stage starts touching something new, this is the one place
 * to widen, and the infra tests fail until every catalog entry has an entry here.
 */

/** DynamoDB actions the stores in lambdas/shared/ issue. */
export type TableAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:DeleteItem' | 'dynamodb:Query';

/** Files a function needs beside its code: the ffmpeg binaries, the caption fonts, the espeak-ng worker. */
export type MediaTool = 'ffmpeg' | 'fonts' | 'espeak';

export interface StageAccess {
  /** Object key patterns the function reads (IAM wildcards allowed). */
  reads: string[];
  /** Object key patterns the function writes. */
  writes: string[];
  table: TableAction[];
  media: MediaTool[];
  /** Calls paid providers, so it may read their API keys. */
  callsProviders: boolean;
  /** Answers a `.waitForTaskToken` Task with SendTaskSuccess/SendTaskFailure. */
  reportsTaskOutcome: boolean;
  /** Re-sends its own job to the video queue with a delay, to poll an asynchronous provider job. */
  requeuesVideoJobs?: boolean;
  /** Draws or decodes images (lambdas/shared/media/canvas.ts), so it ships the native canvas. */
  draws?: boolean;
}

const PRODUCTIONS = 'productions/*';
const CACHE = 'cache/*';

/** paidCall (lambdas/shared/paid-call.ts): the content-addressed cache plus the ledger's reserve/settle. */
const PAID_CALL_TABLE_ACTIONS: TableAction[] = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

function paidStage(media: MediaTool[], extra: Partial<StageAccess> = {}): StageAccess {
  return {
    reads: [PRODUCTIONS, CACHE],
    writes: [PRODUCTIONS, CACHE],
    table: PAID_CALL_TABLE_ACTIONS,
    media,
    callsProviders: true,
    reportsTaskOutcome: false,
    ...extra,
  };
}

export const STAGE_ACCESS: Record<string, StageAccess> = {
  'start-production': { reads: [], writes: [], table: [], media: [], callsProviders: false, reportsTaskOutcome: false },
  'validate-manifest': {
    reads: ['manifests/*'],
    writes: ['manifests/*.errors.json', 'productions/*/manifest.json'],
    table: ['dynamodb:UpdateItem'],
    media: [],
    callsProviders: false,
    reportsTaskOutcome: false,
  },
  'plan-production': {
    reads: [PRODUCTIONS],
    writes: [],
    table: ['dynamodb:UpdateItem'],
    media: [],
    callsProviders: false,
    reportsTaskOutcome: false,
  },
  'cast-character': paidStage(['fonts'], { draws: true }),
  'write-script': paidStage([]),
  'render-keyframes': paidStage(['fonts'], { draws: true }),
  'synthesize-voice': paidStage(['ffmpeg', 'espeak']),
  // Idempotency records (Powertools) are put, updated and deleted; Nova Reel writes its output under provider-jobs/.
  'video-worker': paidStage(['ffmpeg'], {
    reads: [PRODUCTIONS, CACHE, 'provider-jobs/*'],
    writes: [PRODUCTIONS, CACHE, 'provider-jobs/*'],
    table: [...PAID_CALL_TABLE_ACTIONS, 'dynamodb:DeleteItem'],
    reportsTaskOutcome: true,
    requeuesVideoJobs: true,
    // Real video models are given the keyframe fitted to their frame size.
    draws: true,
  }),
  'build-subtitles': {
    reads: [PRODUCTIONS],
    writes: [PRODUCTIONS],
    table: ['dynamodb:UpdateItem'],
    media: [],
    callsProviders: false,
    reportsTaskOutcome: false,
  },
  'record-scene-outcome': {
    reads: [],
    writes: [],
    table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    media: [],
    callsProviders: false,
    reportsTaskOutcome: false,
  },
  'assemble-episode': {
    reads: [PRODUCTIONS],
    writes: [PRODUCTIONS],
    table: ['dynamodb:Query'],
    media: ['ffmpeg', 'fonts'],
    callsProviders: false,
    reportsTaskOutcome: false,
  },
  'finalize-production': {
    reads: [PRODUCTIONS],
    writes: [PRODUCTIONS],
    table: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    media: ['fonts'],
    callsProviders: false,
    reportsTaskOutcome: false,
    draws: true,
  },
};

export function stageAccessFor(name: string): StageAccess {
  const access = STAGE_ACCESS[name];
  if (!access) throw new Error(`lib/stage-access.ts has no entry for the function "${name}": say what it reads and writes before deploying it`);
  return access;
}
