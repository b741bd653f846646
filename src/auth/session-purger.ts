import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FormSubmissions } from '../common/forms/form-submissions.js';
import { SessionStore } from './session.store.js';

const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Keeps the session, rate-limit and form-token tables small: expired sessions, stale counters and
 * day-old form tokens are deleted
 * every ten minutes. The deletes are idempotent, so several instances may run them at once.
 */
@Injectable()
export class SessionPurger implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('SessionPurger');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sessions: SessionStore,
    private readonly dataSource: DataSource,
    private readonly formSubmissions: FormSubmissions,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
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
