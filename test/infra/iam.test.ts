import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_STAGES } from '../../lambdas/catalog.js';
import { defaultInferenceProfiles } from '../../lambdas/core/pricing/bedrock-defaults.js';
import { ENVIRONMENT_NAMES } from '../../lib/config/environment-config.js';
import { asArray, logicalIdOf, policyStatements, statementsOfRole, synthesize } from './synthesize.js';

describe.each(ENVIRONMENT_NAMES)('%s IAM', (name) => {
  it('grants no wildcard action anywhere', () => {
    // Prepare
    const { template } = synthesize(name);

    // Act
    const wildcardActions = policyStatements(template)
      .flatMap((statement) => asArray(statement.Action))
      .filter((action) => action === '*' || action.endsWith(':*'));

    // Assess
    expect(wildcardActions).toEqual([]);
  });

  it("confines each function's object access to the key patterns its stage uses", () => {
    // Prepare
    const { stack, template } = synthesize(name);

    // Act
    const objectAccess = [...stack.functions.values()].map((stage) => {
      const statements = statementsOfRole(template, logicalIdOf(stage.role));
      const patternsFor = (action: string) =>
        statements
          .filter((s) => asArray(s.Action).includes(action))
          .flatMap((s) => asArray(s.Resource))
          .map((resource) => (resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].at(-1) as string)
          .map((suffix) => suffix.replace(/^\//, ''))
          .sort();
      return { name: stage.spec.name, reads: patternsFor('s3:GetObject'), writes: patternsFor('s3:PutObject') };
    });

    // Assess
    expect(objectAccess).toEqual(
      [...stack.functions.values()].map((stage) => ({
        name: stage.spec.name,
        reads: [...stage.spec.access.reads].sort(),
        writes: [...stage.spec.access.writes].sort(),
      })),
    );
  });
});

describe('dev provider access', () => {
  it("lets exactly the provider-calling functions use Bedrock models of the stack's region, and only the video worker re-enqueue jobs", () => {
    // Prepare
    const { stack, template } = synthesize('dev');

    // Act
    const access = [...stack.functions.values()].map((stage) => {
      const statements = statementsOfRole(template, logicalIdOf(stage.role));
      const bedrock = statements.filter((s) => asArray(s.Action).includes('bedrock:InvokeModel'));
      return {
        name: stage.spec.name,
        bedrockResources: bedrock.flatMap((s) => asArray(s.Resource)).map((resource) => JSON.stringify(resource)),
        sendsToQueue: statements.some(
          (s) =>
            asArray(s.Action).includes('sqs:SendMessage') &&
            asArray(s.Resource).some((resource) => JSON.stringify(resource).includes('VideoJobsQueue')),
        ),
      };
    });

    // Assess
    for (const entry of access) {
      const stageAccess = stack.functions.get(entry.name)!.spec.access;
      expect(entry.bedrockResources.length > 0, `${entry.name} Bedrock access`).toBe(stageAccess.callsProviders);
      for (const resource of entry.bedrockResources)
        expect(resource).toMatch(/arn:aws:bedrock:.*(foundation-model|inference-profile|async-invoke)\/[^"]+/);
      expect(entry.sendsToQueue, `${entry.name} sends to the video queue`).toBe(stageAccess.requeuesVideoJobs === true);
    }
  });
});

describe('dev access to cross-Region inference profiles', () => {
  it("grants each default inference profile's ARN and the foundation model it routes to in every Region, to each function that calls providers", () => {
    // Prepare
    const { stack, template } = synthesize('dev');
    const profiles = defaultInferenceProfiles();

    // Act
    const missing = [...stack.functions.values()]
      .filter((stage) => stage.spec.access.callsProviders)
      .flatMap((stage) => {
        const resources = statementsOfRole(template, logicalIdOf(stage.role))
          .filter((s) => asArray(s.Action).includes('bedrock:InvokeModel'))
          .flatMap((s) => asArray(s.Resource))
          .map((resource) => JSON.stringify(resource));
        return profiles.flatMap(({ profile, foundationModel }) => [
          ...(resources.some((resource) => resource.includes(`:inference-profile/${profile}`))
            ? []
            : [`${stage.spec.name}: inference-profile/${profile}`]),
          ...(resources.includes(JSON.stringify(`arn:aws:bedrock:*::foundation-model/${foundationModel}`))
            ? []
            : [`${stage.spec.name}: *::foundation-model/${foundationModel}`]),
        ]);
      });

    // Assess
    expect(profiles.map((p) => p.profile)).toContain('us.amazon.nova-2-lite-v1:0');
    expect(missing).toEqual([]);
  });
});

describe('stage descriptors', () => {
  it('deploys one function for every stage folder, named after it', () => {
    // Prepare
    const folders = readdirSync(new URL('../../lambdas/stages/', import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);

    // Act
    const { stack } = synthesize('dev');

    // Assess
    expect([...stack.functions.keys()].sort()).toEqual(folders.sort());
    expect(ALL_STAGES.map((stage) => stage.name).sort()).toEqual(folders.sort());
  });
});
