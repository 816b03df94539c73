/**
 * The one rewrite a prompt gets after a content-filter refusal, before the router
 * fails over. Drama outlines trip filters mostly through a handful of graphic words
 * used figuratively; those are softened, and the model is told the register wanted.
 */
const SOFTER: [RegExp, string][] = [
  [/\bblood(y|ied)?\b/gi, 'red'],
  [/\bkill(s|ed|ing)?\b/gi, 'defeat$1'],
  [/\bmurder(s|ed|ing)?\b/gi, 'betrayal'],
  [/\bgun(s)?\b/gi, 'object$1'],
  [/\bknife|knives\b/gi, 'tool'],
  [/\bnaked|nude\b/gi, 'unguarded'],
  [/\bsuicide\b/gi, 'despair'],
  [/\bcorpse(s)?\b/gi, 'still figure$1'],
];

export const CONTENT_POLICY_PREAMBLE =
  'Keep it suitable for a general audience: emotional, not graphic; no violence, gore or nudity shown.';

export function rewriteForContentPolicy(prompt: string): string {
  const softened = SOFTER.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), prompt);
  return `${CONTENT_POLICY_PREAMBLE}\n${softened}`;
}
