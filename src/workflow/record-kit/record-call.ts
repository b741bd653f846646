import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../../auth/auth.decorators.js';
import { UuidPipe } from '../../common/http/params.js';

/** The caller of a route on one record, and that record's id. */
export interface RecordCall extends Caller {
  id: string;
}

/**
 * `@OnRecord() { id, user }: RecordCall`: `@Param('id', UuidPipe)` and `@Call()` in one parameter,
 * for the routes of a record's page (show, edit, update, the actions on it). The path parameter
 * (`id` unless named) is checked as UuidPipe checks it: anything but a UUID is a 400.
 */
export const OnRecord = createParamDecorator(
  (name: string | undefined, context: ExecutionContext): RecordCall => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const user = request.auth?.user;
    if (!user) {
      throw new Error('OnRecord used on a public route');
    }
    const params = request.params as Record<string, unknown>;
    return {
      id: new UuidPipe(name).transform(params[name ?? 'id']),
      user,
      ip: request.ip,
      body: (request.body ?? {}) as Record<string, unknown>,
      query: request.query as Record<string, string>,
      request,
    };
  },
);
