import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
/** cfn-lint is a Python tool: CI's machine has it, a developer's may not, and then `npm run lint:templates` itself says so. */
const CFN_LINT_INSTALLED = (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
  try {
    accessSync(path.join(dir, 'cfn-lint'), constants.X_OK);
    return true;
  } catch {
    return false;
  }
});
const SCRIPT = fileURLToPath(new URL('../../../scripts/lint-templates.ts', import.meta.url));

/** A role and a function whose DependsOn repeats its GetAtt on the role: what CDK writes, and W3005. */
function template(actions: string[]): unknown {
  return {
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          Policies: [
            {
              PolicyName: 'models',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
              },
            },
          ],
        },
      },
      Function: {
        Type: 'AWS::Lambda::Function',
        DependsOn: ['Role'],
        Properties: {
          Runtime: 'nodejs24.x',
          Handler: 'index.handler',
          Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Code: { ZipFile: 'exports.handler = async () => 1;' },
        },
      },
    },
  };
}

let assemblies: string[] = [];

/** A cloud assembly as `cdk synth` writes it: manifest.json naming one stack's template and its region. */
async function assemblyOf(stackTemplate: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-lint-'));
  assemblies.push(dir);
  await writeFile(path.join(dir, 'check.template.json'), JSON.stringify(stackTemplate, null, 1));
  const manifest = {
    version: '55.0.0',
    artifacts: {
      check: {
        type: 'aws:cloudformation:stack',
        environment: 'aws://unknown-account/us-east-1',
        properties: { templateFile: 'check.template.json' },
      },
    },
  };
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

async function lintTemplates(
  cdkOut: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', SCRIPT, cdkOut], { env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

afterEach(async () => {
  await Promise.all(assemblies.map((dir) => rm(dir, { recursive: true, force: true })));
  assemblies = [];
});

describe('npm run lint:templates', () => {
  it.runIf(CFN_LINT_INSTALLED)('passes a template whose only finding is an accepted rule', async () => {
    // Prepare
    const cdkOut = await assemblyOf(template(['bedrock:InvokeModel']));

    // Act
    const result = await lintTemplates(cdkOut);

    // Assess
    expect(result.output).toContain('accepted 1 x W3005');
    expect(result.code).toBe(0);
  });

  it.runIf(CFN_LINT_INSTALLED)('fails on a warning it does not accept, naming the rule and the line', async () => {
    // Prepare
    const cdkOut = await assemblyOf(template(['bedrock:InvokeModel', 'bedrock:StartAsyncInvoke']));

    // Act
    const result = await lintTemplates(cdkOut);

    // Assess
    expect(result.output).toMatch(/check\.template\.json:\d+:\d+: Warning W3037 'startasyncinvoke' is not one of/);
    expect(result.code).toBe(1);
  });

  it('says cfn-lint is missing, and fails, where it is not installed', async () => {
    // Prepare
    const cdkOut = await assemblyOf(template(['bedrock:InvokeModel']));
    const withoutCfnLint = { ...process.env, PATH: cdkOut };

    // Act
    const result = await lintTemplates(cdkOut, withoutCfnLint);

    // Assess
    expect(result.output).toContain('cfn-lint is not installed');
    expect(result.code).toBe(1);
  });
});
