import {
  type BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  type GetFoundationModelCommandOutput,
  GetInferenceProfileCommand,
} from '@aws-sdk/client-bedrock';
import { GetAccountSettingsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { paginateListServiceQuotas, type ServiceQuota, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import * as z from 'zod';
import { type ModelRole, roleRungs } from '../../lambdas/composition/provider-config.js';
import { foundationModelOf, lifecycleOf, lifecycleStateOn } from '../../lambdas/core/pricing/model-lifecycle.js';
import {
  concurrentInvocations,
  configuredFanOut,
  fitFanOut,
  functionMemoryMb,
  NEW_ACCOUNT_LIMITS,
} from '../../lib/config/account-limits.js';
import type { EnvironmentConfig } from '../../lib/config/environment-config.js';

/**
 * `dramaforge preflight --env <name>`: what a first deploy and a season would meet in this account
 * and Region, read before either: Lambda's quotas against the environment, each Bedrock model the
 * bedrock profile routes to (access, lifecycle, Region, inference profile), the Service Quota on
 * concurrent async video jobs, the CDK bootstrap stack's version and the provider secret. One
 * line per check; `fail` lines block.
 */

export type Verdict = 'ok' | 'warn' | 'fail';

export interface PreflightLine {
  check: string;
  verdict: Verdict;
  message: string;
}

/** The SDK clients preflight reads with, each created once by the caller. */
export interface PreflightClients {
  sts: STSClient;
  lambda: LambdaClient;
  bedrock: BedrockClient;
  quotas: ServiceQuotasClient;
  ssm: SSMClient;
  secrets: SecretsManagerClient;
}

export interface PreflightOptions {
  environment: EnvironmentConfig;
  region: string;
  /** Where DRAMAFORGE_BEDROCK_<STAGE>_MODELS are read from, as the stack's functions would. */
  env: NodeJS.ProcessEnv;
  today: Date;
  /** Stage memory as the stage descriptors ask for it, by stage name. */
  stageMemoryMb: Record<string, number>;
  /** The stack's ProviderSecretArn output, once it is deployed. */
  providerSecret?: string;
}

/** No credentials, or none that AWS accepts: nothing else can be checked. */
export class PreflightNoCredentials extends Error {
  override readonly name = 'PreflightNoCredentials';
}

/** The CDK bootstrap version the stacks' default synthesizer requires (its BootstrapVersion rule). */
export const MIN_BOOTSTRAP_VERSION = 6;
const BOOTSTRAP_VERSION_PARAMETER = '/cdk-bootstrap/hnb659fds/version';
/** The model roles preflight checks on Bedrock: speech is Polly's, not a Bedrock model. */
const BEDROCK_ROLES: readonly ModelRole[] = ['script', 'image', 'consistency', 'video'];
const ProviderSecretSchema = z.object({
  apiKey: z.string().min(1),
  baseUrl: z.url().optional(),
  syncSoApiKey: z.string().min(1).optional(),
});

const line = (check: string, verdict: Verdict, message: string): PreflightLine => ({ check, verdict, message });
const errorName = (error: unknown) => (error as { name?: string }).name ?? 'Error';
const errorText = (error: unknown) => `${errorName(error)}: ${(error as Error).message}`;

export async function runPreflight(clients: PreflightClients, options: PreflightOptions): Promise<PreflightLine[]> {
  const account = await callerAccount(clients.sts);
  const lines = [line('account', 'ok', `${account} in ${options.region}`)];
  const concurrency = await accountConcurrency(clients.lambda);
  lines.push(concurrencyLine(options.environment, concurrency), memoryLine(options, concurrency));
  for (const role of BEDROCK_ROLES) {
    for (const rung of roleRungs('bedrock', role, options.env))
      lines.push(...(await modelLines(clients.bedrock, role, rung.model, options)));
  }
  lines.push(
    await videoJobsQuotaLine(clients.quotas, options),
    await bootstrapLine(clients.ssm, account, options.region),
    await secretLine(clients.secrets, options.providerSecret),
  );
  return lines;
}

export function formatPreflight(lines: PreflightLine[]): string {
  return lines.map((l) => `${l.verdict.padEnd(4)} ${l.check}: ${l.message}`).join('\n');
}

async function callerAccount(sts: STSClient): Promise<string> {
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Account ?? 'unknown account';
  } catch (error) {
    throw new PreflightNoCredentials(
      `no AWS credentials this account accepts (${errorText(error).split('\n')[0]}): configure them (aws configure, AWS_PROFILE, SSO) and run again`,
    );
  }
}

async function accountConcurrency(lambda: LambdaClient): Promise<number | undefined> {
  return (await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.ConcurrentExecutions;
}

/** One production of the environment, as the stack fits it to its account limits, against what the account runs at once. */
function concurrencyLine(environment: EnvironmentConfig, concurrency: number | undefined): PreflightLine {
  const fitted = concurrentInvocations(
    fitFanOut(configuredFanOut(environment), environment.accountLimits.concurrentExecutions),
  );
  if (concurrency === undefined)
    return line('lambda-concurrency', 'warn', 'GetAccountSettings gave no concurrent-executions limit');
  if (concurrency < fitted) {
    return line(
      'lambda-concurrency',
      'fail',
      `the account runs ${concurrency} functions at once and one ${environment.name} production runs ${fitted}: raise "Lambda: Concurrent executions" in Service Quotas, or deploy with -c accountConcurrency=${concurrency}`,
    );
  }
  const wanted = concurrentInvocations(configuredFanOut(environment));
  const room =
    concurrency > environment.accountLimits.concurrentExecutions && wanted > fitted
      ? `; deploy with -c accountConcurrency=${concurrency} to run the ${wanted} it asks for`
      : '';
  return line(
    'lambda-concurrency',
    'ok',
    `the account runs ${concurrency} functions at once; one ${environment.name} production runs ${fitted}${room}`,
  );
}

/**
 * No API reports an account's cap on function memory. An account still at 10 concurrent executions
 * is a new account, whose cap is 3,008 MB: memory above it fails the deploy.
 */
function memoryLine(options: PreflightOptions, concurrency: number | undefined): PreflightLine {
  const { environment } = options;
  const largest = Math.max(
    ...Object.entries(options.stageMemoryMb).map(([stage, memory]) =>
      functionMemoryMb(environment.functionSizing[stage]?.memoryMb ?? memory, environment.accountLimits),
    ),
  );
  const newAccount = concurrency !== undefined && concurrency <= NEW_ACCOUNT_LIMITS.concurrentExecutions;
  if (largest > NEW_ACCOUNT_LIMITS.maxFunctionMemoryMb && newAccount) {
    return line(
      'lambda-memory',
      'fail',
      `a function asks for ${largest} MB and this looks like a new account (${concurrency} concurrent executions), which allows ${NEW_ACCOUNT_LIMITS.maxFunctionMemoryMb} MB: deploy without -c maxFunctionMemoryMb, or have AWS raise it`,
    );
  }
  return line('lambda-memory', 'ok', `functions ask for at most ${largest} MB`);
}

async function modelLines(
  bedrock: BedrockClient,
  role: ModelRole,
  model: string,
  options: PreflightOptions,
): Promise<PreflightLine[]> {
  const check = `bedrock ${role} ${model}`;
  const entry = lifecycleOf('bedrock', model);
  const state = entry && lifecycleStateOn(entry, options.today);
  if (entry && state === 'EOL')
    return [
      line(
        check,
        'fail',
        `reached end of life on ${entry.endOfLife}${entry.successor ? ` (use ${entry.successor})` : ''}`,
      ),
    ];
  const foundation = foundationModelOf(model);
  const lines: PreflightLine[] = [];
  if (foundation !== model) {
    try {
      await bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: model }));
    } catch (error) {
      return [
        line(
          check,
          'fail',
          `inference profile ${model} is not served in ${options.region} (${errorName(error)}): use a profile of this Region's geography, or deploy in another Region`,
        ),
      ];
    }
  }
  let details: GetFoundationModelCommandOutput['modelDetails'];
  try {
    details = (await bedrock.send(new GetFoundationModelCommand({ modelIdentifier: foundation }))).modelDetails;
  } catch (error) {
    return [line(check, 'fail', `${foundation} is not a Bedrock model in ${options.region} (${errorName(error)})`)];
  }
  if (
    foundation === model &&
    details?.inferenceTypesSupported &&
    !details.inferenceTypesSupported.includes('ON_DEMAND')
  ) {
    return [
      line(
        check,
        'fail',
        `${model} is served only through an inference profile in ${options.region}: route to its profile id (us.${model}, global.${model})`,
      ),
    ];
  }
  try {
    const availability = await bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId: foundation }));
    if (availability.regionAvailability === 'NOT_AVAILABLE')
      return [line(check, 'fail', `${foundation} is not available in ${options.region}`)];
    if (
      availability.authorizationStatus === 'NOT_AUTHORIZED' ||
      availability.entitlementAvailability === 'NOT_AVAILABLE'
    ) {
      return [
        line(
          check,
          'fail',
          `this account has no access to ${foundation} in ${options.region}: enable it under Bedrock model access (and accept its Marketplace offer)`,
        ),
      ];
    }
  } catch (error) {
    lines.push(line(check, 'warn', `could not read its access (${errorText(error)})`));
  }
  const legacy = details?.modelLifecycle?.status === 'LEGACY' || state === 'Legacy';
  if (legacy)
    lines.push(
      line(
        check,
        'warn',
        `is Legacy${entry?.endOfLife ? `, end of life ${entry.endOfLife}` : ''}${entry?.successor ? ` (use ${entry.successor})` : ''}`,
      ),
    );
  return lines.length > 0
    ? lines
    : [line(check, 'ok', `served and enabled in ${options.region}${entry ? `, ${state}` : ''}`)];
}

