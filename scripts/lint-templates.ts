import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACCEPTED_RULES, type CfnLintFinding, describeFinding, isAccepted } from './cfn-lint-findings.js';

/**
 * cfn-lint on every template of the cloud assembly (`npm run synth` writes cdk.out), each
 * checked for its stack's region. Every finding fails, but for the rules ./cfn-lint-findings.ts
 * accepts, and says why.
 */
const CDK_OUT = path.resolve(process.argv[2] ?? 'cdk.out');

interface AssemblyManifest {
  artifacts: Record<string, { type: string; environment?: string; properties?: { templateFile?: string } }>;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let manifest: AssemblyManifest;
try {
  manifest = JSON.parse(readFileSync(path.join(CDK_OUT, 'manifest.json'), 'utf8')) as AssemblyManifest;
} catch {
  fail(`no cloud assembly in ${CDK_OUT}: run \`npm run synth\` first`);
}

// A stack's environment is aws://<account>/<region>; an environment-agnostic one says unknown-region, checked in cfn-lint's default region.
const templatesByRegion = new Map<string, string[]>();
for (const artifact of Object.values(manifest.artifacts)) {
  if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
  const region = artifact.environment?.split('/').at(-1) ?? 'unknown-region';
  templatesByRegion.set(region, [
    ...(templatesByRegion.get(region) ?? []),
    path.join(CDK_OUT, artifact.properties.templateFile),
  ]);
}
if (templatesByRegion.size === 0) fail(`the cloud assembly in ${CDK_OUT} holds no stack`);

const refused: CfnLintFinding[] = [];
const accepted = new Map<string, number>();
for (const [region, templates] of templatesByRegion) {
  const regions = region === 'unknown-region' ? [] : ['--regions', region];
  const run = spawnSync(
    'cfn-lint',
    ['--format', 'json', '--non-zero-exit-code', 'none', ...regions, '--', ...templates],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    fail(
      'cfn-lint is not installed: it is a Python tool, not an npm package. Install it with `pip install cfn-lint` (or `pipx install cfn-lint`), then run `npm run lint:templates` again.',
    );
  }
  if (run.status !== 0) fail(`cfn-lint failed on ${templates.join(', ')} (exit ${run.status}):\n${run.stderr}`);
  for (const finding of JSON.parse(run.stdout) as CfnLintFinding[]) {
    if (isAccepted(finding)) accepted.set(finding.Rule.Id, (accepted.get(finding.Rule.Id) ?? 0) + 1);
    else refused.push(finding);
  }
  console.log(
    `${templates.map((template) => path.relative(process.cwd(), template)).join(', ')}: checked for ${region}`,
  );
}

for (const [rule, count] of accepted) console.log(`accepted ${count} x ${rule}: ${ACCEPTED_RULES[rule]}`);
if (refused.length > 0) {
  for (const finding of refused) console.error(describeFinding(finding));
  fail(
    `cfn-lint: ${refused.length} findings not accepted (scripts/cfn-lint-findings.ts lists the accepted rules, and why)`,
  );
}
console.log('cfn-lint: nothing but accepted findings');
