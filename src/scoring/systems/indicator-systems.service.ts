import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import {
  CONTROL_CHARACTER_MESSAGE,
  FormInvalidException,
  hasControlCharacters,
} from '../../common/forms/form-validation.js';
import { validateBandConfig, type BandConfig } from '../calculation/bands.js';
import { activationProblems, catalogueProblems } from '../calculation/indicator-catalogue.js';
import { validateSystem, type IndicatorSystemDefinition } from '../calculation/indicator-system.js';

export type SystemKind = 'district' | 'major_project';
export const SYSTEM_KIND_LABELS: Record<SystemKind, string> = {
  district: '区县改革综合指数',
  major_project: '市级重大改革项目指数',
};

/** The kind a page's query or form names; anything else is the district index. */
export function systemKindOf(value: unknown): SystemKind {
  return value === 'major_project' ? 'major_project' : 'district';
}

/** The two kinds as a page's tabs, the shown one active. */
export function systemKindTabs(kind: SystemKind) {
  return Object.entries(SYSTEM_KIND_LABELS).map(([value, label]) => ({
    value,
    label,
    active: value === kind,
  }));
}

export interface IndicatorSystemRow {
  id: number;
  kind: SystemKind;
  version: number;
  status: 'draft' | 'active' | 'retired';
  definition: IndicatorSystemDefinition;
  note: string;
  created_at: Date;
  activated_at: Date | null;
}

const STATUS_LABELS = { draft: '草稿', active: '现行', retired: '已停用' } as const;

/** Names of a system, its levels and indicators, and of the five bands; the note (varchar(300)). */
const NAME_MAX = 100;
const BAND_NAME_MAX = 20;
export const NOTE_MAX = 300;

/** The typed texts of a form: not empty where named, within the limit, no control characters. */
function textProblems(texts: readonly { label: string; value: string; max: number }[]): string[] {
  return texts.flatMap(({ label, value, max }) => {
    if ([...value].length > max) {
      return [`${label}不能超过 ${max} 字`];
    }
    return hasControlCharacters(value) ? [`${label}${CONTROL_CHARACTER_MESSAGE}`] : [];
  });
}

/**
 * Indicator systems are versioned data (the manual says they keep changing): the office edits a
 * draft copy of the version in force and activates it; generated reports keep the version (and a
 * frozen copy of its definition) they were computed with. Band settings live beside them.
 */
