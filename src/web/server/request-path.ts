/**
 * The request target, checked before any route sees it. Only origin-form targets ("/a/b") pass;
 * the path is percent-decoded once and must then be plain segments: no "." or "..", no empty
 * segment but a trailing one, no backslash, NUL or other control character. Encoded "/", "\"
 * and NUL are refused before decoding so that a decoded segment can never hide a separator.
 * The query string is ignored (no route takes parameters).
 */
export const MAX_URL_LENGTH = 2048;

export type RequestPath = { ok: true; path: string } | { ok: false; status: number; reason: string };

export function requestPath(url: string | undefined): RequestPath {
  const fail = (status: number, reason: string): RequestPath => ({ ok: false, status, reason });
  if (!url) return fail(400, 'empty request target');
  if (url.length > MAX_URL_LENGTH) return fail(414, `request target longer than ${MAX_URL_LENGTH} characters`);
  // Absolute-form ("http://host/...") and asterisk-form targets are for proxies and OPTIONS.
  if (!url.startsWith('/')) return fail(400, 'request target must be a path starting with /');
  const end = url.search(/[?#]/);
  const raw = end === -1 ? url : url.slice(0, end);
  if (/%(?![0-9A-Fa-f]{2})/.test(raw)) return fail(400, 'bad percent-encoding');
  if (/%(2f|5c|00)/i.test(raw)) return fail(400, 'encoded /, \\ or NUL in the path');
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return fail(400, 'percent-encoding is not UTF-8');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(path)) return fail(400, 'backslash or control character in the path');
  const segments = path.split('/').slice(1);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s === '.' || s === '..') return fail(400, 'dot segment in the path');
    if (s === '' && i < segments.length - 1) return fail(400, 'empty segment in the path');
  }
  return { ok: true, path };
}
