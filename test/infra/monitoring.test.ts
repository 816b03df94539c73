import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES } from '../../lib/config/environment-config.js';
import { asArray, logicalIdOf, resourcesOfType, synthesize } from './synthesize.js';

interface KeyPolicyStatement {
  Effect: string;
  Principal?: { Service?: string | string[] };
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

describe.each(ENVIRONMENT_NAMES)('%s alarm notifications', (name) => {
  it('encrypts the alarm topic with a rotated key of its own that CloudWatch may use, never the AWS-managed alias/aws/sns', () => {
    // Prepare
    const { stack, template } = synthesize(name);
    const topicId = logicalIdOf(stack.node.findChild('Monitoring').node.findChild('AlarmTopic'));

    // Act
    const masterKeyId = resourcesOfType(template, 'AWS::SNS::Topic')[topicId]!.Properties.KmsMasterKeyId;
    const keyId = (masterKeyId as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
    const key = resourcesOfType(template, 'AWS::KMS::Key')[keyId ?? '']?.Properties;
    const cloudWatchStatements = ((key?.KeyPolicy as { Statement: KeyPolicyStatement[] } | undefined)?.Statement ?? []).filter(
      (statement) => statement.Effect === 'Allow' && asArray(statement.Principal?.Service ?? []).includes('cloudwatch.amazonaws.com'),
    );

    // Assess
    expect(JSON.stringify(masterKeyId)).not.toContain('alias/aws/sns');
    expect(masterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key).toMatchObject({ EnableKeyRotation: true });
    expect(cloudWatchStatements).toHaveLength(1);
    expect(asArray(cloudWatchStatements[0]!.Action)).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
    expect(cloudWatchStatements[0]!.Resource).toBe('*');
    expect(cloudWatchStatements[0]!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': stack.resolve(stack.account) },
      ArnLike: { 'aws:SourceArn': stack.resolve(`arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`) },
    });
  });

  it('sends every alarm to the alarm topic', () => {
    // Prepare
    const { stack, template } = synthesize(name);
    const topicId = logicalIdOf(stack.node.findChild('Monitoring').node.findChild('AlarmTopic'));

    // Act
    const actions = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties.AlarmActions);

    // Assess
    expect(actions.length).toBeGreaterThan(0);
    for (const alarmActions of actions) expect(alarmActions).toEqual([{ Ref: topicId }]);
  });
});

describe('alarm topic key removal', () => {
  it('keeps the key with prod data and schedules its deletion with disposable environments', () => {
    // Prepare
    const environments = ENVIRONMENT_NAMES.map((name) => ({ name, ...synthesize(name) }));

    // Act
    const deletion = environments.map(({ name, stack, template }) => {
      const topicId = logicalIdOf(stack.node.findChild('Monitoring').node.findChild('AlarmTopic'));
      const [keyId] = (resourcesOfType(template, 'AWS::SNS::Topic')[topicId]!.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      return { name, key: (template.findResources('AWS::KMS::Key')[keyId] as { DeletionPolicy: string }).DeletionPolicy };
    });

    // Assess
    expect(deletion).toEqual([
      { name: 'dev', key: 'Delete' },
      { name: 'staging', key: 'Delete' },
      { name: 'prod', key: 'Retain' },
    ]);
  });
});
