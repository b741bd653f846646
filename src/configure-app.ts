import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { join } from 'node:path';
import { parse as parseQueryString } from 'node:querystring';
import { ANONYMOUS_CSRF_COOKIE, csrfRejection, newCsrfToken } from './auth/csrf.js';
import { ROLE_LABELS } from './auth/roles.js';
import { readSessionCookie } from './auth/session-cookie.js';
import { SessionStore } from './auth/session.store.js';
import { registerEventLoopProbe } from './common/http/event-loop-probe.js';
import { takeFlash } from './common/http/flash.js';
import { isHtmx } from './common/htmx/htmx-request.js';
import { NODE_MODULES, PUBLIC_ROOT, VIEWS_ROOT } from './common/paths.js';
import { createHandlebarsEngine } from './common/views/handlebars-engine.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { buildNavigation } from './home/navigation.js';
import { NavigationBadges } from './workflow/navigation-badges.js';

export const HTMX_SCRIPT = '/static/vendor/htmx/htmx.min.js';

/**
 * Everything the HTTP layer needs besides the Nest modules: plugins, views, static files, security
 * headers, the session and CSRF hooks. Shared by main.ts and the tests so both run the same app.
 */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const config = app.get<AppConfig>(APP_CONFIG);
  const sessions = app.get(SessionStore);
  const badges = app.get(NavigationBadges);

  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, {
    bodyLimit: 2 * 1024 * 1024,
    parser: (body: string) => parseQueryString(body),
  });
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.upload.maxFileBytes, files: 20, fields: 200, parts: 220 },
  });
  await app.register(fastifyHelmet, {
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
  await app.register(fastifyStatic, {
    root: PUBLIC_ROOT,
    prefix: '/static/',
    maxAge: config.production ? '1d' : 0,
  });
  await app.register(fastifyStatic, {
    root: join(NODE_MODULES, 'htmx.org', 'dist'),
    prefix: '/static/vendor/htmx/',
    decorateReply: false,
    maxAge: '7d',
  });
  await app.register(fastifyStatic, {
    root: join(NODE_MODULES, 'chart.js', 'dist'),
    prefix: '/static/vendor/chart.js/',
    decorateReply: false,
    maxAge: '7d',
  });
  await app.register(fastifyView, {
    engine: { handlebars: createHandlebarsEngine(VIEWS_ROOT) },
    root: VIEWS_ROOT,
    production: config.production,
    defaultContext: { appName: '改革报表填报系统', htmxScript: HTMX_SCRIPT },
  });

  const fastify = app.getHttpAdapter().getInstance();
  if (config.benchEventLoop) {
    registerEventLoopProbe(fastify);
  }

  // Who is asking: the session cookie, checked against the database on every request.
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/static/')) {
      return;
    }
    const sessionId = readSessionCookie(request, config);
    if (sessionId) {
      // A whole page (GET, not htmx) shows the navigation: its counts come with the session.
      request.auth = await sessions.load(sessionId, {
        badges: request.method === 'GET' && !isHtmx(request),
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
    if (request.url.startsWith('/static/')) {
      return;
    }
    if (csrfRejection(request)) {
      reply.code(403).header('Cache-Control', 'no-store');
      return reply.view('errors/error.hbs', {
        status: 403,
        title: '页面已过期',
        message: '页面已过期或请求来源不可信，请刷新页面后重试。',
      });
    }
    const auth = request.auth;
    reply.header('Vary', 'HX-Request, HX-Request-Type');
    if (auth) {
      reply.header('Cache-Control', 'no-store');
    }
    // Only whole pages show the navigation (not while a login step is pending), so fragments skip its counts.
    const fullPage = Boolean(auth && !auth.pendingStep && !isHtmx(request));
    const counts = fullPage && auth ? (auth.badges ?? (await badges.count(auth.user))) : undefined;
    reply.locals = {
      csrfToken: auth?.csrfToken ?? request.anonymousCsrfToken,
      currentUser: auth
        ? {
            name: auth.user.name,
            unitName: auth.user.unitName,
            roleLabels: auth.user.roles.map((role) => ROLE_LABELS[role]).join('、'),
            pending: auth.pendingStep !== undefined,
          }
        : undefined,
      nav: fullPage && auth ? buildNavigation(auth.user, request.url, counts) : [],
      flash: request.method === 'GET' && !isHtmx(request) ? takeFlash(request, reply) : undefined,
    };
  });
}
