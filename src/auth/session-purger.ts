import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FormSubmissions } from '../common/forms/form-submissions.js';
import { ProcessInterval } from '../common/time/process-interval.js';
import { SessionStore } from './session.store.js';

const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Keeps the session, rate-limit and form-token tables small: expired sessions, stale counters and
 * day-old form tokens are deleted
 * every ten minutes. The deletes are idempotent, so several instances may run them at once.
 */
@Injectable()
export class SessionPurger extends ProcessInterval {
  private readonly logger = new Logger('SessionPurger');

  constructor(
    private readonly sessions: SessionStore,
    private readonly dataSource: DataSource,
    private readonly formSubmissions: FormSubmissions,
  ) {
    super();
  }

  protected intervalMs(): number {
    return PURGE_INTERVAL_MS;
  }

  protected run(): Promise<void> {
    return this.purge();
  }

  async purge(): Promise<void> {
    try {
      await this.sessions.purgeExpired();
      await this.dataSource.query(
        `DELETE FROM rate_limit_buckets WHERE window_start < now() - interval '1 day'`,
      );
      await this.formSubmissions.purgeOlderThanADay();
    } catch (error) {
      this.logger.warn(`Purge failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
