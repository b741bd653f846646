import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { AfterCommitSubscriber } from './after-commit.js';

/** The one set of TypeORM options, shared by the app, the scripts and the tests. Never synchronize. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    subscribers: [AfterCommitSubscriber],
    extra: {
      max: 20,
      connectionTimeoutMillis: 5000,
      statement_timeout: 30000,
      // Only the hot reads are named prepared statements (PreparedStatements): plan them once per
      // connection, not again on every execution as PostgreSQL's custom plans would.
      options: '-c plan_cache_mode=force_generic_plan',
    },
  };
}
