import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-bedrock';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../../../lib/config/environments.js';
import { type PreflightLine, PreflightNoCredentials, runPreflight } from '../../../../local/commands/preflight.js';
import { cliArguments } from '../../../support/cli.js';

const region = 'us-west-2';
const clients = {
  sts: new STSClient({ region }),
  lambda: new LambdaClient({ region }),
  bedrock: new BedrockClient({ region }),
  quotas: new ServiceQuotasClient({ region }),
  ssm: new SSMClient({ region }),
  secrets: new SecretsManagerClient({ region }),
};
const mocks = Object.fromEntries(
  Object.entries(clients).map(([name, client]) => [name, mockClient(client as never)]),
) as Record<keyof typeof clients, ReturnType<typeof mockClient>>;
const LUMA_QUOTA = { QuotaName: 'Concurrent async invocations for Luma Ray2', QuotaCode: 'L-LUMA0001', Value: 10 };

const options = (overrides: Partial<Parameters<typeof runPreflight>[1]> = {}) => ({
  environment: ENVIRONMENTS.dev,
  region,
  env: {},
  today: new Date('2026-12-06T12:00:00Z'),
  stageMemoryMb: { 'assemble-episode': 3008, 'write-script': 512 },
  providerSecret: 'arn:aws:secretsmanager:us-west-2:1:secret:provider',
  ...overrides,
});

/** An account where every check passes: each test breaks one thing. */
beforeEach(() => {
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  mocks.lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 1000 } });
  mocks.bedrock.on(GetInferenceProfileCommand).resolves({ inferenceProfileId: 'us.amazon.nova-2-lite-v1:0' } as never);
  mocks.bedrock.on(GetFoundationModelCommand).resolves({
    modelDetails: { inferenceTypesSupported: ['ON_DEMAND'], modelLifecycle: { status: 'ACTIVE' } },
  } as never);
  mocks.bedrock.on(GetFoundationModelCommand, { modelIdentifier: 'amazon.nova-2-lite-v1:0' }).resolves({
    modelDetails: { inferenceTypesSupported: ['INFERENCE_PROFILE'], modelLifecycle: { status: 'ACTIVE' } },
  } as never);
  mocks.bedrock.on(GetFoundationModelAvailabilityCommand).resolves({
    authorizationStatus: 'AUTHORIZED',
    entitlementAvailability: 'AVAILABLE',
    regionAvailability: 'AVAILABLE',
    agreementAvailability: { status: 'AVAILABLE' },
  } as never);
  mocks.quotas
    .on(ListServiceQuotasCommand)
    .resolves({ Quotas: [{ QuotaName: 'On-demand model inference requests per minute', Value: 100 }, LUMA_QUOTA] });
  mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '30' } });
  mocks.secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: '{"apiKey":"sk-1","baseUrl":"https://gateway.example"}' });
});

afterEach(() => {
  for (const mock of Object.values(mocks)) mock.reset();
});

const failing = (lines: PreflightLine[]) =>
  lines.filter((l) => l.verdict === 'fail').map((l) => `${l.check}: ${l.message}`);

