/**
 * Where a login may send the user next: only a path of this app. The value is judged the way a
 * browser would read it, not as the text it looks like:
 * - browsers drop tabs and newlines inside URLs and read `\` as `/`, so `/\t/evil.example` and
 *   `/\/evil.example` both lead to evil.example: control characters, whitespace (any Unicode
 *   space, and the invisible format characters) and backslashes are refused anywhere;
 * - the value is checked again after percent-decoding (`/%2F/evil.example`) and after Unicode
 *   compatibility folding (the full-width solidus `／` folds to `/`);
 * - a `//` at the start (protocol-relative) and an `@` in the path are refused;
 * - finally the path is resolved against the app's origin with the WHATWG URL parser and must keep
 *   that origin. The answer is the parser's own serialisation (ASCII only, percent-encoded), so a
 *   Location header built from it can never carry a character Node refuses (which was a 500).
 */

/** A stand-in origin: only "is it still this origin?" matters, not the real host name. */
const APP_ORIGIN = 'https://app.invalid';
const FALLBACK = '/';
const MAX_LENGTH = 2048;

/** C0/C1 controls, DEL, every Unicode space and line/paragraph separator, zero-width and bidi marks. */
const FORBIDDEN =
  /[\u0000-\u0020\u007f-\u00a0\u00ad\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\\]/;

/**
 * One reading of the value: starts with one `/`, no `@`, backslash, control or space in its path. The
 * raw value is held to that everywhere (query included); decoded readings only in the path, where
 * they could move the origin (a decoded space in a search term is harmless and stays encoded).
 */
function plausible(text: string, whole: boolean): boolean {
  const path = text.split(/[?#]/, 1)[0];
  if (FORBIDDEN.test(whole ? text : path) || !path.startsWith('/') || path.startsWith('//')) {
    return false;
  }
  return !path.includes('@');
}

/** The value and what it decodes and folds to, up to a few rounds of percent-decoding. */
function readings(next: string): string[] | undefined {
  const seen = [next, next.normalize('NFKC')];
  let current = next;
  for (let round = 0; round < 3; round += 1) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return undefined; // a malformed escape: no browser reading to trust
    }
    if (decoded === current) {
      break;
    }
    seen.push(decoded, decoded.normalize('NFKC'));
    current = decoded;
  }
  return seen;
}

/** Only same-origin paths may be a post-login destination (no open redirect); anything else is `/`. */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > MAX_LENGTH) {
    return FALLBACK;
  }
  const all = readings(next);
  if (!all || !all.every((reading, index) => plausible(reading, index === 0))) {
    return FALLBACK;
  }
  let url: URL;
  try {
    url = new URL(next, APP_ORIGIN);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== APP_ORIGIN || url.username !== '' || url.password !== '') {
    return FALLBACK;
  }
  // Back to the login form would loop.
  return url.pathname.startsWith('/login') ? FALLBACK : `${url.pathname}${url.search}${url.hash}`;
}
