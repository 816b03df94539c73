import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUEUE_SUBSTITUTION, STAGE_FUNCTIONS } from '../../lambdas/catalog.js';
import { DEFINITION_FILE, WAIT_FOR_TASK_TOKEN_SQS, substituteDefinition, taskStates } from '../../statemachines/production-definition.js';
import { asArray, logicalIdOf, renderJoin, resourcesOfType, statementsOfRole, synthesize } from './synthesize.js';

const expectedDefinition = (substitutions: Record<string, string>) => substituteDefinition(readFileSync(DEFINITION_FILE, 'utf8'), substitutions);

describe('the deployed workflow', () => {
  const { app, stack, template } = synthesize('dev');
  const machineId = Object.keys(resourcesOfType(template, 'AWS::StepFunctions::StateMachine'))[0]!;
  const machine = resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[machineId]!.Properties;
  const queueId = logicalIdOf(stack.node.findChild('VideoJobs').node.findChild('Queue'));
  const functionIds = new Map(
    STAGE_FUNCTIONS.filter((spec) => spec.substitution).map((spec) => [spec.substitution!, logicalIdOf(stack.functions.get(spec.name)!.function)]),
  );
  const substitutions = {
    ...Object.fromEntries([...functionIds].map(([key, id]) => [key, `<<GetAtt:${id}.Arn>>`])),
    [QUEUE_SUBSTITUTION]: `<<Ref:${queueId}>>`,
  };

  it('is the ASL file, with each function ARN and the queue URL substituted', () => {
    // Prepare
    const expected = expectedDefinition(substitutions);
    // DefinitionBody.fromFile ships the file as an S3 asset; CloudFormation applies DefinitionSubstitutions to it.
    const assetKey = (machine.DefinitionS3Location as { Key: string }).Key;
    const uploadedText = readFileSync(path.join(app.outdir, `asset.${assetKey}`), 'utf8');
    const deployedSubstitutions = Object.fromEntries(
      Object.entries(machine.DefinitionSubstitutions as Record<string, never>).map(([key, reference]) => [key, renderJoin(reference)]),
    );

    // Act
    const deployed = substituteDefinition(uploadedText, deployedSubstitutions);

    // Assess
    expect(deployed).toEqual(expected);
    expect(Object.keys(deployedSubstitutions).sort()).toEqual(Object.keys(substitutions).sort());
  });

  it('resolves every Task to a function of this stack or to this stack\'s video queue', () => {
    // Prepare
    const tasks = taskStates(expectedDefinition(substitutions));
    const lambdaIds = new Set(Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')));

    // Act
    const unresolved = tasks.filter(({ state: task }) => {
      const functionMatch = /^<<GetAtt:(\w+)\.Arn>>$/.exec(task.Resource ?? '');
      if (functionMatch) return !lambdaIds.has(functionMatch[1]!);
      return !(task.Resource === WAIT_FOR_TASK_TOKEN_SQS && (task.Parameters as { QueueUrl?: unknown } | undefined)?.QueueUrl === `<<Ref:${queueId}>>`);
    });

    // Assess
    expect(tasks.length).toBeGreaterThan(0);
    expect(unresolved.map(({ name }) => name)).toEqual([]);
  });

  it('lets the state machine invoke exactly its own functions and send only to its own queue', () => {
    // Prepare
    const roleId = (machine.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

    // Act
    const statements = statementsOfRole(template, roleId);
    const invoked = statements.filter((s) => asArray(s.Action).includes('lambda:InvokeFunction')).flatMap((s) => asArray(s.Resource));
    const sentTo = statements.filter((s) => asArray(s.Action).includes('sqs:SendMessage')).flatMap((s) => asArray(s.Resource));

    // Assess
    expect(new Set(invoked.map((arn) => JSON.stringify(arn)))).toEqual(
      new Set([...functionIds.values()].map((id) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }))),
    );
    expect(sentTo).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    expect(statements.filter((s) => asArray(s.Action).some((action) => action.startsWith('lambda:') || action.startsWith('sqs:')))).toHaveLength(2);
  });

  it('lets only the video worker answer the waiting Tasks, on this state machine alone', () => {
    // Prepare
    const taskActions = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];

    // Act
    const holders = [...stack.functions.values()].filter((stage) =>
      statementsOfRole(template, logicalIdOf(stage.role)).some((s) => asArray(s.Action).some((action) => taskActions.includes(action))),
    );
    const workerStatements = statementsOfRole(template, logicalIdOf(stack.functions.get('video-worker')!.role));

    // Assess
    expect(holders.map((stage) => stage.spec.name)).toEqual(['video-worker']);
    expect(workerStatements).toContainEqual(
      expect.objectContaining({ Action: [...taskActions].sort(), Resource: { Ref: machineId } }),
    );
  });
});
