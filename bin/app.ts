import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { withAccountLimitsFromContext } from '../lib/config/account-limits.js';
import { selectEnvironments } from '../lib/config/environments.js';
import { currentDeployHost, deployHostProblem } from '../lib/deploy-host.js';
import { FEATURE_FLAGS } from '../lib/feature-flags.js';
import { DramaforgeStack, stackPropsFor } from '../lib/stack.js';

// Before any layer is built: elsewhere synthesis would fail deep in a layer, or ship binaries Lambda cannot run.
const hostProblem = deployHostProblem(currentDeployHost());
if (hostProblem) {
  console.error(hostProblem);
  process.exit(1);
}

// One stack per environment: `-c env=dev|staging|prod`, or all three when no env is given; each fitted to
// a new account's quotas unless `-c maxFunctionMemoryMb=` / `-c accountConcurrency=` raise them.
const app = new App({ context: FEATURE_FLAGS });
for (const selected of selectEnvironments(app.node.tryGetContext('env'))) {
  const config = withAccountLimitsFromContext(selected, (key) => app.node.tryGetContext(key));
  new DramaforgeStack(app, config.stackName, stackPropsFor(config));
}
// Synthesis fails on any finding that is not acknowledged, with its reason, next to the resource.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
