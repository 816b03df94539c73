import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { produce } from '../../local/commands/produce.js';
import { stackNameOf } from '../../local/runtime/index.js';
import { devAssemblyForThisFile } from '../support/dev-assembly.js';
import { TWO_SCENES, workspace } from './support/pipeline-harness.js';

const devAssembly = devAssemblyForThisFile();

const STACK = stackNameOf('dev');

interface PolicyStatement {
  Action: string | string[];
  [element: string]: unknown;
}

/**
 * A copy of the dev assembly whose policy (named by its logical id's prefix) lacks the actions `dropped`
 * matches: the assets are links to the original's, the template is rewritten.
 */
async function assemblyWithout(policyPrefix: string, dropped: (action: string) => boolean): Promise<string> {
  const copy = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-denied-assembly-'));
  onTestFinished(() => rm(copy, { recursive: true, force: true }));
  const templateFile = `${STACK}.template.json`;
  for (const entry of await readdir(devAssembly.cdkOut())) {
    if (entry !== templateFile) await symlink(path.join(devAssembly.cdkOut(), entry), path.join(copy, entry));
  }
  const template = JSON.parse(await readFile(path.join(devAssembly.cdkOut(), templateFile), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }>;
  };
  const [policyId, policy] = Object.entries(template.Resources).find(
    ([id, resource]) => id.startsWith(policyPrefix) && resource.Type === 'AWS::IAM::Policy',
  )!;
  const before = JSON.stringify(policy);
  policy.Properties.PolicyDocument.Statement = policy.Properties.PolicyDocument.Statement.flatMap((statement) => {
    const actions = [statement.Action].flat().filter((action) => !dropped(action));
    return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
  });
  if (JSON.stringify(policy) === before)
    throw new Error(`${policyId} has no action to drop: the test would prove nothing`);
  await writeFile(path.join(copy, templateFile), JSON.stringify(template));
  return copy;
}

async function produceWith(assembly: string, name: string) {
  const ws = await workspace(name);
  onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
  return produce({
    manifestPath: TWO_SCENES,
    outDir: ws.outDir,
    dataDir: ws.dataDir,
    deployed: { cdkOut: assembly, stackName: STACK },
  });
}

const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/';

describe('produce --deployed under the roles the template gives', () => {
  it("fails when Record scene outcome's role loses its table write: DynamoDB's AccessDenied names the action, the table and the function's role", async () => {
    // Prepare
    const assembly = await assemblyWithout(
      'RecordSceneOutcomeRoleDefaultPolicy',
      (action) => action === 'dynamodb:UpdateItem',
    );

    // Act
    const result = await produceWith(assembly, 'denied-record-outcome');

    // Assess
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/AccessDeniedException/);
    expect(result.reason).toMatch(
      new RegExp(
        `assumed-role/${STACK}-RecordSceneOutcomeRole[0-9A-F]+/${STACK}-RecordSceneOutcomeFunction[0-9A-F]+ is not authorized to perform: dynamodb:UpdateItem on resource: ${TABLE_ARN}`,
      ),
    );
  });

  it("fails at the first step when Validate manifest's role cannot read the bucket: S3's AccessDenied names the manifest object", async () => {
    // Prepare
    const assembly = await assemblyWithout('ValidateManifestRoleDefaultPolicy', (action) =>
      action.startsWith('s3:GetObject'),
    );

    // Act
    const result = await produceWith(assembly, 'denied-validate');

    // Assess
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/AccessDenied/);
    expect(result.reason).toMatch(/s3:GetObject on resource: "arn:aws:s3:::[^"]+\/manifests\/two-scenes\.yaml"/);
  });

  it("fails when the production state machine's role may not invoke its functions: the Task fails with Lambda's AccessDeniedException, as Step Functions reports it", async () => {
    // Prepare
    const assembly = await assemblyWithout(
      'WorkflowStateMachineRoleDefaultPolicy',
      (action) => action === 'lambda:InvokeFunction',
    );

    // Act
    const result = await produceWith(assembly, 'denied-invoke');

    // Assess
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/Lambda\.AWSLambdaException/);
    expect(result.reason).toMatch(
      new RegExp(
        `is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:${STACK}-ValidateManifest`,
      ),
    );
  });
});
