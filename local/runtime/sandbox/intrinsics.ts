/**
 * The values CloudFormation would give a resource's `Ref` and `Fn::GetAtt` attributes, for the
 * resources the local engines stand in for: `{ Ref: 'dramaforge-dev-assets', Arn: 'arn:aws:s3:::…' }`.
 * Pseudo parameters are keyed by their name (`AWS::Region`, `AWS::AccountId`, …) with a `Ref`.
 */
export type ResourceReferences = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A template value that names something the references do not hold, or an intrinsic this resolver does not evaluate. */
export class UnresolvableReference extends Error {
  override readonly name = 'UnresolvableReference';
  constructor(
    readonly where: string,
    readonly reference: unknown,
    reason: string,
  ) {
    super(`${where}: ${JSON.stringify(reference)} ${reason}`);
  }
}

function lookUp(
  references: ResourceReferences,
  logicalId: string,
  attribute: string,
  where: string,
  reference: unknown,
): string {
  const value = references[logicalId]?.[attribute];
  if (value === undefined) {
    const known = references[logicalId]
      ? `it has ${Object.keys(references[logicalId]).join(', ')}`
      : `no references are given for ${logicalId}`;
    throw new UnresolvableReference(where, reference, `has no local value (${attribute} of ${logicalId}: ${known})`);
  }
  return value;
}

const SUB_PLACEHOLDER = /\$\{(!?)([^}]*)\}/g;

function substitute(
  template: string,
  variables: Record<string, string>,
  references: ResourceReferences,
  where: string,
  reference: unknown,
): string {
  return template.replace(SUB_PLACEHOLDER, (_whole, literal: string, name: string) => {
    // `${!Literal}` is how Fn::Sub writes a literal `${Literal}`.
    if (literal) return `\${${name}}`;
    if (name in variables) return variables[name]!;
    const dot = name.indexOf('.');
    // Pseudo parameters (AWS::Region) contain no dot; `Id.Attribute` is a GetAtt.
    return dot === -1
      ? lookUp(references, name, 'Ref', where, reference)
      : lookUp(references, name.slice(0, dot), name.slice(dot + 1), where, reference);
  });
}

/**
 * Resolves a template value to a string as CloudFormation would at deploy time: literals,
 * `Ref`, `Fn::GetAtt`, `Fn::Join` and `Fn::Sub`. `where` names the value in errors
 * (e.g. `environment variable TABLE_NAME`).
 */
export function resolveToString(value: unknown, references: ResourceReferences, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UnresolvableReference(where, value, 'is not a string value');
  const entries = Object.entries(value);
  if (entries.length !== 1) throw new UnresolvableReference(where, value, 'is not a single intrinsic function');
  const [intrinsic, argument] = entries[0]!;
  switch (intrinsic) {
    case 'Ref':
      if (typeof argument !== 'string') break;
      return lookUp(references, argument, 'Ref', where, value);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = typeof argument === 'string' ? argument.split(/\.(.*)/s) : (argument as unknown[]);
      if (typeof logicalId !== 'string' || typeof attribute !== 'string') break;
      return lookUp(references, logicalId, attribute, where, value);
    }
    case 'Fn::Join': {
      const [delimiter, parts] = argument as [unknown, unknown];
      if (typeof delimiter !== 'string' || !Array.isArray(parts)) break;
      return parts.map((part) => resolveToString(part, references, where)).join(delimiter);
    }
    case 'Fn::Sub': {
      if (typeof argument === 'string') return substitute(argument, {}, references, where, value);
      const [template, variables] = argument as [unknown, Record<string, unknown> | undefined];
      if (typeof template !== 'string') break;
      const resolved = Object.fromEntries(
        Object.entries(variables ?? {}).map(([name, variable]) => [name, resolveToString(variable, references, where)]),
      );
      return substitute(template, resolved, references, where, value);
    }
    default:
      throw new UnresolvableReference(where, value, `uses ${intrinsic}, which the local runtime does not evaluate`);
  }
  throw new UnresolvableReference(where, value, `is a malformed ${intrinsic}`);
}
