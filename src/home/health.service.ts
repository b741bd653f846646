import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** How long `/health/ready` waits for `SELECT 1` before it answers 503 (a load balancer's probe is short). */
export const READY_TIMEOUT_MS = 2000;

/** Whether the database answers, for the load balancer's readiness probe. */
@Injectable()
export class HealthService {
  constructor(private readonly dataSource: DataSource) {}

  /** True when `SELECT 1` answers within the timeout; a refused, broken or hanging database is false. */
  async databaseAnswers(timeoutMs = READY_TIMEOUT_MS): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('health check timed out')), timeoutMs);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