/** Bedrock's Service Quota on concurrent async jobs of the video model: each video worker holds one job. */
async function videoJobsQuotaLine(quotas: ServiceQuotasClient, options: PreflightOptions): Promise<PreflightLine> {
  const video = roleRungs('bedrock', 'video', options.env)[0]!.model;
  const family = /^luma\./.test(video) ? /luma|ray/i : new RegExp(video.split(/[.:]/)[1] ?? video, 'i');
  const workers = fitFanOut(
    configuredFanOut(options.environment),
    options.environment.accountLimits.concurrentExecutions,
  ).videoWorkers;
  let quota: ServiceQuota | undefined;
  for await (const page of paginateListServiceQuotas({ client: quotas }, { ServiceCode: 'bedrock' })) {
    quota = (page.Quotas ?? []).find(
      (q) => family.test(q.QuotaName ?? '') && /async|concurrent/i.test(q.QuotaName ?? ''),
    );
    if (quota) break;
  }
  const check = 'quota video jobs';
  if (!quota || quota.Value === undefined)
    return line(
      check,
      'warn',
      `no Bedrock Service Quota on concurrent async jobs of ${video} was found: check it in the Service Quotas console`,
    );
  const name = `"${quota.QuotaName}" (${quota.QuotaCode})`;
  if (quota.Value < 1)
    return line(
      check,
      'fail',
      `${name} is ${quota.Value}: no video job can start; request an increase in Service Quotas`,
    );
  if (quota.Value < workers)
    return line(
      check,
      'warn',
      `${name} is ${quota.Value} and ${options.environment.name} runs ${workers} video workers: the rest are throttled and retried; raise it or lower videoWorker.maxConcurrency`,
    );
  return line(check, 'ok', `${name} is ${quota.Value}, for ${workers} video workers`);
}

