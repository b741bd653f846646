import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { FormInvalidException } from '../common/forms/form-validation.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { AuthContext, AuthUser } from './auth-context.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { passwordPolicyProblems } from './password-policy.js';

@Injectable()
export class PasswordService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  policyProblems(password: string, mobile: string): string[] {
    return passwordPolicyProblems(password, {
      mobile,
      initialPassword: this.config.password.initial,
      minLength: this.config.password.minLength,
    });
  }

  /** The user's own change: the old password is required; every other session of the user ends. */
  async change(auth: AuthContext, form: ChangePasswordDto, ip: string): Promise<void> {
    const user = auth.user;
    const rows: { password_hash: string }[] = await this.dataSource.query(
      `SELECT password_hash FROM users WHERE id = $1`,
      [user.id],
    );
    if (!rows[0] || !(await this.hasher.verify(rows[0].password_hash, form.currentPassword))) {
      await this.audit.record({
        action: 'password_change_failed',
        result: 'failure',
        actor: user,
        ip,
      });
      throw FormInvalidException.field('currentPassword', '当前密码不正确');
    }
    const problems = this.policyProblems(form.newPassword, user.mobile);
    if (form.newPassword === form.currentPassword) {
      problems.push('新密码不能与当前密码相同');
    }
    if (problems.length > 0) {
      throw new FormInvalidException({ newPassword: problems });
    }
    if (form.newPassword !== form.confirmPassword) {
      throw FormInvalidException.field('confirmPassword', '两次输入的新密码不一致');
    }
    const passwordHash = await this.hasher.hash(form.newPassword);
    await this.dataSource.transaction(async (manager) => {
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
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE users SET password_hash = $2, must_change_password = true, failed_login_count = 0,
                          locked_until = NULL, updated_at = now()
          WHERE id = $1`,
        [targetUserId, passwordHash],
      );
      await manager.query(`DELETE FROM sessions WHERE user_id = $1`, [targetUserId]);
      await this.audit.record(
        {
          action: 'password_reset',
          actor: admin,
          ip,
          target: { type: 'user', id: targetUserId, label },
        },
        manager,
      );
    });
  }
}
