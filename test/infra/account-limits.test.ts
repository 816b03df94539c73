import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STAGE_VARIABLES } from '../../lambdas/core/contracts/environment.js';
import { concurrentInvocations, configuredFanOut, type FanOut } from '../../lib/config/account-limits.js';
import { ENVIRONMENT_NAMES } from '../../lib/config/environment-config.js';
import { ENVIRONMENTS } from '../../lib/config/environments.js';
import { logicalIdOf, resourcesOfType, synthesize } from './synthesize.js';

/** A new AWS account's Lambda quotas, written out rather than read from the config, so a config that outgrows them fails here. */
const NEW_ACCOUNT = { maxFunctionMemoryMb: 3008, concurrentExecutions: 10 };
const RAISED = { maxFunctionMemoryMb: '4096', accountConcurrency: '1000' };

/** One value of a variable every workflow function is given: the same on all of them, or the test says so. */
function workflowSetting(template: Template, variable: string): number {
  const values = new Set(
    Object.values(resourcesOfType(template, 'AWS::Lambda::Function'))
      .map(
        (fn) =>
          (fn.Properties.Environment as { Variables?: Record<string, string> } | undefined)?.Variables?.[variable],
      )
      .filter((value): value is string => value !== undefined),
  );
  expect([...values], `${variable} across the functions`).toHaveLength(1);
  return Number([...values][0]);
}

/** The fan-out the synthesized stack runs with: the Maps' concurrency from the plan's variables, the video worker's from its event source. */
function deployedFanOut(template: Template): FanOut {
  const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));
  return {
    episodes: workflowSetting(template, STAGE_VARIABLES.episodeMaxConcurrency),
    scenes: workflowSetting(template, STAGE_VARIABLES.sceneMaxConcurrency),
    videoWorkers: (mappings[0]!.Properties.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency,
  };
}

/** Lambda's memory for a function that names none (CDK's own custom-resource handlers). */
const LAMBDA_DEFAULT_MEMORY_MB = 128;

function memoryOf(template: Template): number[] {
  return Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).map(
    (fn) => (fn.Properties.MemorySize as number | undefined) ?? LAMBDA_DEFAULT_MEMORY_MB,
  );
}

describe.each(ENVIRONMENT_NAMES)('%s, as synthesized by default, in a new account', (name) => {
  it('asks no function for more than 3,008 MB', () => {
    // Prepare
    const { template } = synthesize(name);

    // Act
    const memory = memoryOf(template);

    // Assess
    expect(memory.length).toBeGreaterThan(0);
    expect(memory.filter((megabytes) => megabytes > NEW_ACCOUNT.maxFunctionMemoryMb)).toEqual([]);
  });

  it("runs one production within the 10 functions at once a new account allows, and within its config's cap", () => {
    // Prepare
    const { template } = synthesize(name);

    // Act
    const invocations = concurrentInvocations(deployedFanOut(template));

    // Assess
    expect(invocations).toBeLessThanOrEqual(NEW_ACCOUNT.concurrentExecutions);
    expect(invocations).toBeLessThanOrEqual(ENVIRONMENTS[name].accountLimits.concurrentExecutions);
  });
});

describe('prod with the account limits raised', () => {
  it(`gives assemble-episode the 4,096 MB prod asks for with -c maxFunctionMemoryMb=${RAISED.maxFunctionMemoryMb}, and 3,008 MB without`, () => {
    // Prepare
    const [byDefault, raised] = [synthesize('prod'), synthesize('prod', undefined, RAISED)];
    const memoryOfAssembly = ({ stack, template }: typeof byDefault) =>
      resourcesOfType(template, 'AWS::Lambda::Function')[
        logicalIdOf(stack.functions.get('assemble-episode')!.function)
      ]!.Properties.MemorySize;

    // Act
    const memory = { byDefault: memoryOfAssembly(byDefault), raised: memoryOfAssembly(raised) };

    // Assess
    expect(ENVIRONMENTS.prod.functionSizing['assemble-episode']?.memoryMb).toBe(4096);
    expect(memory).toEqual({ byDefault: 3008, raised: 4096 });
    expect(Math.max(...memoryOf(raised.template))).toBe(4096);
  });

  it(`runs prod's whole fan-out with -c accountConcurrency=${RAISED.accountConcurrency}, where a new account gets less`, () => {
    // Prepare
    const [byDefault, raised] = [synthesize('prod'), synthesize('prod', undefined, RAISED)];

    // Act
    const fanOut = { byDefault: deployedFanOut(byDefault.template), raised: deployedFanOut(raised.template) };

    // Assess
    expect(fanOut.raised).toEqual(configuredFanOut(ENVIRONMENTS.prod));
    expect(concurrentInvocations(fanOut.raised)).toBeGreaterThan(concurrentInvocations(fanOut.byDefault));
  });
});
