import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { type FieldErrors, FormInvalidException } from '../common/forms/form-validation.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { AuthContext, AuthUser } from './auth-context.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { passwordPolicyProblems } from './password-policy.js';

/** A new password may be none of the last this many (the current one included). */
export const PASSWORD_HISTORY_DEPTH = 5;
export const PASSWORD_REUSED_MESSAGE = `新密码不能与最近 ${PASSWORD_HISTORY_DEPTH} 次使用过的密码相同`;

interface StoredPassword {
  password_hash: string;
  must_change_password: boolean;
}

@Injectable()
export class PasswordService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The policy's problems for this user: their mobile number and unit are guessable words. */
  async policyProblems(password: string, user: AuthUser): Promise<string[]> {
    const units: { code: string }[] = await this.dataSource.query(
      `SELECT code FROM units WHERE id = $1`,
      [user.unitId],
    );
    return passwordPolicyProblems(password, {
      mobile: user.mobile,
      initialPassword: this.config.password.initial,
      minLength: this.config.password.minLength,
      unitCode: units[0]?.code,
      unitName: user.unitName,
    });
  }

  /**
   * Every problem of a change form at once: a wrong current password (audited), the policy, the
   * confirmation, and (once the current password is right) reuse of a recent one. Fields the DTO
   * refused (`failed`) are not checked. `stored` is the user's row when the current password is
   * right.
   */
  private async changeProblems(
    user: AuthUser,
    form: ChangePasswordDto,
    ip: string,
    failed: ReadonlySet<string>,
  ): Promise<{ errors: FieldErrors; stored?: StoredPassword }> {
    const errors: FieldErrors = {};
    let stored: StoredPassword | undefined;
    if (!failed.has('currentPassword')) {
      const rows: StoredPassword[] = await this.dataSource.query(
        `SELECT password_hash, must_change_password FROM users WHERE id = $1`,
        [user.id],
      );
      if (rows[0] && (await this.hasher.verify(rows[0].password_hash, form.currentPassword))) {
        stored = rows[0];
      } else {
        await this.audit.record({
          action: 'password_change_failed',
          result: 'failure',
          actor: user,
          ip,
        });
        errors.currentPassword = ['当前密码不正确'];
      }
    }
    if (!failed.has('newPassword')) {
      const problems = await this.policyProblems(form.newPassword, user);
      if (stored && form.newPassword === form.currentPassword) {
        problems.push('新密码不能与当前密码相同');
      }
      if (problems.length > 0) {
        errors.newPassword = problems;
      } else if (stored && (await this.usedRecently(user.id, form.newPassword))) {
        await this.audit.record({
          action: 'password_change_failed',
          result: 'failure',
          actor: user,
          ip,
          detail: { reason: 'reused' },
        });
        errors.newPassword = [PASSWORD_REUSED_MESSAGE];
      }
    }
    if (
      !failed.has('newPassword') &&
      !failed.has('confirmPassword') &&
      form.newPassword !== form.confirmPassword
    ) {
      errors.confirmPassword = ['两次输入的新密码不一致'];
    }
    return { errors, stored };
  }

  /** The rules of the change form for the fields the DTO accepted (see validateForm). */
  async changeFormErrors(
    auth: AuthContext,
    form: ChangePasswordDto,
    ip: string,
    failed: ReadonlySet<string>,
  ): Promise<FieldErrors> {
    return (await this.changeProblems(auth.user, form, ip, failed)).errors;
  }

  /** The user's own change: the old password is required; every other session of the user ends. */
  async change(auth: AuthContext, form: ChangePasswordDto, ip: string): Promise<void> {
    const user = auth.user;
    const { errors, stored } = await this.changeProblems(user, form, ip, new Set());
    if (!stored || Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    const passwordHash = await this.hasher.hash(form.newPassword);
    await this.dataSource.transaction(async (manager) => {
      // The initial password an admin handed out is refused by the policy anyway: not kept.
      if (!stored.must_change_password) {
        await this.keepInHistory(user.id, stored.password_hash, manager);
      }
      await manager.query(
        `UPDATE users SET password_hash = $2, must_change_password = false, password_changed_at = now(), updated_at = now()
          WHERE id = $1`,
        [user.id, passwordHash],
      );
      await manager.query(`DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, [
        user.id,
        auth.sessionIdHash,
      ]);
      await this.audit.record({ action: 'password_changed', actor: user, ip }, manager);
    });
  }

  /** An admin's reset: back to the initial password, which must be changed at the next login. */
  async resetToInitial(
    targetUserId: string,
    admin: AuthUser,
    ip: string,
    label: string,
  ): Promise<void> {
    const passwordHash = await this.hasher.hash(this.config.password.initial);
    const target = { type: 'user', id: targetUserId, label };
    await this.audit.change(
      { action: 'password_reset', actor: admin, ip, target },
      async (manager) => {
        const current: { password_hash: string }[] = await manager.query(
          `SELECT password_hash FROM users WHERE id = $1 FOR UPDATE`,
          [targetUserId],
        );
        if (current[0]) {
          await this.keepInHistory(targetUserId, current[0].password_hash, manager);
        }
        await manager.query(
          `UPDATE users SET password_hash = $2, must_change_password = true, failed_login_count = 0,
                          locked_until = NULL, updated_at = now()
          WHERE id = $1`,
          [targetUserId, passwordHash],
        );
        await manager.query(`DELETE FROM sessions WHERE user_id = $1`, [targetUserId]);
      },
    );
  }

  /** The new password matches one of the previous ones kept in the history (argon2 verify each). */
  private async usedRecently(userId: string, password: string): Promise<boolean> {
    const rows: { password_hash: string }[] = await this.dataSource.query(
      `SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2`,
      [userId, PASSWORD_HISTORY_DEPTH - 1],
    );
    for (const row of rows) {
      if (await this.hasher.verify(row.password_hash, password)) {
        return true;
      }
    }
    return false;
  }

  /** Keeps the replaced hash; with the current one, the last PASSWORD_HISTORY_DEPTH are kept. */
  private async keepInHistory(
    userId: string,
    passwordHash: string,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(`INSERT INTO password_history (user_id, password_hash) VALUES ($1, $2)`, [
      userId,
      passwordHash,
    ]);
    await manager.query(
      `DELETE FROM password_history WHERE user_id = $1 AND id NOT IN (
         SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)`,
      [userId, PASSWORD_HISTORY_DEPTH - 1],
    );
  }
}
