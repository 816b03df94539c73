import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { workflowShapeOf } from '../lambdas/core/workflow/execution-limits.js';
import { episodeWorkflow } from '../statemachines/episode-workflow-source.js';
import {
  DEFINITION_FILE,
  EPISODE_DEFINITION_FILE,
  renderStateMachine,
} from '../statemachines/production-definition.js';
import { productionWorkflow } from '../statemachines/production-workflow-source.js';
import { renderWorkflowShapes, WORKFLOW_SHAPES_FILE } from '../statemachines/workflow-shapes-file.js';

const machines = [
  { file: DEFINITION_FILE, text: renderStateMachine(productionWorkflow) },
  { file: EPISODE_DEFINITION_FILE, text: renderStateMachine(episodeWorkflow) },
  {
    file: WORKFLOW_SHAPES_FILE,
    text: renderWorkflowShapes({
      production: workflowShapeOf(productionWorkflow),
      episode: workflowShapeOf(episodeWorkflow),
    }),
  },
];

const relative = (file: string) => path.relative(process.cwd(), file);

if (process.argv.includes('--check')) {
  const stale: string[] = [];
  for (const { file, text } of machines) {
    if ((await readFile(file, 'utf8').catch(() => '')) !== text) stale.push(relative(file));
  }
  if (stale.length > 0) {
    console.error(
      `out of date with the workflow sources in statemachines/: ${stale.join(', ')}; run \`npm run asl\` and commit the result`,
    );
    process.exit(1);
  }
  console.log(`${machines.map(({ file }) => relative(file)).join(', ')} match the workflow sources`);
} else {
  for (const { file, text } of machines) {
    await writeFile(file, text);
    console.log(`wrote ${relative(file)}`);
  }
}
