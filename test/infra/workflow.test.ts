import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { QUEUE_SUBSTITUTION, STAGE_FUNCTIONS } from '../../lambdas/catalog.js';
import { ENVIRONMENTS } from '../../lib/config/environments.js';
import { FEATURE_FLAGS } from '../../lib/feature-flags.js';
import { DramaforgeStack, stackPropsFor } from '../../lib/stack.js';
import {
  DEFINITION_FILE,
  type Definition,
  EPISODE_DEFINITION_FILE,
  EPISODE_STATE_MACHINE_SUBSTITUTION,
  START_CHILD_EXECUTION_SYNC,
  substituteDefinition,
  taskStates,
  WAIT_FOR_TASK_TOKEN_LAMBDA,
  WAIT_FOR_TASK_TOKEN_SQS,
  withFunctionTimeouts,
} from '../../statemachines/production-definition.js';
import { asArray, logicalIdOf, renderJoin, resourcesOfType, statementsOfRole, synthesize } from './synthesize.js';

const { app, stack, template } = synthesize('dev');
const machineIdOf = (constructId: string) =>
  logicalIdOf(stack.node.findChild(constructId).node.findChild('StateMachine'));
const productionId = machineIdOf('Workflow');
const episodeId = machineIdOf('EpisodeWorkflow');
const queueId = logicalIdOf(stack.node.findChild('VideoJobs').node.findChild('Queue'));
const functionIds = new Map(
  STAGE_FUNCTIONS.filter((spec) => spec.substitution).map((spec) => [
    spec.substitution!,
    logicalIdOf(stack.functions.get(spec.name)!.function),
  ]),
);
const substitutionsUsedBy = (text: string) =>
  new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]!));
const allSubstitutions: Record<string, string> = {
  ...Object.fromEntries([...functionIds].map(([key, id]) => [key, `<<GetAtt:${id}.Arn>>`])),
  [QUEUE_SUBSTITUTION]: `<<Ref:${queueId}>>`,
  [EPISODE_STATE_MACHINE_SUBSTITUTION]: `<<Ref:${episodeId}>>`,
};

