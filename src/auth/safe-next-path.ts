/** Only same-site paths may be a post-login destination (no open redirect). */
export function safeNextPath(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) && !next.startsWith('/login')
    ? next
    : '/';
}
