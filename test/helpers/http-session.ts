import type { Server } from 'node:http';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';

/** A browser-like client: keeps cookies and the page's CSRF token. */
export interface HttpSession {
  agent: TestAgent;
  csrfToken: string;
  /** POST a urlencoded form with the CSRF token added. */
  post(url: string, form?: Record<string, string | string[]>): request.Test;
  /** An htmx request: HX-Request headers and the token in X-CSRF-Token. */
  htmx(
    method: 'get' | 'post' | 'delete',
    url: string,
    form?: Record<string, string | string[]>,
  ): request.Test;
}

export function extractCsrfToken(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html) ?? /"X-CSRF-Token": "([^"]+)"/.exec(html);
  if (!match) {
    throw new Error('No CSRF token in page');
  }
  return match[1];
}

function withToken(form: Record<string, string | string[]> | undefined, token: string) {
  return { ...(form ?? {}), _csrf: token };
}

export async function anonymousSession(server: Server): Promise<HttpSession> {
  const agent = request.agent(server);
  const page = await agent.get('/login');
  return sessionFor(agent, extractCsrfToken(page.text));
}

function sessionFor(agent: TestAgent, csrfToken: string): HttpSession {
  const session: HttpSession = {
    agent,
    csrfToken,
    post: (url, form) => agent.post(url).type('form').send(withToken(form, session.csrfToken)),
    htmx: (method, url, form) => {
      const test = agent[method](url)
        .set('HX-Request', 'true')
        .set('HX-Request-Type', 'partial')
        .set('X-CSRF-Token', session.csrfToken);
      return form ? test.type('form').send(form) : test;
    },
  };
  return session;
}

/** Logs in through the real form and returns a session carrying the new CSRF token. */
export async function login(
  server: Server,
  mobile: string,
  password: string,
): Promise<HttpSession> {
  const session = await anonymousSession(server);
  const response = await session.post('/login', { mobile, password });
  if (response.status !== 303) {
    throw new Error(`Login of ${mobile} failed with ${response.status}`);
  }
  const page = await session.agent.get(
    response.headers.location === '/account/password' ? '/account/password' : '/',
  );
  session.csrfToken = extractCsrfToken(page.text);
  return session;
}

/**
 * One logged-in session per user for a whole test file: the returned `as(user)` logs the user in
 * on first use and gives the same session after. `server` is read at that first use (the app is
 * started in beforeAll).
 */
export function sessionsByUser(
  server: () => Server,
): (user: { mobile: string; password: string }) => Promise<HttpSession> {
  const sessions = new Map<string, Promise<HttpSession>>();
  return (user) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = login(server(), user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
}

/** The message a page shows next to a field (`partials/_field-error`), undefined when none. */
export function fieldError(html: string, field: string): string | undefined {
  return new RegExp(`<p class="field-error" id="${field}-error">([^<]*)</p>`).exec(html)?.[1];
}
