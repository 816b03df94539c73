import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface ProviderSecretProps {
  /**
   * Use this existing secret instead of creating one.
   *
   * @default - a new secret holding `{}` is created
   */
  readonly existingSecretName?: string;
  /**
   * What happens to a created secret when the stack is deleted; an existing secret is never touched.
   *
   * @default - none, required
   */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Provider API keys (OpenAI-compatible base URLs and keys, ...), as one JSON secret.
 * Created holding `{}` for an operator to fill in, or an existing secret referenced by
 * name. Keys never travel in a manifest or an environment variable: functions get the
 * secret's ARN and read permission, nothing more.
 */
export class ProviderSecret extends Construct {
  readonly secret: ISecret;

  constructor(scope: Construct, id: string, props: ProviderSecretProps) {
    super(scope, id);
    if (props.existingSecretName) {
      this.secret = Secret.fromSecretNameV2(this, 'Existing', props.existingSecretName);
      return;
    }
    const secret = new Secret(this, 'Secret', {
      description: 'dramaforge provider API keys, as a JSON object; fill in with aws secretsmanager put-secret-value',
      // An empty JSON object is the only value in the template; the keys are put in after deployment.
      secretObjectValue: {},
      removalPolicy: props.removalPolicy,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Third-party provider API keys are issued by the provider; a rotation function cannot mint new ones.',
    });
    this.secret = secret;
  }
}
