import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES } from '../../lib/config/environment-config.js';
import { synthesize } from './synthesize.js';

describe.each(ENVIRONMENT_NAMES)('%s against cdk-nag AwsSolutions', (name) => {
  it('reports no finding that is not acknowledged with a reason', () => {
    // Prepare
    const { app } = synthesize(name);

    // Act
    const report = new AwsSolutionsChecks(app).validateScope(app);

    // Assess
    expect(report.violations.map((violation) => `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual(
      [],
    );
  });
});