describe('preflight', () => {
  it("passes every check in an account that has what the dev environment and the bedrock profile's defaults need", async () => {
    // Act
    const lines = await runPreflight(clients, options());

    // Assess
    expect(failing(lines)).toEqual([]);
    expect(lines.map((l) => l.check)).toEqual([
      'account',
      'lambda-concurrency',
      'lambda-memory',
      'bedrock script us.amazon.nova-2-lite-v1:0',
      'bedrock image stability.stable-image-core-v1:1',
      'bedrock consistency amazon.nova-2-multimodal-embeddings-v1:0',
      'bedrock video luma.ray-v2:0',
      'quota video jobs',
      'bootstrap',
      'provider secret',
    ]);
  });

  it('fails in one line without credentials, before any other check', async () => {
    // Prepare
    mocks.sts
      .on(GetCallerIdentityCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );

    // Act
    const attempt = runPreflight(clients, options());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(PreflightNoCredentials);
    await expect(attempt).rejects.toThrow(
      /^no AWS credentials this account accepts \(CredentialsProviderError: Could not load credentials from any providers\): configure them/,
    );
    expect(mocks.lambda.commandCalls(GetAccountSettingsCommand)).toHaveLength(0);
  });

  it('fails when the account runs fewer functions at once than one production of the environment', async () => {
    // Prepare: dev runs 1 x 2 scenes + 2 video workers = 4
    mocks.lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 3 } });

    // Act
    const lines = await runPreflight(clients, options());

    // Assess
    expect(failing(lines)).toEqual([
      expect.stringMatching(
        /^lambda-concurrency: the account runs 3 functions at once and one dev production runs 4: raise/,
      ),
    ]);
  });

  it('fails a function memory above 3,008 MB in a new account', async () => {
    // Prepare
    mocks.lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 10 } });
    const raised = { ...ENVIRONMENTS.dev, accountLimits: { maxFunctionMemoryMb: 4096, concurrentExecutions: 10 } };

    // Act
    const lines = await runPreflight(
      clients,
      options({ environment: raised, stageMemoryMb: { 'assemble-episode': 4096 } }),
    );

    // Assess
    expect(failing(lines)).toEqual([
      expect.stringMatching(/^lambda-memory: a function asks for 4096 MB and this looks like a new account/),
    ]);
  });

  it('fails a routed model past its end of life by name, date and successor, without asking Bedrock', async () => {
    // Act
    const lines = await runPreflight(
      clients,
      options({ env: { DRAMAFORGE_BEDROCK_VIDEO_MODELS: 'amazon.nova-reel-v1:1' } }),
    );

    // Assess
    expect(failing(lines)).toEqual([
      'bedrock video amazon.nova-reel-v1:1: reached end of life on 2026-09-30 (use luma.ray-v2:0)',
    ]);
    expect(
      mocks.bedrock.commandCalls(GetFoundationModelCommand, { modelIdentifier: 'amazon.nova-reel-v1:1' }),
    ).toHaveLength(0);
  });

  it('fails a model the Region does not serve', async () => {
    // Prepare
    mocks.bedrock
      .on(GetFoundationModelCommand, { modelIdentifier: 'luma.ray-v2:0' })
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    // Act
    const lines = await runPreflight(clients, options());

    // Assess
    expect(failing(lines)).toEqual([
      'bedrock video luma.ray-v2:0: luma.ray-v2:0 is not a Bedrock model in us-west-2 (ResourceNotFoundException)',
    ]);
  });

  it('fails an inference profile the Region does not have', async () => {
    // Prepare
    mocks.bedrock
      .on(GetInferenceProfileCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    // Act
    const lines = await runPreflight(clients, options({ region: 'eu-west-1' }));

    // Assess
    expect(failing(lines)).toEqual([
      expect.stringMatching(
        /^bedrock script us\.amazon\.nova-2-lite-v1:0: inference profile us\.amazon\.nova-2-lite-v1:0 is not served in eu-west-1/,
      ),
    ]);
  });

  it('fails a model served only through an inference profile when it is routed by its own id', async () => {
    // Act
    const lines = await runPreflight(
      clients,
      options({ env: { DRAMAFORGE_BEDROCK_SCRIPT_MODELS: 'amazon.nova-2-lite-v1:0' } }),
    );

    // Assess
    expect(failing(lines)).toEqual([
      expect.stringMatching(
        /^bedrock script amazon\.nova-2-lite-v1:0: amazon\.nova-2-lite-v1:0 is served only through an inference profile/,
      ),
    ]);
  });

  it('fails a model this account has no access to', async () => {
    // Prepare
    mocks.bedrock.on(GetFoundationModelAvailabilityCommand, { modelId: 'stability.stable-image-core-v1:1' }).resolves({
      authorizationStatus: 'NOT_AUTHORIZED',
      entitlementAvailability: 'NOT_AVAILABLE',
      regionAvailability: 'AVAILABLE',
    } as never);

    // Act
    const lines = await runPreflight(clients, options());

    // Assess
    expect(failing(lines)).toEqual([
      expect.stringMatching(
        /^bedrock image stability\.stable-image-core-v1:1: this account has no access to stability\.stable-image-core-v1:1 in us-west-2: enable it/,
      ),
    ]);
  });

  it('warns about a model Bedrock reports Legacy', async () => {
    // Prepare
    mocks.bedrock.on(GetFoundationModelCommand, { modelIdentifier: 'luma.ray-v2:0' }).resolves({
      modelDetails: { inferenceTypesSupported: ['ON_DEMAND'], modelLifecycle: { status: 'LEGACY' } },
    } as never);

    // Act
    const lines = await runPreflight(clients, options());

    // Assess
    expect(failing(lines)).toEqual([]);
    expect(lines.find((l) => l.check === 'bedrock video luma.ray-v2:0')).toMatchObject({
      verdict: 'warn',
      message: 'is Legacy',
    });
  });

  it('fails when the Service Quota on concurrent video jobs is 0', async () => {
    // Prepare
    mocks.quotas.on(ListServiceQuotasCommand).resolves({ Quotas: [{ ...LUMA_QUOTA, Value: 0 }] });

    // Act
    const lines = await runPreflight(clients, options());

    // Assess
    expect(failing(lines)).toEqual([
      expect.stringMatching(
        /^quota video jobs: "Concurrent async invocations for Luma Ray2" \(L-LUMA0001\) is 0: no video job can start/,
      ),
    ]);
  });

  it('fails a Region that is not bootstrapped, and a bootstrap stack older than the stacks need', async () => {
    // Prepare
    mocks.ssm
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: 'no parameter', $metadata: {} }))
      .resolves({ Parameter: { Value: '5' } });

    // Act
    const missing = await runPreflight(clients, options());
    const old = await runPreflight(clients, options());

    // Assess
    expect(failing(missing)).toEqual([
      'bootstrap: us-west-2 is not bootstrapped for the CDK: run npx cdk bootstrap aws://123456789012/us-west-2',
    ]);
    expect(failing(old)).toEqual([
      expect.stringMatching(/^bootstrap: the CDK bootstrap stack is version 5, the stacks need 6 or later/),
    ]);
  });

  it('fails a provider secret without an apiKey, and warns about an empty one', async () => {
    // Prepare
    mocks.secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: '{"OPENAI_API_KEY":"sk-1"}' })
      .resolves({ SecretString: '{}' });

    // Act
    const malformed = await runPreflight(clients, options());
    const empty = await runPreflight(clients, options());

    // Assess
    expect(failing(malformed)).toEqual([
      expect.stringMatching(/^provider secret: has not the shape \{"apiKey", "baseUrl"\?, "syncSoApiKey"\?\}: apiKey /),
    ]);
    expect(failing(empty)).toEqual([]);
    expect(empty.at(-1)).toMatchObject({ check: 'provider secret', verdict: 'warn' });
  });
});

describe('dramaforge preflight', () => {
  it('fails in one clear line without credentials', async () => {
    // Prepare: no credentials anywhere the SDK looks
    const env = {
      PATH: process.env.PATH,
      HOME: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    };

    // Act
    const result = await promisify(execFile)(
      process.execPath,
      cliArguments('preflight', '--env', 'dev', '--region', region),
      { env },
    ).catch((error: { code: number; stderr: string }) => error);

    // Assess
    expect('code' in result && result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^dramaforge preflight: no AWS credentials this account accepts \([^\n]+\): configure them \(aws configure, AWS_PROFILE, SSO\) and run again\n$/,
    );
  });
});
