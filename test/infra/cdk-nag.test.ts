import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES } from '../../lib/config/environment-config.js';
import { synthesize } from './synthesize.js';

const TARGETS = [
  { label: 'environment-agnostic', target: undefined },
  { label: 'in a concrete account and region', target: { account: '123456789012', region: 'eu-west-1' } },
];

describe.each(ENVIRONMENT_NAMES)('%s against cdk-nag AwsSolutions', (name) => {
  it.each(TARGETS)('reports no finding that is not acknowledged with a reason, $label', ({ target }) => {
    // Prepare
    const { app } = synthesize(name, target);

    // Act
    const report = new AwsSolutionsChecks(app).validateScope(app);

    // Assess
    expect(
      report.violations.map(
        (violation) =>
          `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });
});
