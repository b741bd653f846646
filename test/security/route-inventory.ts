import { Module, RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance, RouteOptions } from 'fastify';
import {
  ALLOWED_BEFORE_PASSWORD_CHANGE,
  PUBLIC_ROUTE,
  REQUIRED_ROLES,
} from '../../src/auth/auth.decorators.js';
import type { RoleCode } from '../../src/auth/roles.js';

/**
 * Every route the app serves, as Fastify registered it (an onRoute hook installed before Nest
 * adds its routes), joined with what Nest declares about each handler: its controller and the
 * auth decorators (@Public, @Roles, @AllowedBeforePasswordChange).
 */
export interface RouteInfo {
  /** "GET /demands/:id": the key of the route in the authorization matrix. */
  key: string;
  method: string;
  path: string;
  /** `DemandsController.show`, or the plugin that registered it (static files). */
  handler: string;
  /** What the decorators declare: public, any signed-in user, or these roles. */
  access: { kind: 'public' } | { kind: 'session' } | { kind: 'roles'; roles: RoleCode[] };
  allowedBeforePasswordChange: boolean;
}

const recorded: { method: string; url: string }[] = [];

function record(route: RouteOptions): void {
  for (const method of [route.method].flat()) {
    recorded.push({ method, url: route.url });
  }
}

/**
 * Imported into the app under test (createTestApp's extraImports): its provider is built while
 * Nest instantiates the modules, before configureApp registers plugins and app.init() registers
 * the controllers' routes, so the hook sees every route.
 */
export function routeRecorderModule(): DynamicModule {
  @Module({})
  class RouteRecorderModule {}
  return {
    module: RouteRecorderModule,
    providers: [
      {
        provide: 'ROUTE_RECORDER',
        inject: [HttpAdapterHost],
        useFactory: (host: HttpAdapterHost) => {
          recorded.length = 0;
          const fastify = host.httpAdapter.getInstance<FastifyInstance>();
          fastify.addHook('onRoute', record);
          return recorded;
        },
      },
    ],
  };
}

const METHOD_NAMES: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.DELETE]: 'DELETE',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.ALL]: 'ALL',
  [RequestMethod.OPTIONS]: 'OPTIONS',
  [RequestMethod.HEAD]: 'HEAD',
};

function joinPath(...parts: string[]): string {
  const joined = parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .join('/');
  return `/${joined}`;
}

function firstPath(value: unknown): string {
  if (Array.isArray(value)) {
    return String(value[0] ?? '');
  }
  return typeof value === 'string' ? value : '';
}

interface DeclaredRoute {
  handler: string;
  access: RouteInfo['access'];
  allowedBeforePasswordChange: boolean;
}

function metadata<T>(key: string, handler: object, controller: object): T | undefined {
  return (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as
    T | undefined;
}

/** Nest's view of the routes: controller path + handler path + method, and the auth metadata. */
function declaredRoutes(app: INestApplication): Map<string, DeclaredRoute> {
  const declared = new Map<string, DeclaredRoute>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) {
        continue;
      }
      const base = firstPath(Reflect.getMetadata(PATH_METADATA, controller));
      const prototype = controller.prototype as Record<string, unknown>;
      // Routes a controller inherits (the record kit's RecordFormRoutes) count as its own.
      const names = new Set<string>();
      for (
        let level: object | null = prototype;
        level !== null && level !== Object.prototype;
        level = Object.getPrototypeOf(level) as object | null
      ) {
        Object.getOwnPropertyNames(level).forEach((name) => names.add(name));
      }
      for (const name of names) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') {
          continue;
        }
        const path: unknown = Reflect.getMetadata(PATH_METADATA, handler);
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) {
          continue;
        }
        const isPublic = metadata<boolean>(PUBLIC_ROUTE, handler, controller) === true;
        const roles = metadata<RoleCode[]>(REQUIRED_ROLES, handler, controller);
        declared.set(`${METHOD_NAMES[method]} ${joinPath(base, firstPath(path))}`, {
          handler: `${controller.name}.${name}`,
          access: isPublic
            ? { kind: 'public' }
            : roles
              ? { kind: 'roles', roles }
              : { kind: 'session' },
          allowedBeforePasswordChange:
            metadata<boolean>(ALLOWED_BEFORE_PASSWORD_CHANGE, handler, controller) === true,
        });
      }
    }
  }
  return declared;
}

/**
 * The routes Fastify serves (HEAD twins of GET routes left out: the same handler answers them),
 * sorted by path, each with Nest's declaration. A Nest route Fastify does not know, or the
 * reverse for anything but the static file plugins, is an error: the inventory must be whole.
 */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const declared = declaredRoutes(app);
  const seen = new Set<string>();
  const routes: RouteInfo[] = [];
  const gets = new Set(recorded.filter((r) => r.method === 'GET').map((r) => r.url));
  for (const { method, url } of recorded) {
    if (method === 'HEAD' && gets.has(url)) {
      continue;
    }
    const path = url.length > 1 ? url.replace(/\/$/, '') : url;
    const key = `${method} ${path}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    const nest = declared.get(key);
    if (nest) {
      routes.push({ key, method, path, ...nest });
    } else if (path.startsWith('/static/')) {
      routes.push({
        key,
        method,
        path,
        handler: '@fastify/static',
        access: { kind: 'public' },
        allowedBeforePasswordChange: true,
      });
    } else {
      throw new Error(`Fastify serves ${key}, which no Nest controller declares`);
    }
  }
  for (const key of declared.keys()) {
    if (!seen.has(key)) {
      throw new Error(`Nest declares ${key}, which Fastify did not register`);
    }
  }
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return routes.sort((a, b) => order(a.path, b.path) || order(a.method, b.method));
}
