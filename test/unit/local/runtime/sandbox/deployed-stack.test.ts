import { describe, expect, it } from 'vitest';
import { STAGE_FUNCTIONS } from '../../../../../lambdas/catalog.js';
import { STAGE_VARIABLES } from '../../../../../lambdas/core/contracts/environment.js';
import type { AssemblyStack, CloudFormationTemplate } from '../../../../../local/runtime/sandbox/cloud-assembly.js';
import {
  DeployedStackIncomplete,
  type LocalStandIns,
  localReferences,
} from '../../../../../local/runtime/sandbox/deployed-stack.js';
import { resolveToString } from '../../../../../local/runtime/sandbox/intrinsics.js';
import { synthesize } from '../../../../infra/synthesize.js';

const STAND_INS: LocalStandIns = {
  region: 'us-east-1',
  account: '000000000000',
  bucket: 'local-assets',
  table: 'local-productions',
  videoQueue: {
    url: 'http://127.0.0.1:9/000000000000/local-video',
    arn: 'arn:aws:sqs:us-east-1:000000000000:local-video',
    name: 'local-video',
  },
  videoDeadLetterQueue: {
    url: 'http://127.0.0.1:9/000000000000/local-video-dlq',
    arn: 'arn:aws:sqs:us-east-1:000000000000:local-video-dlq',
    name: 'local-video-dlq',
  },
  productionStateMachine: {
    arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:local-production',
    name: 'local-production',
  },
  episodeStateMachine: {
    arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:local-episode',
    name: 'local-episode',
  },
  functionName: (logicalId) => `local-${logicalId}`,
  roleName: (logicalId) => `local-${logicalId}`,
  functionArn: (functionName) => `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
};

function devStack(): AssemblyStack {
  return { directory: '/nowhere', template: synthesize('dev').template.toJSON() as CloudFormationTemplate };
}

function resourcesOfType(template: CloudFormationTemplate, type: string) {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

describe('the synthesized stack, with the local engines standing in for its resources', () => {
  it("resolves every stage function's table, bucket and video queue variables to the engines' names", () => {
    // Prepare
    const stack = devStack();

    // Act
    const references = localReferences(stack, STAND_INS);

    // Assess
    const stageFunctions = resourcesOfType(stack.template, 'AWS::Lambda::Function').filter(
      ([, resource]) => resource.Properties?.Environment,
    );
    expect(stageFunctions.length).toBeGreaterThanOrEqual(STAGE_FUNCTIONS.length);
    const resolved = (variable: string) =>
      stageFunctions.flatMap(([logicalId, resource]) => {
        const value = (resource.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)
          ?.Variables[variable];
        return value === undefined ? [] : [resolveToString(value, references, `${logicalId} ${variable}`)];
      });
    expect(new Set(resolved(STAGE_VARIABLES.tableName))).toEqual(new Set([STAND_INS.table]));
    expect(new Set(resolved(STAGE_VARIABLES.bucketName))).toEqual(new Set([STAND_INS.bucket]));
    expect(new Set(resolved(STAGE_VARIABLES.videoQueueUrl))).toEqual(new Set([STAND_INS.videoQueue.url]));
  });

  it("maps each state machine's substitutions to the local functions and the local episode machine", () => {
    // Prepare
    const stack = devStack();
    const references = localReferences(stack, STAND_INS);

    // Act
    const substitutions = resourcesOfType(stack.template, 'AWS::StepFunctions::StateMachine').flatMap(
      ([logicalId, resource]) =>
        Object.entries(resource.Properties!.DefinitionSubstitutions as Record<string, unknown>).map(([name, value]) => [
          name,
          resolveToString(value, references, `${logicalId} ${name}`),
        ]),
    );

    // Assess
    const byName = Object.fromEntries(substitutions);
    expect(byName.EpisodeStateMachineArn).toBe(STAND_INS.episodeStateMachine.arn);
    const functionIds = resourcesOfType(stack.template, 'AWS::Lambda::Function').map(([logicalId]) => logicalId);
    const assemble = functionIds.find((logicalId) => logicalId.startsWith('AssembleEpisodeFunction'))!;
    const validate = functionIds.find((logicalId) => logicalId.startsWith('ValidateManifestFunction'))!;
    expect(byName.AssembleEpisodeFunctionArn).toBe(STAND_INS.functionArn(`local-${assemble}`));
    expect(byName.ValidateManifestFunctionArn).toBe(STAND_INS.functionArn(`local-${validate}`));
    expect(byName.VideoQueueUrl).toBe(STAND_INS.videoQueue.url);
  });

  it('refuses a template without the outputs that name its resources, naming the output', () => {
    // Prepare
    const { template } = devStack();
    const withoutOutputs = { directory: '/nowhere', template: { ...template, Outputs: {} } as CloudFormationTemplate };

    // Act
    const refusal = (() => {
      try {
        localReferences(withoutOutputs, STAND_INS);
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(refusal).toBeInstanceOf(DeployedStackIncomplete);
    expect((refusal as Error).message).toMatch(/no output \w+ naming a resource/);
  });
});
