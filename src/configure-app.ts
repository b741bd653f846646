import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { join } from 'node:path';
import { constants as zlibConstants } from 'node:zlib';
import { ANONYMOUS_CSRF_COOKIE, csrfRejection, newCsrfToken } from './auth/csrf.js';
import { ROLE_LABELS } from './auth/roles.js';
import { readSessionCookie } from './auth/session-cookie.js';
import { SessionStore } from './auth/session.store.js';
import { parseFormBody, parseJsonBody } from './common/http/body-limits.js';
import { registerEventLoopProbe } from './common/http/event-loop-probe.js';
import { securityHeaders } from './common/http/security-headers.js';
import { takeFlash } from './common/http/flash.js';
import { isHtmx, isPartial } from './common/htmx/htmx-request.js';
import { parsePage } from './common/http/pagination.js';
import { NODE_MODULES, PUBLIC_ROOT, VIEWS_ROOT } from './common/paths.js';
import { staticCacheControl } from './common/http/static-assets.js';
import { createHandlebarsEngine } from './common/views/handlebars-engine.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { HEALTH_PATHS } from './home/health.controller.js';
import { buildNavigation } from './home/navigation.js';
import { NavigationBadges } from './workflow/navigation-badges.js';
import { FormSubmissions, onceTokenOf } from './common/forms/form-submissions.js';
import { setFlash } from './common/http/flash.js';
import { seeOther } from './common/htmx/htmx-request.js';
import { loginUrlFor } from './common/http/html-exception.filter.js';
import { runWithRequestId } from './common/http/request-context.js';
import { AccessRefusals } from './audit/access-refusals.js';
import { AuditService } from './audit/audit.service.js';
import { filesFormOf, FormUploads, MAX_FILES_PER_REQUEST } from './attachments/form-uploads.js';

export const HTMX_SCRIPT = '/static/vendor/htmx/htmx.min.js';

/** The unfiltered 待办 (any page): its query also counts what waits for the user (the badge). */
const INBOX_COUNTS_ITSELF = /^\/inbox(?:\?page=(\d{1,9}))?$/;

