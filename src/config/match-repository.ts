/**
 * Matches repository names against an assignment's `repository:` pattern. `{login}` stands for the
 * student's GitHub login (captured), `*` for any run of characters; everything else is literal and
 * the match is case-insensitive, as GitHub repository names are.
 */

/** GitHub logins: alphanumerics and single hyphens, at most 39 characters. */
const LOGIN = '([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))';

/** Compiles a pattern such as `milestone-4-{login}` to an anchored regular expression. */
export function repositoryPatternToRegExp(pattern: string): RegExp {
  let source = '';
  for (const part of pattern.split(/(\{login\}|\*)/)) {
    if (part === '{login}') source += LOGIN;
    else if (part === '*') source += '.*';
    else source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

/** The login captured from `name`, `''` when the pattern matches without `{login}`, or undefined. */
export function matchRepository(pattern: string, name: string): string | undefined {
  const match = repositoryPatternToRegExp(pattern).exec(name);
  if (!match) return undefined;
  return match[1] ?? '';
}
