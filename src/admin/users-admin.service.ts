import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { MfaService } from '../auth/mfa.service.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { PasswordService } from '../auth/password.service.js';
import { ROLE_LABELS, roleCombinationProblem, type RoleCode } from '../auth/roles.js';
import { type FieldErrors, FormInvalidException } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { foundRow } from '../database/found-row.js';
import { returningRows, SqlConditions } from '../database/sql.js';
import type { UserFormDto } from './dto/user-form.dto.js';

export interface AdminUserRow {
  id: string;
  mobile: string;
  name: string;
  unit_id: number;
  unit_name: string;
  roles: RoleCode[];
  active: boolean;
  locked: boolean;
  must_change_password: boolean;
  last_login_at: Date | null;
  /** Only filled by find(): an authenticator is enrolled. */
  mfa_enrolled?: boolean;
}

/** 用户管理: accounts, roles (三员分立 enforced), password resets, deactivation and unlocking. */
@Injectable()
export class UsersAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly passwords: PasswordService,
    private readonly mfa: MfaService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(filter: { q?: string; unitId?: number; role?: RoleCode; page: number }) {
    const where = new SqlConditions();
    if (filter.q) {
      where.add('(u.name ILIKE ? OR u.mobile LIKE ?)', `%${filter.q}%`);
    }
    if (filter.unitId) {
      where.add('u.unit_id = ?', filter.unitId);
    }
    if (filter.role) {
      where.add('? = ANY(u.roles)', filter.role);
    }
    const rows: (AdminUserRow & { total: number })[] = await this.dataSource.query(
      `SELECT u.id, u.mobile, u.name, u.unit_id, un.name AS unit_name, u.roles, u.active,
              coalesce(u.locked_until > now(), false) AS locked, u.must_change_password, u.last_login_at,
              count(*) OVER ()::int AS total
         FROM users u JOIN units un ON un.id = u.unit_id
        WHERE ${where.toString()}
        ORDER BY un.sort_order, u.name, u.id
        LIMIT ${where.bind(DEFAULT_PAGE_SIZE)} OFFSET ${where.bind((filter.page - 1) * DEFAULT_PAGE_SIZE)}`,
      where.params,
    );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map((row) => ({
        ...row,
        roleLabels: row.roles.map((role) => ROLE_LABELS[role]).join('、'),
      })),
    };
  }

  async find(id: string): Promise<AdminUserRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) {
      throw new NotFoundException();
    }
    return foundRow<AdminUserRow>(
      this.dataSource,
      `SELECT u.id, u.mobile, u.name, u.unit_id, un.name AS unit_name, u.roles, u.active,
              coalesce(u.locked_until > now(), false) AS locked, u.must_change_password, u.last_login_at,
              EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS mfa_enrolled
         FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1`,
      [id],
    );
  }

  /**
   * The rules of the user form a DTO cannot check, all at once: the mobile of a new account
   * (required, not taken), 三员分立, no admin demoting themself, an active unit. Fields the DTO
   * refused (`failed`) are not checked. `id` is the edited user, absent for a new one.
   */
  async formErrors(
    form: UserFormDto,
    admin: AuthUser,
    id?: string,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (id === undefined && !failed.has('mobile')) {
      if (!form.mobile) {
        errors.mobile = ['请填写 11 位手机号'];
      } else if (await this.mobileTaken(form.mobile)) {
        errors.mobile = ['该手机号已有账号'];
      }
    }
    if (!failed.has('roles')) {
      const roles: string[] = [];
      const problem = roleCombinationProblem(form.roles);
      if (problem) {
        roles.push(problem);
      }
      if (id === admin.id && !form.roles.includes('admin')) {
        roles.push('不能取消自己的系统管理员角色');
      }
      if (roles.length > 0) {
        errors.roles = roles;
      }
    }
    if (!failed.has('unitId')) {
      const units: { id: number }[] = await this.dataSource.query(
        `SELECT id FROM units WHERE id = $1 AND active`,
        [form.unitId],
      );
      if (units.length === 0) {
        errors.unitId = ['请选择有效的单位'];
      }
    }
    return errors;
  }

  private async mobileTaken(mobile: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM users WHERE mobile = $1`, [
      mobile,
    ]);
    return rows.length > 0;
  }

  private async checkForm(form: UserFormDto, admin: AuthUser, id?: string): Promise<void> {
    const errors = await this.formErrors(form, admin, id);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  /** A new account gets the initial password and must change it at the first login. */
  async create(form: UserFormDto, admin: AuthUser, ip?: string): Promise<string> {
    await this.checkForm(form, admin);
    const passwordHash = await this.hasher.hash(this.config.password.initial);
    try {
      return await this.audit.change(
        (id: string) => ({
          action: 'user_created',
          actor: admin,
          ip,
          target: { type: 'user', id, label: form.name },
          detail: { mobile: form.mobile, unitId: form.unitId, roles: form.roles },
        }),
        async (manager) => {
          const rows: { id: string }[] = await manager.query(
            `INSERT INTO users (mobile, name, unit_id, roles, password_hash, must_change_password)
             VALUES ($1, $2, $3, $4, $5, true) RETURNING id`,
            [form.mobile, form.name, form.unitId, form.roles, passwordHash],
          );
          return rows[0].id;
        },
      );
    } catch (error) {
      if ((error as { code?: string; constraint?: string }).code === '23505') {
        throw FormInvalidException.field('mobile', '该手机号已有账号');
      }
      throw error;
    }
  }

  /** Name, unit and roles; a change of unit or roles ends the user's sessions (their rights changed). */
  async update(id: string, form: UserFormDto, admin: AuthUser, ip?: string): Promise<void> {
    const before = await this.find(id);
    await this.checkForm(form, admin, id);
    const rolesChanged = [...before.roles].sort().join() !== [...form.roles].sort().join();
    const unitChanged = before.unit_id !== form.unitId;
    await this.audit.change(
      {
        action: 'user_updated',
        actor: admin,
        ip,
        target: { type: 'user', id, label: form.name },
        detail: {
          ...(before.name !== form.name ? { name: [before.name, form.name] } : {}),
          ...(unitChanged ? { unitId: [before.unit_id, form.unitId] } : {}),
          ...(rolesChanged ? { roles: [before.roles, form.roles] } : {}),
        },
      },
      async (manager) => {
        await manager.query(
          `UPDATE users SET name = $2, unit_id = $3, roles = $4, updated_at = now() WHERE id = $1`,
          [id, form.name, form.unitId, form.roles],
        );
        if (rolesChanged || unitChanged) {
          await manager.query(`DELETE FROM sessions WHERE user_id = $1`, [id]);
        }
      },
    );
  }

  async resetPassword(id: string, admin: AuthUser, ip?: string): Promise<void> {
    const user = await this.find(id);
    await this.passwords.resetToInitial(id, admin, ip ?? '', user.name);
  }

  /** For a lost phone: the authenticator and recovery codes go, sessions end, the user enrols again. */
  async resetMfa(id: string, admin: AuthUser, ip?: string): Promise<void> {
    const user = await this.find(id);
    await this.mfa.adminReset(id, admin, ip ?? '', user.name);
  }

  /** Deactivation ends every open session of the user at once. */
  async setActive(id: string, active: boolean, admin: AuthUser, ip?: string): Promise<void> {
    const user = await this.find(id);
    if (!active && id === admin.id) {
      throw new BadRequestException('不能停用自己的账号');
    }
    await this.audit.change(
      {
        action: active ? 'user_activated' : 'user_deactivated',
        actor: admin,
        ip,
        target: { type: 'user', id, label: user.name },
      },
      async (manager) => {
        await manager.query(`UPDATE users SET active = $2, updated_at = now() WHERE id = $1`, [
          id,
          active,
        ]);
        if (!active) {
          await manager.query(`DELETE FROM sessions WHERE user_id = $1`, [id]);
        }
      },
    );
  }

  async unlock(id: string, admin: AuthUser, ip?: string): Promise<void> {
    const user = await this.find(id);
    await this.audit.change(
      { action: 'user_unlocked', actor: admin, ip, target: { type: 'user', id, label: user.name } },
      (manager) =>
        returningRows(
          manager,
          `UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE id = $1 RETURNING id`,
          [id],
        ),
    );
  }

  async unitOptions(): Promise<{ id: number; name: string; kind: string }[]> {
    return this.dataSource.query(
      `SELECT id, name, kind FROM units WHERE active ORDER BY sort_order`,
    );
  }
}
