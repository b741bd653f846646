import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { returningRows } from '../database/sql.js';
import type { AuthContext } from './auth-context.js';
import { pendingStepFor } from './mfa-policy.js';
import type { RoleCode } from './roles.js';
import {
  INBOX_PAGE_SIZE,
  inboxPageSql,
  STEP_ENTERED_BY_SQL,
  type InboxSqlRow,
} from '../workflow/workflow-item.js';

/** How often a session's last_seen_at is written: idle expiry is precise to this much. */
const TOUCH_INTERVAL_SECONDS = 60;
/** A session waiting for the second factor lapses after this long (the code page is not a place to stay). */
export const SECOND_FACTOR_WAIT_MINUTES = 10;

interface SessionRow {
  id_hash: string;
  csrf_token: string;
  touch_due: boolean;
  awaiting_second_factor: boolean;
  totp_enrolled: boolean;
  password_expired: boolean;
  user_id: string;
  name: string;
  mobile: string;
  roles: string[];
  must_change_password: boolean;
  unit_id: number;
  unit_name: string;
  unit_kind: AuthContext['user']['unitKind'];
  unit_capabilities: string[];
  inbox?: number;
  notifications?: number;
  inbox_rows?: InboxSqlRow[];
}

/** The navigation's counts (待办, 消息), read with the session for whole pages: no extra round trip. */
const INBOX_BADGE_COLUMN = `,
              (SELECT count(*)::int FROM workflow_items wi
                WHERE wi.state = 'pending' AND wi.pending_unit_id = u.unit_id AND wi.pending_role = ANY(u.roles)
                  AND ${STEP_ENTERED_BY_SQL} IS DISTINCT FROM u.id) AS inbox`;
const NOTIFICATIONS_BADGE_COLUMN = `,
              (SELECT count(*)::int FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS notifications`;
/** The unfiltered 待办 page's rows ($7: the offset), read with the session: one round trip. */
const INBOX_ROWS_COLUMN = `,
              (SELECT coalesce(json_agg(r ORDER BY r.updated_at DESC, r.id), '[]'::json) FROM (
                ${inboxPageSql({ unitId: 'u.unit_id', roles: 'u.roles', id: 'u.id' }, 'true', String(INBOX_PAGE_SIZE), '$7')}
              ) r) AS inbox_rows`;

/** A live session of a user as the session list shows it. */
export interface SessionListRow {
  public_id: string;
  created_at: Date;
  last_seen_at: Date;
  ip: string | null;
  user_agent: string | null;
  awaiting_second_factor: boolean;
  current: boolean;
}

export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

/**
 * Server-side sessions in PostgreSQL, so that every app instance sees the same sessions and
 * logout, disabling a user or resetting a password ends them at once.
 */
