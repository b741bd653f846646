import { NotFoundException } from '@nestjs/common';
import type { SqlRunner } from './sql-runner.js';

/** The first row a query returns (a record by its id), or undefined. */
export async function firstRow<T>(
  db: SqlRunner,
  sql: string,
  params: unknown[],
): Promise<T | undefined> {
  const rows = await db.query<T[]>(sql, params);
  return rows[0];
}

/** The row a query finds by its id; when there is none, a 404 (an unknown id in a path). */
export async function foundRow<T>(db: SqlRunner, sql: string, params: unknown[]): Promise<T> {
  const row = await firstRow<T>(db, sql, params);
  if (!row) {
    throw new NotFoundException();
  }
  return row;
}