/**
 * Everything the HTTP layer needs besides the Nest modules: plugins, views, static files, security
 * headers, the session and CSRF hooks. Shared by main.ts and the tests so both run the same app.
 */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const config = app.get<AppConfig>(APP_CONFIG);
  const sessions = app.get(SessionStore);
  const badges = app.get(NavigationBadges);
  const formSubmissions = app.get(FormSubmissions);
  const refusals = app.get(AccessRefusals);
  const audit = app.get(AuditService);
  const formUploads = app.get(FormUploads);
  const fastify = app.getHttpAdapter().getInstance();

  // First of all: the request's id (genReqId, bootstrap.ts) in the answer's header and, for code
  // far from the request (the audit log), in the async context of everything that follows.
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    reply.header('X-Request-Id', request.id);
    runWithRequestId(request.id, done);
  });

  // Pages, fragments, CSS and scripts leave compressed (brotli, else gzip) when the browser
  // accepts it; files that are compressed already (xlsx, docx, pdf, images) and uploads are left
  // alone, and request bodies are never inflated (no zip bomb through Content-Encoding).
  await app.register(fastifyCompress, {
    global: true,
    globalDecompression: false,
    encodings: ['br', 'gzip'],
    threshold: 1024,
    customTypes: /^text\/(?!event-stream)|^application\/(?:javascript|json)|^image\/svg\+xml/,
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 6 } },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, {
    bodyLimit: 2 * 1024 * 1024,
    parser: (body: string) => parseFormBody(body),
  });
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: config.upload.maxFileBytes,
      files: MAX_FILES_PER_REQUEST,
      fields: 200,
      parts: 220,
    },
  });
  // Helmet's headers on every answer (a route may replace one, e.g. a download's sandbox CSP).
  const helmetHeaders = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    hsts: config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  fastify.addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done) => {
    reply.headers(helmetHeaders);
    done();
  });
  // Cache-Control of static files is set below from the URL's fingerprint (static-assets.ts).
  await app.register(fastifyStatic, {
    root: PUBLIC_ROOT,
    prefix: '/static/',
    cacheControl: false,
  });
  await app.register(fastifyStatic, {
    root: join(NODE_MODULES, 'htmx.org', 'dist'),
    prefix: '/static/vendor/htmx/',
    decorateReply: false,
    cacheControl: false,
  });
  await app.register(fastifyStatic, {
    root: join(NODE_MODULES, 'chart.js', 'dist'),
    prefix: '/static/vendor/chart.js/',
    decorateReply: false,
    cacheControl: false,
  });
  await app.register(fastifyView, {
    engine: { handlebars: createHandlebarsEngine(VIEWS_ROOT) },
    root: VIEWS_ROOT,
    production: config.production,
    defaultContext: { appName: '改革报表填报系统', htmxScript: HTMX_SCRIPT },
  });

  // A fingerprinted URL (/static/css/app.css?<hash of the file>) never changes content: a year,
  // immutable, so a warm page asks for nothing but itself. Any other static URL is revalidated.
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/static/') && reply.statusCode < 400) {
      reply.header('Cache-Control', staticCacheControl(request.url));
    }
  });
  // JSON with a depth cap (body-limits.ts) instead of Fastify's parser, which takes any depth.
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 },
    (
      _request: FastifyRequest,
      body: string | Buffer,
      done: (error: Error | null, value?: unknown) => void,
    ) => {
      try {
        done(null, parseJsonBody(String(body)));
      } catch (error) {
        done(error as Error);
      }
    },
  );
  if (config.benchEventLoop) {
    registerEventLoopProbe(fastify);
  }

  // Who is asking: the session cookie, checked against the database on every request.
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/static/') || HEALTH_PATHS.test(request.url)) {
      return;
    }
    const sessionId = readSessionCookie(request, config);
    if (sessionId) {
      // A whole page (GET, not htmx) shows the navigation: its counts come with the session,
      // but for the 待办 page, whose own query counts what waits (InboxController).
      // That page's rows come with the session too: one round trip for the whole page.
      const wholePage = request.method === 'GET' && !isHtmx(request);
      const inbox = wholePage ? INBOX_COUNTS_ITSELF.exec(request.url) : null;
      request.auth = await sessions.load(sessionId, {
        badges: !wholePage ? undefined : inbox ? 'notifications' : 'all',
        inboxPage: inbox ? parsePage(inbox[1]) : undefined,
      });
    }
    if (!request.auth) {
      request.anonymousCsrfToken = request.cookies[ANONYMOUS_CSRF_COOKIE];
      if (!request.anonymousCsrfToken) {
        request.anonymousCsrfToken = newCsrfToken();
        reply.setCookie(ANONYMOUS_CSRF_COOKIE, request.anonymousCsrfToken, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: config.secureCookies,
        });
      }
    }
  });

  // CSRF after the body is parsed; then what every page needs: the user, the navigation, the flash.
  fastify.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/static/') || HEALTH_PATHS.test(request.url)) {
      return;
    }
    if (csrfRejection(request)) {
      // A form sent after its session ended (idle timeout, logout elsewhere) carries the old
      // session's token: lead to the login page and back to the form's page, where the browser
      // puts back what was typed (public/js/forms.js), instead of "页面已过期". Nothing is done.
      if (
        !request.auth &&
        readSessionCookie(request, config) &&
        request.headers['sec-fetch-site'] !== 'cross-site'
      ) {
        return seeOther(request, reply, loginUrlFor(request));
      }
      await refusals.note('csrf_rejected', request, 403);
      reply.code(403).header('Cache-Control', 'no-store');
      return reply.view('errors/error.hbs', {
        status: 403,
        title: '页面已过期',
        message: '页面已过期或请求来源不可信，请刷新页面后重试。',
        correlationId: request.id,
      });
    }
    const auth = request.auth;
    reply.header('Vary', 'HX-Request, HX-Request-Type');
    if (auth) {
      reply.header('Cache-Control', 'no-store');
    }
    // Only whole pages show the navigation (not while a login step is pending), so fragments skip its
    // counts. An htmx request for a whole page (HX-Request-Type: full, e.g. a record page re-rendered
    // after a workflow action) gets them, and the flash, like a page load.
    const fullPage = Boolean(auth && !auth.pendingStep && !isPartial(request));
    const counts = fullPage && auth ? (auth.badges ?? (await badges.count(auth.user))) : undefined;
    const nav = fullPage && auth ? buildNavigation(auth.user, request.url, counts) : [];
    request.navigation = nav;
    reply.locals = {
      csrfToken: auth?.csrfToken ?? request.anonymousCsrfToken,
      currentUser: auth
        ? {
            id: auth.user.id,
            name: auth.user.name,
            unitName: auth.user.unitName,
            roleLabels: auth.user.roles.map((role) => ROLE_LABELS[role]).join('、'),
            pending: auth.pendingStep !== undefined,
          }
        : undefined,
      idleMinutes: config.session.idleMinutes,
      nav,
      flash:
        request.method === 'GET' && !isPartial(request) ? takeFlash(request, reply) : undefined,
    };
    // A form with files posted without JavaScript (multipart, its token checked above from the
    // action URL): its files are stored as the upload endpoint stores them and the body becomes
    // the fields with the files' ids, what the handler reads from the urlencoded form today.
    const filesForm = auth && !auth.pendingStep ? filesFormOf(request) : undefined;
    if (filesForm && auth) {
      request.body = await formUploads.read(request, auth.user, filesForm);
    }
    // A filing form is saved once: a second submission of the same form is led to the record.
    const onceToken =
      request.method === 'POST' && auth && !auth.pendingStep
        ? onceTokenOf(request.body)
        : undefined;
    if (onceToken && auth) {
      const earlier = await formSubmissions.claim(onceToken, auth.user.id);
      if (earlier && 'location' in earlier) {
        setFlash(reply, 'info', '该表单已经提交过，没有重复保存；这是当时保存的记录。');
        return seeOther(request, reply, earlier.location);
      }
      if (earlier) {
        reply.code(409);
        return reply.view('errors/error.hbs', {
          status: 409,
          title: '正在保存',
          message: '该表单正在保存，请勿重复提交。',
          hint: '请稍候到“我的填报”中查看是否已保存。',
        });
      }
      request.onceToken = onceToken;
    }
  });

  // Every Excel download (streamExcel marks the request) in the audit log, with its filters and
  // the number of rows actually written, once the file has gone out.
  fastify.addHook('onResponse', async (request: FastifyRequest) => {
    const exported = request.excelExport;
    if (!exported) {
      return;
    }
    try {
      await audit.record({
        action: 'excel_exported',
        result: exported.complete ? 'success' : 'failure',
        actor: request.auth?.user,
        ip: request.ip,
        requestId: request.id,
        target: { type: 'export', id: exported.sheetName, label: exported.fileName },
        detail: {
          file: exported.fileName,
          rows: exported.rows,
          filters: exportFilters(request.url),
        },
      });
    } catch {
      // The file has been sent; a failed audit write is in the database's log.
    }
  });

  // After the handler: a saved form records where its record is; a refused one frees its token.
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    if (request.onceToken) {
      const location = reply.statusCode === 303 ? reply.getHeader('location') : undefined;
      await formSubmissions.settle(
        request.onceToken,
        typeof location === 'string' && location.startsWith('/') ? location : undefined,
      );
      request.onceToken = undefined;
    }
    return payload;
  });
}

/** The export's query parameters as the auditor reads them (decoded, without a CSRF token). */
function exportFilters(url: string): string {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return [...new URLSearchParams(query)]
    .filter(([key]) => key !== '_csrf')
    .map(([key, value]) => `${key}=${value}`)
    .join('&')
    .slice(0, 500);
}
