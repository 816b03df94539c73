/** One finding of `cfn-lint --format json`. */
export interface CfnLintFinding {
  Filename: string | null;
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location: { Start: { LineNumber: number; ColumnNumber: number } };
}

/**
 * Warnings fail the check like errors: the ones cfn-lint raises on templates like ours are
 * deploy-time faults (an IAM action that does not exist is a grant that never applies, an ARN
 * that cannot match is access that never works). A rule is accepted only when every finding
 * of it is known to be harmless here, with the reason.
 */
export const ACCEPTED_RULES: Readonly<Record<string, string>> = {
  W3005:
    'CDK writes DependsOn on the role (and its default policy) of each function and state machine, its own custom resource handlers included, so that none is created before its permissions; the GetAtt on the role already orders the role, so that entry is redundant and harmless',
};

export function isAccepted(finding: CfnLintFinding): boolean {
  return finding.Rule.Id in ACCEPTED_RULES;
}

/** One line per finding, as an editor jumps to it; cfn-lint's messages can list hundreds of allowed values. */
export function describeFinding(finding: CfnLintFinding): string {
  const message = finding.Message.length > 300 ? `${finding.Message.slice(0, 300)}...` : finding.Message;
  return `${finding.Filename ?? '(no file)'}:${finding.Location.Start.LineNumber}:${finding.Location.Start.ColumnNumber}: ${finding.Level} ${finding.Rule.Id} ${message}`;
}
