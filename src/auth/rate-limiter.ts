import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Fixed-window counters in PostgreSQL, so that every app instance counts the same hits.
 * Returns true while the key is within its limit.
 */
@Injectable()
export class RateLimiter {
  constructor(private readonly dataSource: DataSource) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<boolean> {
    const rows: { hits: number }[] = await this.dataSource.query(
      `INSERT INTO rate_limit_buckets (key, window_start, hits) VALUES ($1, now(), 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_limit_buckets.window_start < now() - make_interval(secs => $2)
                     THEN 1 ELSE rate_limit_buckets.hits + 1 END,
         window_start = CASE WHEN rate_limit_buckets.window_start < now() - make_interval(secs => $2)
                     THEN now() ELSE rate_limit_buckets.window_start END
       RETURNING hits`,
      [key.slice(0, 200), windowSeconds],
    );
    return (rows[0]?.hits ?? 0) <= limit;
  }
}
