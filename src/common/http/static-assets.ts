import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { NODE_MODULES, PUBLIC_ROOT } from '../paths.js';

/**
 * Fingerprinted URLs for the files under /static/: `{{asset "css/app.css"}}` gives
 * `/static/css/app.css?<first 12 hex digits of the file's SHA-256>` (no "=": nothing for the
 * template to escape). A URL that carries the
 * current fingerprint may be cached for a year as immutable (the content behind it never
 * changes: a new file has a new URL); any other /static/ URL must be revalidated.
 */

/** Where each /static/ prefix lives on disk (the same mapping as the static file plugins). */
export const STATIC_ROOTS: readonly { prefix: string; root: string }[] = [
  { prefix: 'vendor/htmx/', root: join(NODE_MODULES, 'htmx.org', 'dist') },
  { prefix: 'vendor/chart.js/', root: join(NODE_MODULES, 'chart.js', 'dist') },
  { prefix: '', root: PUBLIC_ROOT },
];

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** The icon keeps its plain URL (browsers look for it by name): a day. */
export const ICON_CACHE = 'public, max-age=86400';
/** Unfingerprinted static URLs: cached, but asked again (a 304 when unchanged). */
export const REVALIDATE_CACHE = 'no-cache';

/** Per path the templates name: its file and that file's fingerprint. */
const fingerprints = new Map<
  string,
  { file: string; mtimeMs: number; size: number; hash: string; checkedAt: number }
>();
/** How long a fingerprint is used without looking at its file again. */
const RECHECK_MS = 1000;

/** The file behind a path under /static/ ("css/app.css"), or undefined outside the roots. */
export function staticFile(path: string): string | undefined {
  const clean = normalize(path.replace(/^\/+/, ''));
  if (clean.startsWith('..') || clean.includes(`${sep}..${sep}`)) {
    return undefined;
  }
  const mount = STATIC_ROOTS.find(({ prefix }) => clean.startsWith(prefix));
  return mount ? join(mount.root, clean.slice(mount.prefix.length)) : undefined;
}

/**
 * The content fingerprint of a file under /static/, or undefined when there is no such file.
 * Cached per path (its file resolved once) and recomputed when the file changes: the file is
 * looked at again (a stat) at most once a second, so a development server that edits public/ gets
 * new URLs within a second while a page with a dozen assets costs no system call.
 */
export function assetFingerprint(path: string): string | undefined {
  const now = Date.now();
  const known = fingerprints.get(path);
  if (known && now - known.checkedAt < RECHECK_MS) {
    return known.hash;
  }
  const file = known?.file ?? staticFile(path);
  if (!file) {
    return undefined;
  }
  let stat;
  try {
    stat = statSync(file);
  } catch {
    fingerprints.delete(path);
    return undefined;
  }
  if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) {
    known.checkedAt = now;
    return known.hash;
  }
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
  fingerprints.set(path, { file, mtimeMs: stat.mtimeMs, size: stat.size, hash, checkedAt: now });
  return hash;
}

/** `{{asset "css/app.css"}}`: the fingerprinted URL; a missing file is an error at render time. */
export function assetUrl(path: string): string {
  const hash = assetFingerprint(path);
  if (!hash) {
    throw new Error(`No static file ${path} (asset helper)`);
  }
  return `/static/${path.replace(/^\/+/, '')}?${hash}`;
}

/** The Cache-Control for a /static/ request: immutable only when its query is the current hash. */
export function staticCacheControl(url: string): string {
  const [pathname, version = ''] = url.split('?');
  if (!version) {
    return pathname === '/static/favicon.svg' ? ICON_CACHE : REVALIDATE_CACHE;
  }
  let path: string;
  try {
    path = decodeURIComponent(pathname.replace(/^\/static\//, ''));
  } catch {
    return REVALIDATE_CACHE;
  }
  return assetFingerprint(path) === version ? IMMUTABLE_CACHE : REVALIDATE_CACHE;
}
