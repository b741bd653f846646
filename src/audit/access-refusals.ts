import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ProcessInterval } from '../common/time/process-interval.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { returningRows } from '../database/sql.js';
import { COUNT_REFUSAL, TAKE_CLOSED_MINUTES } from './access-refusals.queries.js';
import { AuditService } from './audit.service.js';

export type RefusalKind = 'access_denied' | 'csrf_rejected';

interface ClosedMinute {
  kind: RefusalKind;
  actor_id: string | null;
  method: string;
  route: string;
  status: number;
  count: number;
  first_path: string;
  ip: string | null;
  request_id: string | null;
  minute: string;
}

/**
 * Refused requests in the audit log (等保 L3 security events) without letting a probe flood it:
 * each refusal (403, the data scope's 404 on a known route, a CSRF refusal) adds 1 to a counter
 * row per kind, actor (user, or IP when anonymous), route and minute in PostgreSQL; once the minute
 * is over, the row becomes one audit row with the count (every minute, on whichever instance
 * gets there first). Nothing is kept in process memory.
 */
@Injectable()
export class AccessRefusals extends ProcessInterval {
  private readonly logger = new Logger('AccessRefusals');

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  protected intervalMs(): number {
    return Math.max(0, this.config.audit.refusalFlushSeconds) * 1000;
  }

  protected async run(): Promise<void> {
    await this.flush();
  }

  /**
   * Counts one refusal of this request. A 404 counts only on a route that exists (a record outside
   * the user's scope answers 404 there); unknown URLs are not security events. Never throws.
   */
  async note(kind: RefusalKind, request: FastifyRequest, status: number): Promise<void> {
    const route = request.routeOptions?.url;
    if (status === 404 && !route) {
      return;
    }
    const user = request.auth?.user;
    this.logger.log(
      `[${request.id}] ${kind} ${status} ${request.method} ${route ?? request.url}` +
        (user ? ` user ${user.id}` : ` ip ${request.ip}`),
    );
    try {
      await this.dataSource.query(COUNT_REFUSAL, [
        kind,
        user ? user.id : `ip:${request.ip}`.slice(0, 80),
        user?.id ?? null,
        request.method.slice(0, 10),
        (route ?? '(未知路由)').slice(0, 200),
        status,
        // The path only: a query string may carry a token (multipart forms send _csrf there).
        request.url.split('?')[0].slice(0, 300),
        request.ip?.slice(0, 64) ?? null,
        request.id,
      ]);
    } catch (error) {
      this.logger.error(
        `[${request.id}] refusal not counted: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Moves every minute that ended before `upTo` (default: now) into the audit log. */
  async flush(upTo: Date = new Date()): Promise<number> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const rows = await returningRows<ClosedMinute>(manager, TAKE_CLOSED_MINUTES, [upTo]);
        for (const row of rows) {
          await this.audit.record(
            {
              action: row.kind,
              result: 'failure',
              actorId: row.actor_id ?? undefined,
              target: { type: 'route', id: row.route, label: `${row.method} ${row.route}` },
              detail: {
                status: row.status,
                count: row.count,
                minute: row.minute,
                path: row.first_path,
              },
              ip: row.ip ?? undefined,
              requestId: row.request_id ?? undefined,
            },
            manager,
          );
        }
        return rows.length;
      });
    } catch (error) {
      this.logger.error(
        `Flush of refusals failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 0;
    }
  }
}