describe.each([
  ['production', DEFINITION_FILE, productionId],
  ['episode', EPISODE_DEFINITION_FILE, episodeId],
])('the deployed %s workflow', (_kind, file, machineId) => {
  const machine = resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[machineId]!.Properties;
  const text = readFileSync(file, 'utf8');
  const used = substitutionsUsedBy(text);
  const substitutions = Object.fromEntries(Object.entries(allSubstitutions).filter(([key]) => used.has(key)));
  const expected = substituteDefinition(text, substitutions);

  it('is the tested ASL file, with exactly its substitutions applied', () => {
    // Prepare
    // DefinitionBody.fromFile ships the file as an S3 asset; CloudFormation applies DefinitionSubstitutions to it.
    const assetKey = (machine.DefinitionS3Location as { Key: string }).Key;
    const uploadedText = readFileSync(path.join(app.outdir, `asset.${assetKey}`), 'utf8');
    const deployedSubstitutions = Object.fromEntries(
      Object.entries(machine.DefinitionSubstitutions as Record<string, never>).map(([key, reference]) => [
        key,
        renderJoin(reference),
      ]),
    );

    // Act
    const deployed = substituteDefinition(uploadedText, deployedSubstitutions);

    // Assess
    expect(deployed).toEqual(expected);
    expect(Object.keys(deployedSubstitutions).sort()).toEqual([...used].sort());
  });

  it('resolves every Task to a function of this stack, its video queue or its episode state machine, or a function it invokes with a task token', () => {
    // Prepare
    const lambdaIds = new Set(Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')));

    // Act
    const unresolved = taskStates(expected).filter(({ state: task }) => {
      const functionMatch = /^<<GetAtt:(\w+)\.Arn>>$/.exec(task.Resource ?? '');
      if (functionMatch) return !lambdaIds.has(functionMatch[1]!);
      const parameters = task.Parameters as
        | { QueueUrl?: unknown; StateMachineArn?: unknown; FunctionName?: string }
        | undefined;
      if (task.Resource === WAIT_FOR_TASK_TOKEN_LAMBDA)
        return !lambdaIds.has(/^<<GetAtt:(\w+)\.Arn>>$/.exec(parameters?.FunctionName ?? '')?.[1] ?? '');
      if (task.Resource === WAIT_FOR_TASK_TOKEN_SQS) return parameters?.QueueUrl !== `<<Ref:${queueId}>>`;
      if (task.Resource === START_CHILD_EXECUTION_SYNC) return parameters?.StateMachineArn !== `<<Ref:${episodeId}>>`;
      return true;
    });

    // Assess
    expect(taskStates(expected).length).toBeGreaterThan(0);
    expect(unresolved.map(({ name }) => name)).toEqual([]);
  });

  it('may invoke exactly the functions its file names, and send only to its own queue when it has task-token Tasks', () => {
    // Prepare
    const roleId = (machine.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const named = [...functionIds]
      .filter(([key]) => used.has(key))
      .map(([, id]) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));

    // Act
    const statements = statementsOfRole(template, roleId);
    const invoked = statements
      .filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'))
      .flatMap((s) => asArray(s.Resource));
    const sentTo = statements
      .filter((s) => asArray(s.Action).includes('sqs:SendMessage'))
      .flatMap((s) => asArray(s.Resource));

    // Assess
    expect(new Set(invoked.map((arn) => JSON.stringify(arn)))).toEqual(new Set(named));
    expect(sentTo).toEqual(used.has(QUEUE_SUBSTITUTION) ? [{ 'Fn::GetAtt': [queueId, 'Arn'] }] : []);
  });
});

describe('the execution shape', () => {
  it('every workflow stage is a Task of one of the two files, so no stage folder is deployed unused', () => {
    // Prepare
    const used = new Set([
      ...substitutionsUsedBy(readFileSync(DEFINITION_FILE, 'utf8')),
      ...substitutionsUsedBy(readFileSync(EPISODE_DEFINITION_FILE, 'utf8')),
    ]);

    // Act
    const unused = STAGE_FUNCTIONS.filter((spec) => spec.substitution && !used.has(spec.substitution)).map(
      (spec) => spec.name,
    );

    // Assess
    expect(unused).toEqual([]);
  });

  it('lets the production start, follow and stop executions of the episode machine alone, through the managed events rule', () => {
    // Prepare
    const roleId = (
      resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[productionId]!.Properties.RoleArn as {
        'Fn::GetAtt': [string, string];
      }
    )['Fn::GetAtt'][0];

    // Act
    const statements = statementsOfRole(template, roleId);
    const granted = (action: string) =>
      statements.filter((s) => asArray(s.Action).includes(action)).flatMap((s) => asArray(s.Resource).map(renderJoin));

    // Assess
    expect(granted('states:StartExecution')).toEqual([`<<Ref:${episodeId}>>`]);
    expect(granted('states:DescribeExecution')).toEqual([
      expect.stringMatching(new RegExp(`:execution:<<GetAtt:${episodeId}\\.Name>>:\\*$`)),
    ]);
    expect(granted('states:StopExecution')).toEqual(granted('states:DescribeExecution'));
    expect(granted('events:PutRule')).toEqual([
      expect.stringMatching(/:rule\/StepFunctionsGetEventsForStepFunctionsExecutionRule$/),
    ]);
  });

  it("lets only the video worker answer the episode machine's waiting Tasks, and only the approval gate the production machine's", () => {
    // Prepare
    const taskActions = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];

    // Act
    const holders = [...stack.functions.values()].filter((stage) =>
      statementsOfRole(template, logicalIdOf(stage.role)).some((s) =>
        asArray(s.Action).some((action) => taskActions.includes(action)),
      ),
    );
    const workerStatements = statementsOfRole(template, logicalIdOf(stack.functions.get('video-worker')!.role));

    // Assess
    const gateStatements = statementsOfRole(template, logicalIdOf(stack.functions.get('await-approval')!.role));
    expect(holders.map((stage) => stage.spec.name).sort()).toEqual(['await-approval', 'video-worker']);
    expect(workerStatements).toContainEqual(
      expect.objectContaining({ Action: [...taskActions].sort(), Resource: { Ref: episodeId } }),
    );
    expect(gateStatements).toContainEqual(
      expect.objectContaining({ Action: [...taskActions].sort(), Resource: { Ref: productionId } }),
    );
    expect(gateStatements.flatMap((s) => asArray(s.Resource))).not.toContainEqual({ Ref: episodeId });
  });
});

describe('an environment that times a stage function out otherwise', () => {
  it("moves the timeout of the Tasks that call it with the function's, and no other", () => {
    // Prepare
    const app = new App({
      builtinCloudFormationValidation: false,
      context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] },
    });
    const config = { ...ENVIRONMENTS.dev, functionSizing: { 'write-script': { timeoutSeconds: 1200 } } };
    const overridden = new DramaforgeStack(app, config.stackName, stackPropsFor(config));
    const overriddenTemplate = Template.fromStack(overridden);
    const machineOf = (constructId: string) =>
      resourcesOfType(overriddenTemplate, 'AWS::StepFunctions::StateMachine')[
        logicalIdOf(overridden.node.findChild(constructId).node.findChild('StateMachine'))
      ]!.Properties;
    const writeScript = resourcesOfType(overriddenTemplate, 'AWS::Lambda::Function')[
      logicalIdOf(overridden.functions.get('write-script')!.function)
    ]!.Properties;
    const timeoutsOf = (definition: Definition) =>
      Object.fromEntries(taskStates(definition).map(({ name, state }) => [name, state.TimeoutSeconds]));
    const checkedIn = JSON.parse(readFileSync(EPISODE_DEFINITION_FILE, 'utf8')) as Definition;

    // Act
    const deployed = JSON.parse(machineOf('EpisodeWorkflow').DefinitionString as string) as Definition;

    // Assess
    expect(writeScript.Timeout).toBe(1200);
    expect(timeoutsOf(deployed)).toEqual({ ...timeoutsOf(checkedIn), 'Write script': 1200 });
    expect(deployed).toEqual(withFunctionTimeouts(checkedIn, new Map([['WriteScriptFunctionArn', 1200]])));
    expect(machineOf('Workflow').DefinitionS3Location).toBeDefined();
  });
});
