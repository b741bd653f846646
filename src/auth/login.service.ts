import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { returningRows } from '../database/sql.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PasswordHasher } from './password-hasher.js';
import { RateLimiter } from './rate-limiter.js';

export type LoginFailureReason = 'invalid' | 'rate_limited';

/** A refused login. The message never tells whether the mobile number exists. */
export class LoginFailure extends Error {
  constructor(
    readonly reason: LoginFailureReason,
    readonly mobile: string,
  ) {
    super(reason);
  }
}

export interface AuthenticatedUser {
  id: string;
  mustChangePassword: boolean;
}

interface CredentialRow {
  must_change_password: boolean;
  id: string;
  password_hash: string;
  active: boolean;
  locked: boolean;
  name: string;
  mobile: string;
  unit_id: number;
  unit_name: string;
  roles: string[];
}

@Injectable()
export class LoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly rateLimiter: RateLimiter,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Checks mobile + password with per-IP rate limiting and per-account lockout. */
  async authenticate(
    mobileInput: string,
    password: string,
    ip: string,
  ): Promise<AuthenticatedUser> {
    const mobile = mobileInput.trim().slice(0, 20);
    const { maxPerWindow, windowSeconds } = this.config.loginRateLimit;
    if (!(await this.rateLimiter.hit(`login:ip:${ip}`, maxPerWindow, windowSeconds))) {
      await this.audit.record({
        action: 'login_rate_limited',
        result: 'failure',
        ip,
        detail: { mobile },
      });
      throw new LoginFailure('rate_limited', mobile);
    }
    const rows: CredentialRow[] = await this.dataSource.query(
      `SELECT u.id, u.password_hash, u.must_change_password, u.active, coalesce(u.locked_until > now(), false) AS locked,
              u.name, u.mobile, u.roles, un.id AS unit_id, un.name AS unit_name
         FROM users u JOIN units un ON un.id = u.unit_id
        WHERE u.mobile = $1`,
      [mobile],
    );
    const user = rows[0];
    if (!user) {
      await this.hasher.verifyAgainstNothing(password);
      await this.audit.record({
        action: 'login_failed',
        result: 'failure',
        ip,
        detail: { mobile, reason: 'unknown_mobile' },
      });
      throw new LoginFailure('invalid', mobile);
    }
    const actor = {
      id: user.id,
      name: user.name,
      mobile: user.mobile,
      unitId: user.unit_id,
      unitName: user.unit_name,
      roles: user.roles as never,
    };
    const passwordMatches = await this.hasher.verify(user.password_hash, password);
    if (!user.active || user.locked) {
      await this.audit.record({
        action: 'login_failed',
        result: 'failure',
        actor,
        ip,
        detail: { reason: user.active ? 'locked' : 'inactive' },
      });
      throw new LoginFailure('invalid', mobile);
    }
    if (!passwordMatches) {
      await this.recordWrongPassword(user.id, actor, ip);
      throw new LoginFailure('invalid', mobile);
    }
    await this.dataSource.query(
      `UPDATE users SET failed_login_count = 0, locked_until = NULL, last_login_at = now() WHERE id = $1`,
      [user.id],
    );
    await this.audit.record({ action: 'login', actor, ip });
    return { id: user.id, mustChangePassword: user.must_change_password };
  }

  /** Counts the failure atomically in the database (so all instances share it) and locks at the limit. */
  private async recordWrongPassword(
    userId: string,
    actor: Parameters<AuditService['record']>[0]['actor'],
    ip: string,
  ): Promise<void> {
    const { maxFailures, lockMinutes } = this.config.lockout;
    const rows = await returningRows<{ failed_login_count: number; just_locked: boolean }>(
      this.dataSource,
      `UPDATE users
          SET failed_login_count = CASE WHEN failed_login_count + 1 >= $2 THEN 0 ELSE failed_login_count + 1 END,
              locked_until = CASE WHEN failed_login_count + 1 >= $2
                                  THEN now() + make_interval(mins => $3) ELSE locked_until END
        WHERE id = $1
        RETURNING failed_login_count, (locked_until > now()) AS just_locked`,
      [userId, maxFailures, lockMinutes],
    );
    await this.audit.record({
      action: 'login_failed',
      result: 'failure',
      actor,
      ip,
      detail: { reason: 'wrong_password' },
    });
    if (rows[0]?.just_locked) {
      await this.audit.record({
        action: 'account_locked',
        result: 'failure',
        actor,
        ip,
        detail: { minutes: lockMinutes },
      });
    }
  }
}
