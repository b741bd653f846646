import pg from 'pg';

/** A pg Client (or one inside a transaction). */
export interface Queryable {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface TableChecksum {
  rows: number;
  /** SHA-256 over the sorted SHA-256 of each row's text: independent of physical row order. */
  checksum: string;
}

export type TableChecksums = Record<string, TableChecksum>;

/**
 * Row text depends on these settings (time zone, date style, bytea and float output): fixed here so
 * that the same data gives the same checksum on any server and session. Call inside a transaction.
 */
const CANONICAL_SETTINGS = [
  `SET LOCAL TimeZone = 'UTC'`,
  `SET LOCAL DateStyle = 'ISO, YMD'`,
  `SET LOCAL IntervalStyle = 'postgres'`,
  `SET LOCAL extra_float_digits = 1`,
  `SET LOCAL bytea_output = 'hex'`,
];

/** Every ordinary table outside the system schemas, as `schema.table`. */
export async function userTables(db: Queryable): Promise<string[]> {
  const result = await db.query<{ name: string }>(
    `SELECT format('%s.%s', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
      ORDER BY n.nspname, c.relname`,
  );
  return result.rows.map((row) => row.name);
}

/**
 * Row count and content checksum of every user table, as the calling transaction sees them (the
 * backup runs this in the snapshot it hands to pg_dump, the restore on the restored database).
 */
export async function tableChecksums(db: Queryable): Promise<TableChecksums> {
  for (const setting of CANONICAL_SETTINGS) {
    await db.query(setting);
  }
  const checksums: TableChecksums = {};
  for (const name of await userTables(db)) {
    const [schema, table] = name.split('.');
    const qualified = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
    const result = await db.query<{ rows: string; checksum: string }>(
      `SELECT count(*)::text AS rows,
              encode(sha256(convert_to(coalesce(string_agg(h, '' ORDER BY h COLLATE "C"), ''), 'UTF8')), 'hex') AS checksum
         FROM (SELECT encode(sha256(convert_to(t::text, 'UTF8')), 'hex') AS h FROM ${qualified} t) rows`,
    );
    checksums[name] = { rows: Number(result.rows[0].rows), checksum: result.rows[0].checksum };
  }
  return checksums;
}

/** Differences between what the backup recorded and what a restored database holds. */
export function compareChecksums(expected: TableChecksums, actual: TableChecksums): string[] {
  const problems: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name];
    if (!got) {
      problems.push(`${name}: missing`);
    } else if (got.rows !== want.rows) {
      problems.push(`${name}: ${got.rows} rows, the backup had ${want.rows}`);
    } else if (got.checksum !== want.checksum) {
      problems.push(`${name}: same ${got.rows} rows but different content`);
    }
  }
  for (const name of Object.keys(actual)) {
    if (!(name in expected)) {
      problems.push(`${name}: not in the backup (left over in the target database?)`);
    }
  }
  return problems;
}
