import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { type FieldErrors, FormInvalidException } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { foundRow } from '../database/found-row.js';
import { SqlConditions } from '../database/sql.js';
import {
  UNIT_CAPABILITY_LABELS,
  UNIT_KIND_LABELS,
  type UnitCapability,
  type UnitKind,
} from '../units/unit-kinds.js';
import { UnitOptions } from '../units/unit-options.js';
import type { UnitFormDto } from './dto/user-form.dto.js';

export interface AdminUnitRow {
  id: number;
  code: string;
  name: string;
  kind: UnitKind;
  district_type: string | null;
  capabilities: UnitCapability[];
  sort_order: number;
  active: boolean;
  users: number;
}

/** 单位管理: districts and departments, their capabilities (risk reporter, survey centre). */
@Injectable()
export class UnitsAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly unitOptions: UnitOptions,
  ) {}

  async list(filter: { q?: string; kind?: UnitKind; page: number }) {
    const where = new SqlConditions();
    if (filter.q) {
      where.add('(u.name ILIKE ? OR u.code ILIKE ?)', `%${filter.q}%`);
    }
    if (filter.kind) {
      where.add('u.kind = ?', filter.kind);
    }
    const rows: (AdminUnitRow & { total: number })[] = await this.dataSource.query(
      `SELECT u.id, u.code, u.name, u.kind, u.district_type, u.capabilities, u.sort_order, u.active,
              (SELECT count(*)::int FROM users x WHERE x.unit_id = u.id AND x.active) AS users,
              count(*) OVER ()::int AS total
         FROM units u WHERE ${where.toString()}
        ORDER BY u.sort_order, u.id
        LIMIT ${where.bind(DEFAULT_PAGE_SIZE)} OFFSET ${where.bind((filter.page - 1) * DEFAULT_PAGE_SIZE)}`,
      where.params,
    );
    return { total: rows[0]?.total ?? 0, rows: rows.map((row) => this.view(row)) };
  }

  private view(row: AdminUnitRow) {
    return {
      ...row,
      kindLabel: UNIT_KIND_LABELS[row.kind],
      capabilityLabels: row.capabilities
        .map((capability) => UNIT_CAPABILITY_LABELS[capability])
        .join('、'),
    };
  }

  async find(id: number) {
    return this.view(
      await foundRow<AdminUnitRow>(
        this.dataSource,
        `SELECT u.*, (SELECT count(*)::int FROM users x WHERE x.unit_id = u.id AND x.active) AS users FROM units u WHERE u.id = $1`,
        [id],
      ),
    );
  }

  /** The rules of the unit form a DTO cannot check; fields the DTO refused (`failed`) are skipped. */
  formErrors(form: UnitFormDto, failed: ReadonlySet<string> = new Set()): FieldErrors {
    if (failed.has('kind') || failed.has('districtType')) {
      return {};
    }
    return form.kind === 'district' && !form.districtType
      ? { districtType: ['区县须选择区县类型'] }
      : {};
  }

  /** The form's column values ($1 code … $6 sort order; no sort order keeps or appends). */
  private checkForm(form: UnitFormDto): unknown[] {
    const errors = this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    const districtType = form.kind === 'district' ? (form.districtType ?? null) : null;
    return [
      form.code,
      form.name,
      form.kind,
      districtType,
      form.capabilities,
      form.sortOrder ?? null,
    ];
  }

  /** Saves the form; a code or name already taken is refused next to its field. */
  private async save<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.unitOptions.invalidate();
      return result;
    } catch (error) {
      const failure = error as { code?: string; constraint?: string };
      if (failure.code !== '23505') {
        throw error;
      }
      throw failure.constraint?.includes('code')
        ? FormInvalidException.field('code', '该编码已被使用')
        : FormInvalidException.field('name', '已有同名单位');
    }
  }

  async create(form: UnitFormDto, admin: AuthUser, ip?: string): Promise<number> {
    const values = this.checkForm(form);
    return this.save(() =>
      this.audit.change(
        (id: number) => ({
          action: 'unit_created',
          actor: admin,
          ip,
          target: { type: 'unit', id, label: form.name },
          detail: { ...form },
        }),
        async (manager) => {
          const rows: { id: number }[] = await manager.query(
            `INSERT INTO units (code, name, kind, district_type, capabilities, sort_order)
             VALUES ($1, $2, $3, $4, $5, coalesce($6, (SELECT max(sort_order) + 1 FROM units))) RETURNING id`,
            values,
          );
          return rows[0].id;
        },
      ),
    );
  }

  async update(id: number, form: UnitFormDto, admin: AuthUser, ip?: string): Promise<void> {
    const before = await this.find(id);
    if (before.kind === 'office') {
      throw FormInvalidException.field('kind', '市委改革办的类型不能修改');
    }
    const values = this.checkForm(form);
    const { code, name, kind, capabilities } = before;
    await this.save(() =>
      this.audit.change(
        {
          action: 'unit_updated',
          actor: admin,
          ip,
          target: { type: 'unit', id, label: form.name },
          detail: { before: { code, name, kind, capabilities }, after: { ...form } },
        },
        (manager) =>
          manager.query(
            `UPDATE units SET code = $2, name = $3, kind = $4, district_type = $5, capabilities = $6,
                              sort_order = coalesce($7, sort_order), updated_at = now()
              WHERE id = $1`,
            [id, ...values],
          ),
      ),
    );
  }

  async setActive(id: number, active: boolean, admin: AuthUser, ip?: string): Promise<void> {
    const unit = await this.find(id);
    if (unit.kind === 'office' && !active) {
      throw FormInvalidException.field('active', '市委改革办不能停用');
    }
    await this.audit.change(
      {
        action: active ? 'unit_activated' : 'unit_deactivated',
        actor: admin,
        ip,
        target: { type: 'unit', id, label: unit.name },
      },
      (manager) =>
        manager.query(`UPDATE units SET active = $2, updated_at = now() WHERE id = $1`, [
          id,
          active,
        ]),
    );
    this.unitOptions.invalidate();
  }
}
