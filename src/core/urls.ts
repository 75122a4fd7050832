/** Thrown when a setting would make the token travel somewhere unsafe. */
export class UnsafeSettingError extends Error {}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Accepts https URLs, and plain http only for loopback hosts (a local fake or proxy), so the token
 * never crosses a network in clear text. Returns the URL without a trailing slash.
 */
export function checkApiUrl(setting: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UnsafeSettingError(`The setting ${setting} is not a valid URL.`);
  }
  if (url.username || url.password) {
    throw new UnsafeSettingError(`The setting ${setting} must not contain a user name or password.`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    throw new UnsafeSettingError(
      `The setting ${setting} must use https:// (plain http:// is allowed only for localhost).`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UnsafeSettingError(`The setting ${setting} must be an https:// URL.`);
  }
  return url.toString().replace(/\/+$/, '');
}

/** Codemagic's web page of a build. */
export function buildPageUrl(appId: string, buildId: string): string {
  return `https://codemagic.io/app/${encodeURIComponent(appId)}/build/${encodeURIComponent(buildId)}`;
}

/** Codemagic's web page of an app (its builds). */
export function appPageUrl(appId: string): string {
  return `https://codemagic.io/app/${encodeURIComponent(appId)}`;
}
