import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { DataSource } from 'typeorm';

/**
 * The hot read paths (navigation badges, the inbox, ledgers' first pages) as named prepared
 * statements on TypeORM's own pg pool: PostgreSQL parses and plans each statement once per
 * connection instead of on every request, which is most of the cost of a small indexed query.
 * The name is derived from the text, so one name never stands for two statements.
 */
@Injectable()
export class PreparedStatements {
  private readonly names = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {}

  async query<T>(text: string, values: unknown[]): Promise<T[]> {
    let name = this.names.get(text);
    if (name === undefined) {
      name = `p_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      this.names.set(text, name);
    }
    const result = await this.pool().query<T & pg.QueryResultRow>({ name, text, values });
    return result.rows;
  }

  private pool(): pg.Pool {
    const pool = (this.dataSource.driver as unknown as { master?: pg.Pool }).master;
    if (!pool) {
      throw new Error('The database pool is not open');
    }
    return pool;
  }
}
