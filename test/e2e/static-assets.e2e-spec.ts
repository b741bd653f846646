import { get, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync } from 'node:zlib';
import request from 'supertest';
import { assetFingerprint } from '../../src/common/http/static-assets.js';
import { listen } from '../helpers/browser.js';
import { anonymousSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';

/** The bytes as they travel (no client that decompresses on its own), and the headers. */
function raw(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
    }).on('error', reject);
  });
}

/**
 * Pages and static files travel compressed, and the files a page links carry their content hash
 * in the URL so the browser keeps them for a year: the layout links /static/…?<hash>, that URL
 * answers immutable, any other static URL is revalidated, and HTML goes out brotli-compressed.
 */
describe('Static assets: fingerprinted, cached and compressed', () => {
  let testApp: TestApp;
  let baseUrl: string;
  const fetchRaw = (path: string, encoding = 'identity', cookie = '') =>
    raw(`${baseUrl}${path}`, {
      'Accept-Encoding': encoding,
      ...(cookie ? { Cookie: cookie } : {}),
    });

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should link fingerprinted assets and serve them immutable and compressed', async () => {
    const page = await request(testApp.server).get('/login');
    const css = `/static/css/app.css?${assetFingerprint('css/app.css')}`;
    const htmx = `/static/vendor/htmx/htmx.min.js?${assetFingerprint('vendor/htmx/htmx.min.js')}`;
    expect(page.text).toContain(`href="${css}"`);
    expect(page.text).toContain(`src="${htmx}"`);
    expect(page.text).toMatch(/src="\/static\/js\/app\.js\?[0-9a-f]{12}"/);

    const fingerprinted = await fetchRaw(css, 'br, gzip');
    expect(fingerprinted.status).toBe(200);
    expect(fingerprinted.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(fingerprinted.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(fingerprinted.body).toString()).toContain('.skip-link');

    const gzip = await fetchRaw(htmx, 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');

    for (const path of ['/static/css/app.css', '/static/css/app.css?000000000000']) {
      const plain = await fetchRaw(path);
      expect({ path, status: plain.status, cache: plain.headers['cache-control'] }).toEqual({
        path,
        status: 200,
        cache: 'no-cache',
      });
    }
    expect((await fetchRaw('/static/favicon.svg')).headers['cache-control']).toBe(
      'public, max-age=86400',
    );
  });

  it('should compress pages and fragments, and leave Excel files alone', async () => {
    const office = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    const anonymous = await anonymousSession(testApp.server);
    const loggedIn = await anonymous.post('/login', {
      mobile: office.mobile,
      password: office.password,
    });
    const cookie = ([] as string[])
      .concat(loggedIn.headers['set-cookie'] ?? [])
      .map((line) => line.split(';')[0])
      .join('; ');
    const page = await fetchRaw('/demands', 'br', cookie);
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-store');
    const html = brotliDecompressSync(page.body).toString();
    expect(html).toContain('改革需求台账');
    expect(page.body.length).toBeLessThan(html.length / 3);

    const identity = await fetchRaw('/demands', 'identity', cookie);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.toString()).toContain('改革需求台账');

    const excel = await fetchRaw('/demands/export', 'br', cookie);
    expect(excel.status).toBe(200);
    expect(excel.headers['content-encoding']).toBeUndefined();
    expect(excel.body.subarray(0, 2).toString()).toBe('PK');
  });
});
