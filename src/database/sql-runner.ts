import type { EntityManager } from 'typeorm';

/**
 * What runs a raw query: the DataSource (any pooled connection) or a transaction's EntityManager
 * (its one connection, e.g. a snapshot an export reads page by page).
 */
export type SqlRunner = Pick<EntityManager, 'query'>;