@Injectable()
export class IndicatorSystemsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  statusLabel(status: IndicatorSystemRow['status']): string {
    return STATUS_LABELS[status];
  }

  /**
   * The system in force and the band settings in one read, on `db` — a report's transaction reads
   * what it freezes in its own snapshot.
   */
  async inForce(
    kind: SystemKind,
    db: SqlRunner = this.dataSource,
  ): Promise<{ system: IndicatorSystemRow; bandConfig: BandConfig }> {
    const rows = await db.query<(IndicatorSystemRow & { band_config: BandConfig })[]>(
      `SELECT s.*, b.config AS band_config
         FROM indicator_systems s JOIN band_settings b ON b.kind = s.kind
        WHERE s.kind = $1 AND s.status = 'active'`,
      [kind],
    );
    const { band_config: bandConfig, ...system } = rows[0];
    return { system, bandConfig };
  }

  async list(kind: SystemKind): Promise<IndicatorSystemRow[]> {
    return this.dataSource.query<IndicatorSystemRow[]>(
      `SELECT * FROM indicator_systems WHERE kind = $1 ORDER BY version DESC`,
      [kind],
    );
  }

  async find(id: number): Promise<IndicatorSystemRow> {
    const rows = Number.isInteger(id)
      ? await this.dataSource.query<IndicatorSystemRow[]>(
          `SELECT * FROM indicator_systems WHERE id = $1`,
          [id],
        )
      : [];
    if (!rows[0]) {
      throw new NotFoundException();
    }
    return rows[0];
  }

  /** A draft copy of the version in force (at most one draft per kind). */
  async createDraft(kind: SystemKind, user: AuthUser): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.query<{ id: number }[]>(
        `SELECT id FROM indicator_systems WHERE kind = $1 AND status = 'draft'`,
        [kind],
      );
      if (existing[0]) {
        return existing[0].id;
      }
      const [row] = await manager.query<{ id: number; version: number }[]>(
        `INSERT INTO indicator_systems (kind, version, status, definition, note, created_by)
         SELECT kind, (SELECT max(version) + 1 FROM indicator_systems WHERE kind = $1), 'draft', definition, '', $2
           FROM indicator_systems WHERE kind = $1 AND status = 'active'
         RETURNING id, version`,
        [kind, user.id],
      );
      await this.audit.record(
        {
          action: 'indicator_system_draft',
          actor: user,
          target: {
            type: 'indicator_system',
            id: String(row.id),
            label: `${SYSTEM_KIND_LABELS[kind]} 第${row.version}版`,
          },
        },
        manager,
      );
      return row.id;
    });
  }

  async updateDraft(
    id: number,
    definition: IndicatorSystemDefinition,
    note: string,
    user: AuthUser,
  ): Promise<void> {
    const row = await this.find(id);
    if (row.status !== 'draft') {
      throw FormInvalidException.field('system', '只有草稿版本可以修改');
    }
    const problems = [
      ...textProblems([
        { label: '指标体系名称', value: definition.name, max: NAME_MAX },
        ...definition.firstLevels.map((level) => ({
          label: `一级指标“${level.code}”的名称`,
          value: level.name,
          max: NAME_MAX,
        })),
        ...definition.indicators.map((indicator) => ({
          label: `二级指标“${indicator.code}”的名称`,
          value: indicator.name,
          max: NAME_MAX,
        })),
        { label: '修订说明', value: note, max: NOTE_MAX },
      ]),
      ...validateSystem(definition),
      ...catalogueProblems(definition),
    ];
    if (problems.length > 0) {
      throw FormInvalidException.field('system', problems.join('；'));
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE indicator_systems SET definition = $2::jsonb, note = $3 WHERE id = $1 AND status = 'draft'`,
        [id, JSON.stringify(definition), note],
      );
      await this.audit.record(
        {
          action: 'indicator_system_update',
          actor: user,
          target: {
            type: 'indicator_system',
            id: String(id),
            label: `${SYSTEM_KIND_LABELS[row.kind]} 第${row.version}版`,
          },
          // Indicators, weights and deduction values before and after (等保: changes of rules).
          detail: { before: row.definition, after: definition },
        },
        manager,
      );
    });
  }

  /** The draft becomes the version in force; the previous one is retired (reports keep it). */
  async activate(id: number, user: AuthUser): Promise<void> {
    const row = await this.find(id);
    if (row.status !== 'draft') {
      throw FormInvalidException.field('system', '只有草稿版本可以启用');
    }
    const problems = [
      ...validateSystem(row.definition),
      ...catalogueProblems(row.definition),
      ...activationProblems(row.definition),
    ];
    if (problems.length > 0) {
      throw FormInvalidException.field('system', problems.join('；'));
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE indicator_systems SET status = 'retired' WHERE kind = $1 AND status = 'active'`,
        [row.kind],
      );
      await manager.query(
        `UPDATE indicator_systems SET status = 'active', activated_at = now() WHERE id = $1`,
        [id],
      );
      await this.audit.record(
        {
          action: 'indicator_system_activate',
          actor: user,
          target: {
            type: 'indicator_system',
            id: String(id),
            label: `${SYSTEM_KIND_LABELS[row.kind]} 第${row.version}版`,
          },
        },
        manager,
      );
    });
  }

  async bandConfig(kind: SystemKind): Promise<BandConfig> {
    const rows = await this.dataSource.query<{ config: BandConfig }[]>(
      `SELECT config FROM band_settings WHERE kind = $1`,
      [kind],
    );
    return rows[0].config;
  }

  async updateBandConfig(kind: SystemKind, config: BandConfig, user: AuthUser): Promise<void> {
    const problems = [
      ...textProblems(
        config.bands.map((band, index) => ({
          label: `第 ${index + 1} 档的名称`,
          value: band.name,
          max: BAND_NAME_MAX,
        })),
      ),
      ...validateBandConfig(config),
    ];
    if (problems.length > 0) {
      throw FormInvalidException.field('bands', problems.join('；'));
    }
    await this.dataSource.transaction(async (manager) => {
      const previous: { config: BandConfig }[] = await manager.query(
        `SELECT config FROM band_settings WHERE kind = $1 FOR UPDATE`,
        [kind],
      );
      await manager.query(
        `UPDATE band_settings SET config = $2::jsonb, updated_by = $3, updated_at = now() WHERE kind = $1`,
        [kind, JSON.stringify(config), user.id],
      );
      await this.audit.record(
        {
          action: 'band_settings_update',
          actor: user,
          target: { type: 'band_settings', id: kind, label: `${SYSTEM_KIND_LABELS[kind]}五色图` },
          detail: { before: previous[0]?.config ?? null, after: config },
        },
        manager,
      );
    });
  }
}