async function bootstrapLine(ssm: SSMClient, account: string, region: string): Promise<PreflightLine> {
  const bootstrap = `npx cdk bootstrap aws://${account}/${region}`;
  try {
    const version = Number(
      (await ssm.send(new GetParameterCommand({ Name: BOOTSTRAP_VERSION_PARAMETER }))).Parameter?.Value,
    );
    if (!(version >= MIN_BOOTSTRAP_VERSION))
      return line(
        'bootstrap',
        'fail',
        `the CDK bootstrap stack is version ${version}, the stacks need ${MIN_BOOTSTRAP_VERSION} or later: run ${bootstrap}`,
      );
    return line('bootstrap', 'ok', `CDK bootstrap version ${version}`);
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound')
      return line('bootstrap', 'fail', `${region} is not bootstrapped for the CDK: run ${bootstrap}`);
    throw error;
  }
}

async function secretLine(secrets: SecretsManagerClient, secretId: string | undefined): Promise<PreflightLine> {
  if (!secretId)
    return line(
      'provider secret',
      'ok',
      'not checked: the stack creates it; pass --secret <ProviderSecretArn> after the first deploy',
    );
  let value: string | undefined;
  try {
    value = (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    return line('provider secret', 'fail', `${secretId} cannot be read (${errorName(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '{}');
  } catch {
    return line('provider secret', 'fail', 'is not JSON: put {"apiKey": "...", "baseUrl": "https://..."} in it');
  }
  if (parsed && typeof parsed === 'object' && Object.keys(parsed).length === 0) {
    return line(
      'provider secret',
      'warn',
      'is empty: only the offline and bedrock profiles can run; put {"apiKey": "...", "baseUrl": "https://..."} in it for openai-compatible',
    );
  }
  const checked = ProviderSecretSchema.safeParse(parsed);
  if (!checked.success)
    return line(
      'provider secret',
      'fail',
      `has not the shape {"apiKey", "baseUrl"?, "syncSoApiKey"?}: ${checked.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  return line('provider secret', 'ok', `holds an apiKey${checked.data.baseUrl ? ' and a baseUrl' : ''}`);
}
