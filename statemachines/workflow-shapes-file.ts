import path from 'node:path';
import type { WorkflowShape } from '../lambdas/core/workflow/execution-limits.js';

/**
 * The two machines as the history model and the AWS bill read them, generated beside the ASL files: validation
 * runs in the core, which imports nothing outside itself, so the shapes are written into it.
 */
export const WORKFLOW_SHAPES_FILE = path.join(
  import.meta.dirname,
  '..',
  'lambdas',
  'core',
  'workflow',
  'workflow-shapes.ts',
);

/** The checked-in file's exact text: what `npm run asl` writes and what the checks compare against. */
export const renderWorkflowShapes = (shapes: { production: WorkflowShape; episode: WorkflowShape }): string =>
  [
    '// Written by `npm run asl` from statemachines/*-workflow-source.ts: edit the sources, not this file.',
    '// Each machine reduced to what its execution history and its AWS bill depend on (lambdas/core/workflow/execution-limits.ts, lambdas/core/pricing/aws-bill.ts).',
    '',
    `export const PRODUCTION_WORKFLOW_SHAPE = ${JSON.stringify(shapes.production, null, 2)};`,
    '',
    `export const EPISODE_WORKFLOW_SHAPE = ${JSON.stringify(shapes.episode, null, 2)};`,
    '',
  ].join('\n');
