import { ManifestInvalid, type ManifestProblem } from '../contracts/errors.js';
import type * as z from '../contracts/zod-mini.js';
import { nativeVoiceManifestProblems } from '../domain/native-voice.js';
import { languageProblems } from '../text/languages.js';
import { executionLimitProblems } from '../workflow/execution-limits.js';
import { crossReferenceProblems } from './cross-references.js';
import { formatIssuePath } from './format-path.js';
import { ManifestSchema, type SeriesManifest } from './schema.js';

function problemsFromZod(error: z.core.$ZodError): ManifestProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatIssuePath([...issue.path, key]), reason: 'unknown key' }))
      : [{ path: formatIssuePath(issue.path), reason: issue.message }],
  );
}

/**
 * A parsed document checked against the manifest schema, its languages, the execution limits and its
 * cross-references; ManifestInvalid names every problem as `path: reason`. Apart from parse.ts, so a
 * function that checks a document it already holds (a developed episode) bundles no YAML parser.
 */
export function validateManifest(document: unknown): SeriesManifest {
  const result = ManifestSchema.safeParse(document, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined),
  });
  const problems = [
    ...(result.success
      ? [
          ...languageProblems(result.data),
          ...executionLimitProblems(result.data),
          ...nativeVoiceManifestProblems(result.data),
        ]
      : problemsFromZod(result.error)),
    ...crossReferenceProblems(document),
  ];
  if (problems.length > 0 || !result.success) throw new ManifestInvalid(problems);
  return result.data;
}
