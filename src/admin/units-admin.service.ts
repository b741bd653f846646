import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { type FieldErrors, FormInvalidException } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
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
    const params: unknown[] = [];
    const conditions = ['true'];
    if (filter.q) {
      params.push(`%${filter.q}%`);
      conditions.push(`(u.name ILIKE $${params.length} OR u.code ILIKE $${params.length})`);
    }
    if (filter.kind) {
      params.push(filter.kind);
      conditions.push(`u.kind = $${params.length}`);
    }
    params.push(DEFAULT_PAGE_SIZE, (filter.page - 1) * DEFAULT_PAGE_SIZE);
    const rows: (AdminUnitRow & { total: number })[] = await this.dataSource.query(
      `SELECT u.id, u.code, u.name, u.kind, u.district_type, u.capabilities, u.sort_order, u.active,
              (SELECT count(*)::int FROM users x WHERE x.unit_id = u.id AND x.active) AS users,
              count(*) OVER ()::int AS total
         FROM units u WHERE ${conditions.join(' AND ')}
        ORDER BY u.sort_order, u.id
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
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
    const rows: AdminUnitRow[] = await this.dataSource.query(
      `SELECT u.*, (SELECT count(*)::int FROM users x WHERE x.unit_id = u.id AND x.active) AS users FROM units u WHERE u.id = $1`,
      [id],
    );
    if (!rows[0]) {
      throw new NotFoundException();
    }
    return this.view(rows[0]);
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

  private checkForm(form: UnitFormDto): { districtType: string | null } {
    const errors = this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    return { districtType: form.kind === 'district' ? (form.districtType ?? null) : null };
  }

  private duplicate(error: unknown): FormInvalidException | undefined {
    const failure = error as { code?: string; constraint?: string };
    if (failure.code !== '23505') {
      return undefined;
    }
    return failure.constraint?.includes('code')
      ? FormInvalidException.field('code', '该编码已被使用')
      : FormInvalidException.field('name', '已有同名单位');
  }

  async create(form: UnitFormDto, admin: AuthUser, ip?: string): Promise<number> {
    const { districtType } = this.checkForm(form);
    try {
      const id = await this.dataSource.transaction(async (manager) => {
        const rows: { id: number }[] = await manager.query(
          `INSERT INTO units (code, name, kind, district_type, capabilities, sort_order)
           VALUES ($1, $2, $3, $4, $5, coalesce($6, (SELECT max(sort_order) + 1 FROM units))) RETURNING id`,
          [
            form.code,
            form.name,
            form.kind,
            districtType,
            form.capabilities,
            form.sortOrder ?? null,
          ],
        );
        await this.audit.record(
          {
            action: 'unit_created',
            actor: admin,
            ip,
            target: { type: 'unit', id: rows[0].id, label: form.name },
            detail: { ...form },
          },
          manager,
        );
        return rows[0].id;
      });
      this.unitOptions.invalidate();
      return id;
    } catch (error) {
      throw this.duplicate(error) ?? error;
    }
  }

  async update(id: number, form: UnitFormDto, admin: AuthUser, ip?: string): Promise<void> {
    const before = await this.find(id);
    if (before.kind === 'office') {
      throw FormInvalidException.field('kind', '市委改革办的类型不能修改');
    }
    const { districtType } = this.checkForm(form);
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `UPDATE units SET code = $2, name = $3, kind = $4, district_type = $5, capabilities = $6,
                            sort_order = coalesce($7, sort_order), updated_at = now()
            WHERE id = $1`,
          [
            id,
            form.code,
            form.name,
            form.kind,
            districtType,
            form.capabilities,
            form.sortOrder ?? null,
          ],
        );
        await this.audit.record(
          {
            action: 'unit_updated',
            actor: admin,
            ip,
            target: { type: 'unit', id, label: form.name },
            detail: {
              before: {
                code: before.code,
                name: before.name,
                kind: before.kind,
                capabilities: before.capabilities,
              },
              after: { ...form },
            },
          },
          manager,
        );
      });
      this.unitOptions.invalidate();
    } catch (error) {
      throw this.duplicate(error) ?? error;
    }
  }

  async setActive(id: number, active: boolean, admin: AuthUser, ip?: string): Promise<void> {
    const unit = await this.find(id);
    if (unit.kind === 'office' && !active) {
      throw FormInvalidException.field('active', '市委改革办不能停用');
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE units SET active = $2, updated_at = now() WHERE id = $1`, [
        id,
        active,
      ]);
      await this.audit.record(
        {
          action: active ? 'unit_activated' : 'unit_deactivated',
          actor: admin,
          ip,
          target: { type: 'unit', id, label: unit.name },
        },
        manager,
      );
    });
    this.unitOptions.invalidate();
  }
}
