import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { returningRows } from '../database/sql.js';

export interface NotificationRow {
  id: string;
  kind: string;
  message: string;
  link: string | null;
  read: boolean;
  createdAt: Date;
}

@Injectable()
export class NotificationsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(
    userId: string,
    page: number,
    unreadOnly: boolean,
  ): Promise<{ rows: NotificationRow[]; total: number }> {
    const rows: {
      id: string;
      kind: string;
      message: string;
      link: string | null;
      read_at: Date | null;
      created_at: Date;
      total: number;
    }[] = await this.dataSource.query(
      `SELECT id, kind, message, link, read_at, created_at, count(*) OVER ()::int AS total
           FROM notifications WHERE user_id = $1 AND ($2::boolean = false OR read_at IS NULL)
          ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
      [userId, unreadOnly, DEFAULT_PAGE_SIZE, (page - 1) * DEFAULT_PAGE_SIZE],
    );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map((row) => ({
        id: String(row.id),
        kind: row.kind,
        message: row.message,
        link: row.link,
        read: row.read_at !== null,
        createdAt: row.created_at,
      })),
    };
  }

  /** Marks one of the user's own notifications read; another user's id changes nothing. */
  async markRead(userId: string, notificationId: string): Promise<string | null | undefined> {
    if (!/^\d{1,18}$/.test(notificationId)) {
      return undefined;
    }
    const rows = await returningRows<{ link: string | null }>(
      this.dataSource,
      `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING link`,
      [notificationId, userId],
    );
    return rows[0] ? rows[0].link : undefined;
  }

  async markAllRead(userId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`,
      [userId],
    );
  }
}
