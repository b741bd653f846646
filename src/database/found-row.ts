import { NotFoundException } from '@nestjs/common';
import type { SqlRunner } from './sql-runner.js';

/** The row a query finds by its id; when there is none, a 404 (an unknown id in a path). */
export async function foundRow<T>(db: SqlRunner, sql: string, params: unknown[]): Promise<T> {
  const rows = await db.query<T[]>(sql, params);
  if (!rows[0]) {
    throw new NotFoundException();
  }
  return rows[0];
}
