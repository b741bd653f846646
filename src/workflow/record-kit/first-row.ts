import type { SqlRunner } from '../../database/sql-runner.js';

/** The first row a query returns (a record by its id), or undefined. */
export async function firstRow<T>(
  db: SqlRunner,
  sql: string,
  parameters: unknown[],
): Promise<T | undefined> {
  const rows = await db.query<T[]>(sql, parameters);
  return rows[0];
}
