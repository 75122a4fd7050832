/** What a build is started from. */
export type BuildRef = { branch: string; tag?: undefined } | { tag: string; branch?: undefined };

export function refLabel(ref: { branch?: string; tag?: string }): string {
  return ref.tag ? `tag ${ref.tag}` : `branch ${ref.branch ?? '?'}`;
}

/**
 * Checks a branch or tag name the way git does, loosely: enough to catch typos before asking
 * Codemagic. Returns a message, or undefined when acceptable.
 */
export function checkRefName(name: string): string | undefined {
  if (!name.trim()) return 'The name cannot be empty.';
  if (/\s/.test(name)) return 'Git ref names cannot contain spaces.';
  if (/\.\.|[~^:?*[\\]|@\{|\/\/|^\/|\/$|\.lock$|^-/.test(name)) return `"${name}" is not a valid git ref name.`;
  return undefined;
}
