/** Small HTTP helpers for the bench: log in through the real form once and reuse the cookie. */

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
}

/** Logs in as a browser would (GET the form for the CSRF cookie and token, POST it) and returns the Cookie header. */
export async function login(baseUrl: string, mobile: string, password: string): Promise<string> {
  const form = await fetch(`${baseUrl}/login`);
  const html = await form.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) {
    throw new Error(`No CSRF token on ${baseUrl}/login (status ${form.status})`);
  }
  const preCookies = cookiesOf(form);
  const response = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Cookie: preCookies.join('; '),
    },
    body: new URLSearchParams({ _csrf: token, mobile, password }).toString(),
  });
  const session = cookiesOf(response);
  if (response.status >= 400 || session.length === 0) {
    throw new Error(`Login as ${mobile} failed with ${response.status}`);
  }
  return [...preCookies, ...session].join('; ');
}

export async function getText(
  url: string,
  cookie?: string,
): Promise<{ status: number; body: string; contentType: string }> {
  const response = await fetch(url, { headers: cookie ? { Cookie: cookie } : {} });
  return {
    status: response.status,
    body: await response.text(),
    contentType: response.headers.get('content-type') ?? 'text/html; charset=utf-8',
  };
}

/** Waits until the server answers (any status) or the time runs out. */
export async function waitForServer(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
