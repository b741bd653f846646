import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';
import { returningRows } from '../database/sql.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PasswordHasher } from './password-hasher.js';
import { RateLimiter } from './rate-limiter.js';
import type { RoleCode } from './roles.js';

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
  roles: RoleCode[];
  /** The initial password, or one older than the maximum age. */
  mustChangePassword: boolean;
  passwordExpired: boolean;
  /** An authenticator is enrolled: the session waits for its code. */
  totpEnrolled: boolean;
}

/** The user as the audit log names them. */
export type AuditActor = NonNullable<AuditEntry['actor']>;

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
  password_expired: boolean;
  totp_enrolled: boolean;
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
              u.name, u.mobile, u.roles, un.id AS unit_id, un.name AS unit_name,
              ($2 > 0 AND coalesce(u.password_changed_at, u.created_at) < now() - make_interval(days => $2))
                AS password_expired,
              EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
                AS totp_enrolled
         FROM users u JOIN units un ON un.id = u.unit_id
        WHERE u.mobile = $1`,
      [mobile, this.config.password.maxAgeDays],
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
    const actor: AuditActor = {
      id: user.id,
      name: user.name,
      mobile: user.mobile,
      unitId: user.unit_id,
      unitName: user.unit_name,
      roles: user.roles as RoleCode[],
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
      await this.recordFailedAttempt(user.id, actor, ip, {
        action: 'login_failed',
        reason: 'wrong_password',
      });
      throw new LoginFailure('invalid', mobile);
    }
    // With a second factor to come, the failure count is kept: wrong codes add to it.
    await this.dataSource.query(
      user.totp_enrolled
        ? `UPDATE users SET last_login_at = now() WHERE id = $1`
        : `UPDATE users SET failed_login_count = 0, locked_until = NULL, last_login_at = now() WHERE id = $1`,
      [user.id],
    );
    await this.audit.record({
      action: 'login',
      actor,
      ip,
      ...(user.totp_enrolled ? { detail: { secondFactor: 'pending' } } : {}),
    });
    if (user.password_expired && !user.must_change_password) {
      await this.audit.record({
        action: 'password_expired',
        actor,
        ip,
        detail: { maxAgeDays: this.config.password.maxAgeDays },
      });
    }
    return {
      id: user.id,
      roles: actor.roles,
      mustChangePassword: user.must_change_password || user.password_expired,
      passwordExpired: user.password_expired,
      totpEnrolled: user.totp_enrolled,
    };
  }

  /**
   * Counts a failed attempt (wrong password or wrong second-factor code) atomically in the
   * database, so all instances share it, and locks the account at the limit. Answers whether the
   * account is now locked.
   */
  async recordFailedAttempt(
    userId: string,
    actor: AuditActor,
    ip: string,
    failure: { action: 'login_failed' | 'mfa_failed'; reason: string },
  ): Promise<boolean> {
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
      action: failure.action,
      result: 'failure',
      actor,
      ip,
      detail: { reason: failure.reason },
    });
    const locked = rows[0]?.just_locked ?? false;
    if (locked) {
      await this.audit.record({
        action: 'account_locked',
        result: 'failure',
        actor,
        ip,
        detail: { minutes: lockMinutes },
      });
    }
    return locked;
  }

  /** Locked now (too many wrong passwords or codes), or deactivated meanwhile. */
  async isBlocked(userId: string): Promise<boolean> {
    const rows: { blocked: boolean }[] = await this.dataSource.query(
      `SELECT NOT active OR coalesce(locked_until > now(), false) AS blocked FROM users WHERE id = $1`,
      [userId],
    );
    return rows[0]?.blocked ?? true;
  }

  /** After a good second factor: the failure count starts again. */
  async clearFailures(userId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE id = $1`,
      [userId],
    );
  }
}
