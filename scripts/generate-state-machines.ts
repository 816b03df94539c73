import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { episodeWorkflow } from '../statemachines/episode-workflow-source.js';
import { DEFINITION_FILE, EPISODE_DEFINITION_FILE } from '../statemachines/production-definition.js';
import { productionWorkflow, renderStateMachine } from '../statemachines/production-workflow-source.js';

const machines = [
  { file: DEFINITION_FILE, text: renderStateMachine(productionWorkflow) },
  { file: EPISODE_DEFINITION_FILE, text: renderStateMachine(episodeWorkflow) },
];

const relative = (file: string) => path.relative(process.cwd(), file);

if (process.argv.includes('--check')) {
  const stale: string[] = [];
  for (const { file, text } of machines) {
    if ((await readFile(file, 'utf8').catch(() => '')) !== text) stale.push(relative(file));
  }
  if (stale.length > 0) {
    console.error(`out of date with the workflow sources in statemachines/: ${stale.join(', ')}; run \`npm run asl\` and commit the result`);
    process.exit(1);
  }
  console.log(`${machines.map(({ file }) => relative(file)).join(', ')} match the workflow source`);
} else {
  for (const { file, text } of machines) {
    await writeFile(file, text);
    console.log(`wrote ${relative(file)}`);
  }
}