@Injectable()
export class SessionStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly statements: PreparedStatements,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new session; `awaitingSecondFactor` makes it reach nothing but the code page until verified. */
  async create(
    userId: string,
    client: { ip?: string; userAgent?: string },
    options: { awaitingSecondFactor?: boolean } = {},
  ): Promise<{ sessionId: string; csrfToken: string }> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await this.dataSource.query(
      `INSERT INTO sessions (id_hash, user_id, csrf_token, ip, user_agent, awaiting_second_factor)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        hashSessionId(sessionId),
        userId,
        csrfToken,
        client.ip?.slice(0, 64) ?? null,
        client.userAgent?.slice(0, 300) ?? null,
        options.awaitingSecondFactor ?? false,
      ],
    );
    return { sessionId, csrfToken };
  }

  /**
   * Loads a live session with its user and unit in one indexed query (a prepared statement: it
   * runs on every request); expired sessions answer undefined. With `badges`, the navigation's
   * counts come back in the same query: 'all', or 'notifications' for the 待办 page, whose own
   * query counts what waits (badges.inbox stays undefined for it to fill in). With `inboxPage`
   * (the unfiltered 待办 page), that page's rows come back too, as `inboxRead`.
   */
  async load(
    sessionId: string,
    options: { badges?: 'all' | 'notifications'; inboxPage?: number } = {},
  ): Promise<AuthContext | undefined> {
    const idHash = hashSessionId(sessionId);
    const rows = await this.statements.query<SessionRow>(
      `SELECT s.id_hash, s.csrf_token, s.awaiting_second_factor,
              s.last_seen_at < now() - make_interval(secs => $4) AS touch_due,
              u.id AS user_id, u.name, u.mobile, u.roles, u.must_change_password,
              ($5 > 0 AND coalesce(u.password_changed_at, u.created_at) < now() - make_interval(days => $5))
                AS password_expired,
              t.confirmed_at IS NOT NULL AS totp_enrolled,
              un.id AS unit_id, un.name AS unit_name, un.kind AS unit_kind, un.capabilities AS unit_capabilities
              ${options.badges === 'all' ? INBOX_BADGE_COLUMN : ''}
              ${options.badges ? NOTIFICATIONS_BADGE_COLUMN : ''}
              ${options.inboxPage === undefined ? '' : INBOX_ROWS_COLUMN}
         FROM sessions s
         JOIN users u ON u.id = s.user_id AND u.active
         JOIN units un ON un.id = u.unit_id
         LEFT JOIN user_totp t ON t.user_id = u.id
        WHERE s.id_hash = $1
          AND s.last_seen_at > now() - make_interval(mins => $2)
          AND s.created_at > now() - make_interval(hours => $3)
          AND (NOT s.awaiting_second_factor OR s.created_at > now() - make_interval(mins => $6))`,
      [
        idHash,
        this.config.session.idleMinutes,
        this.config.session.absoluteHours,
        TOUCH_INTERVAL_SECONDS,
        this.config.password.maxAgeDays,
        SECOND_FACTOR_WAIT_MINUTES,
        ...(options.inboxPage === undefined ? [] : [(options.inboxPage - 1) * INBOX_PAGE_SIZE]),
      ],
    );
    const row = rows[0];
    if (!row) {
      return undefined;
    }
    if (row.touch_due) {
      await this.dataSource.query(`UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1`, [
        idHash,
      ]);
    }
    const roles = row.roles as RoleCode[];
    const mustChangePassword = row.must_change_password || row.password_expired;
    return {
      sessionIdHash: row.id_hash,
      csrfToken: row.csrf_token,
      badges:
        row.notifications === undefined
          ? undefined
          : { inbox: row.inbox, notifications: row.notifications },
      inboxRead:
        row.inbox_rows && options.inboxPage !== undefined
          ? { page: options.inboxPage, rows: row.inbox_rows }
          : undefined,
      pendingStep: pendingStepFor(
        {
          awaitingSecondFactor: row.awaiting_second_factor,
          mustChangePassword,
          roles,
          totpEnrolled: row.totp_enrolled,
        },
        this.config.mfa,
      ),
      passwordExpired: row.password_expired && !row.must_change_password,
      user: {
        id: row.user_id,
        name: row.name,
        mobile: row.mobile,
        roles,
        mustChangePassword,
        unitId: row.unit_id,
        unitName: row.unit_name,
        unitKind: row.unit_kind,
        unitCapabilities: row.unit_capabilities as AuthContext['user']['unitCapabilities'],
      },
    };
  }

  /** The user's live sessions, newest first, the asking one marked. */
  async listForUser(userId: string, currentIdHash: string): Promise<SessionListRow[]> {
    return this.dataSource.query(
      `SELECT public_id, created_at, last_seen_at, ip, user_agent, awaiting_second_factor,
              id_hash = $2 AS current
         FROM sessions
        WHERE user_id = $1
          AND last_seen_at > now() - make_interval(mins => $3)
          AND created_at > now() - make_interval(hours => $4)
        ORDER BY (id_hash = $2) DESC, last_seen_at DESC`,
      [userId, currentIdHash, this.config.session.idleMinutes, this.config.session.absoluteHours],
    );
  }

  /** Ends one of the user's own sessions by its public id; answers its id hash, or undefined. */
  async destroyByPublicId(userId: string, publicId: string): Promise<string | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(publicId)) {
      return undefined;
    }
    const rows = await returningRows<{ id_hash: string }>(
      this.dataSource,
      `DELETE FROM sessions WHERE user_id = $1 AND public_id = $2 RETURNING id_hash`,
      [userId, publicId],
    );
    return rows[0]?.id_hash;
  }

  async destroy(sessionIdHash: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM sessions WHERE id_hash = $1`, [sessionIdHash]);
  }

  /** Ends every session of a user, optionally keeping one (the one that changed the password). */
  async destroyAllForUser(
    userId: string,
    options: { except?: string; manager?: EntityManager } = {},
  ): Promise<number> {
    const runner = options.manager ?? this.dataSource.manager;
    const rows = await returningRows<{ id_hash: string }>(
      runner,
      `DELETE FROM sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2 RETURNING id_hash`,
      [userId, options.except ?? null],
    );
    return rows.length;
  }

  async purgeExpired(): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM sessions
        WHERE last_seen_at < now() - make_interval(mins => $1)
           OR created_at < now() - make_interval(hours => $2)`,
      [this.config.session.idleMinutes, this.config.session.absoluteHours],
    );
    return result[1];
  }
}
