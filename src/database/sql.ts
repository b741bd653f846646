/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Runs an UPDATE/DELETE … RETURNING and gives its rows. TypeORM answers UPDATE and DELETE with
 * `[rows, affectedCount]` but other statements with the rows alone; this evens that out.
 */
export async function returningRows<T>(
  runner: SqlRunner,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const result = await runner.query(sql, parameters);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

/**
 * A ledger filter's SQL as data, one entry per filter field: a condition whose every `?` is the
 * field's value; a condition without `?` is a flag's, added when the field is true; or a function
 * adding what the value needs to the conditions.
 */
export type FilterSql<F> = {
  [K in keyof F]?: string | ((conditions: SqlConditions, value: NonNullable<F[K]>) => void);
};

/**
 * WHERE conditions with numbered parameters for the ledgers' optional filters:
 * `conditions.add('d.unit_id = ?', unitId)` binds the value and writes `$n` for every `?`.
 */
export class SqlConditions {
  readonly params: unknown[];
  private readonly conditions: string[] = [];

  constructor(initialParams: unknown[] = []) {
    this.params = [...initialParams];
  }

  /** Adds a condition with one bound value (all `?` in it refer to that value). */
  add(sql: string, value: unknown): this {
    this.params.push(value);
    this.conditions.push(sql.replaceAll('?', `$${this.params.length}`));
    return this;
  }

  /**
   * Adds the condition of every filter field that is set (not undefined, null or ''), in the order
   * of `sqlByField` (see FilterSql): the ledgers' optional filters written as data,
   * `conditions.filters(filter, { unitId: 'd.unit_id = ?', from: 'd.at >= ?::date' })`.
   */
  filters<F extends object>(filter: F, sqlByField: FilterSql<F>): this {
    for (const field of Object.keys(sqlByField) as (keyof F)[]) {
      const value = filter[field];
      const sql = sqlByField[field];
      if (value === undefined || value === null || value === '' || !sql) {
        continue;
      }
      if (typeof sql !== 'string') {
        sql(this, value);
      } else if (sql.includes('?')) {
        this.add(sql, value);
      } else if (value === true) {
        this.raw(sql);
      }
    }
    return this;
  }

  /** Adds a condition that binds nothing new (it may refer to parameters already bound). */
  raw(sql: string): this {
    this.conditions.push(sql);
    return this;
  }

  /** Binds a value that is not a condition (LIMIT, OFFSET) and returns its placeholder. */
  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  toString(): string {
    return this.conditions.length === 0 ? 'true' : this.conditions.join(' AND ');
  }
}

/**
 * INSERT of one row whose columns are the keys of `row` (names written in code, never taken from
 * a request), every value bound.
 */
export async function insertRow(
  runner: SqlRunner,
  table: string,
  row: Record<string, unknown>,
): Promise<void> {
  const columns = Object.keys(row);
  await runner.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
    Object.values(row),
  );
}

/** UPDATE of the row `id` to the values of `row` (column names from code), stamping updated_at. */
export async function updateRow(
  runner: SqlRunner,
  table: string,
  id: string,
  row: Record<string, unknown>,
): Promise<void> {
  const columns = Object.keys(row);
  await runner.query(
    `UPDATE ${table} SET ${columns.map((column, index) => `${column} = $${index + 2}`).join(', ')}, updated_at = now()
      WHERE id = $1`,
    [id, ...Object.values(row)],
  );
}
