import type { SqlRunner } from '../database/sql-runner.js';

/** Names of units by id (the ones that exist). */
export async function unitNames(db: SqlRunner, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await db.query<{ id: number; name: string }[]>(
    `SELECT id, name FROM units WHERE id = ANY($1::int[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Labels of dictionary items (channels, domains, tracks, levels …) by id. */
export async function dictionaryLabels(db: SqlRunner, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await db.query<{ id: number; label: string }[]>(
    `SELECT id, label FROM dictionary_items WHERE id = ANY($1::int[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.label]));
}
