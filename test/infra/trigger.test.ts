import { describe, expect, it } from 'vitest';
import { asArray, logicalIdOf, resourcesOfType, statementsOfRole, synthesize } from './synthesize.js';

describe('the manifest trigger', () => {
  const { stack, template } = synthesize('dev');
  const starter = stack.functions.get('start-production')!;

  it("matches objects created under manifests/ in this stack's bucket", () => {
    // Prepare
    const bucketId = logicalIdOf(stack.node.findChild('Assets').node.findChild('Bucket'));

    // Act
    const rules = Object.values(resourcesOfType(template, 'AWS::Events::Rule'));

    // Assess
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: bucketId }] }, object: { key: [{ prefix: 'manifests/' }] } },
    });
  });

  it('targets start-production, with retries and a dead-letter queue', () => {
    // Prepare
    const functionId = logicalIdOf(starter.function);
    const deadLetterId = logicalIdOf(stack.node.findChild('Trigger').node.findChild('DeadLetterQueue'));

    // Act
    const targets = Object.values(resourcesOfType(template, 'AWS::Events::Rule'))[0]!.Properties.Targets as Record<
      string,
      unknown
    >[];

    // Assess
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] } },
      RetryPolicy: { MaximumRetryAttempts: 4 },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
  });

  it('may start executions of the production workflow only, which it finds through STATE_MACHINE_ARN', () => {
    // Prepare
    const machineId = logicalIdOf(stack.node.findChild('Workflow').node.findChild('StateMachine'));

    // Act
    const statements = statementsOfRole(template, logicalIdOf(starter.role));
    const environment = (
      resourcesOfType(template, 'AWS::Lambda::Function')[logicalIdOf(starter.function)]!.Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;

    // Assess
    expect(statements.filter((s) => asArray(s.Action).some((action) => action.startsWith('states:')))).toEqual([
      expect.objectContaining({ Action: 'states:StartExecution', Resource: { Ref: machineId } }),
    ]);
    expect(environment.STATE_MACHINE_ARN).toEqual({ Ref: machineId });
  });
});
