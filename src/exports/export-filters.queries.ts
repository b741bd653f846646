import type { SqlRunner } from '../database/sql-runner.js';

/** The names a query gives by id (`SELECT id, name … WHERE id = ANY($1::int[])`), for the ids asked. */
async function namesById(db: SqlRunner, sql: string, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await db.query<{ id: number; name: string }[]>(sql, [ids]);
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Names of units by id (the ones that exist). */
export function unitNames(db: SqlRunner, ids: number[]): Promise<Map<number, string>> {
  return namesById(db, `SELECT id, name FROM units WHERE id = ANY($1::int[])`, ids);
}

/** Labels of dictionary items (channels, domains, tracks, levels …) by id. */
export function dictionaryLabels(db: SqlRunner, ids: number[]): Promise<Map<number, string>> {
  return namesById(
    db,
    `SELECT id, label AS name FROM dictionary_items WHERE id = ANY($1::int[])`,
    ids,
  );
}
