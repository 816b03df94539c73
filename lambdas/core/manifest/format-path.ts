const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** `episodes[0].scenes[2].characters[1]`; a key that is not a plain name is quoted: `characters[0][""]`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out === '' ? '(root)' : out;
}
