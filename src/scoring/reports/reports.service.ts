import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { auditInsert } from '../../audit/audit.service.js';
import { SatisfactionService } from '../../satisfaction/satisfaction.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { hasRole } from '../../auth/auth-context.js';
import { FormInvalidException } from '../../common/forms/form-validation.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { assignBands, type BandConfig } from '../calculation/bands.js';
import { scoreUnits } from '../calculation/efficacy.js';
import { Fraction } from '../calculation/fraction.js';
import type { IndicatorSystemDefinition } from '../calculation/indicator-system.js';
import {
  IndicatorSystemsService,
  type IndicatorSystemRow,
  type SystemKind,
} from '../systems/indicator-systems.service.js';
import {
  DistrictInputsService,
  type EvidenceItem,
  type SubjectInput,
} from './district-inputs.service.js';
import { REPORT_EVIDENCE_ITEMS } from './district-inputs.queries.js';
import { ProjectInputsService } from './project-inputs.service.js';
import {
  isClosed,
  parsePeriod,
  periodLabel,
  recentPeriods,
  type ReportPeriod,
} from './report-periods.js';

/** Who generated a report the scheduler made. */
export const AUTOMATIC_GENERATOR_NAME = '系统自动生成';

/** One report's rank of a unit or project, for 历次排名. */
interface RankHistoryRow {
  report_id: string;
  period: string;
  generated_at: Date;
  rank: number;
  total_display: string;
  subject_count: number;
}

/** Exact values are stored as "n" or "n/d" (Fraction.toString) and read back exactly. */
export function storedFraction(text: string): Fraction {
  const [numerator, denominator = '1'] = text.split('/');
  return Fraction.of(BigInt(numerator), BigInt(denominator));
}

function storeAll(values: Record<string, Fraction>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([code, value]) => [code, value.toString()]),
  );
}

export interface ReportRow {
  id: string;
  kind: SystemKind;
  period: string;
  period_start: string;
  as_of: string;
  system_id: number;
  system_version: number;
  system_definition: IndicatorSystemDefinition;
  band_config: BandConfig;
  generated_by_name: string;
  generated_at: Date;
  subject_count: number;
}

/** What a list of reports shows: no definition or band settings. */
export type ReportSummary = Pick<
  ReportRow,
  'id' | 'kind' | 'period' | 'generated_at' | 'system_version'
>;

export interface ReportSubjectRow {
  position: number;
  unit_id: number | null;
  project_id: string | null;
  subject_name: string;
  raw_values: Record<string, string>;
  deduction_amounts: Record<string, string>;
  indicator_scores: Record<string, string>;
  first_level_scores: Record<string, string>;
  deductions: string;
  total: string;
  total_display: string;
  rank: number;
  band: number;
  evidence: Record<string, EvidenceItem[]>;
  /** Rate codes this subject had nothing due for (0/0), scored by the system's 0/0 rule. */
  nothing_due: string[];
}

const ROW_COLUMNS = `rr.position, rr.unit_id, rr.project_id, rr.subject_name, rr.raw_values, rr.deduction_amounts,
  rr.indicator_scores, rr.first_level_scores, rr.deductions, rr.total, rr.total_display::text, rr.rank, rr.band, rr.nothing_due`;

/**
 * A row's evidence: a district report's from its references (report_evidence_refs, written by
 * PostgreSQL at generation), a project report's (and a district report's from before) in the row.
 */
const ROW_EVIDENCE = `coalesce(${REPORT_EVIDENCE_ITEMS}, rr.evidence) AS evidence FROM report_rows rr`;

const REPORT_COLUMNS = `id, kind, period, to_char(period_start, 'YYYY-MM-DD') AS period_start, to_char(as_of, 'YYYY-MM-DD') AS as_of,
  system_id, system_version, system_definition, band_config, generated_by_name, generated_at, subject_count`;

/**
 * 报表生成: gathers every unit's (or project's) raw values from the modules over approved data,
 * scores them with the indicator system in force and freezes the result — raw values, scores,
 * deductions, total, rank, band, the system's definition and the band settings — as a snapshot.
 * Regenerating makes a new snapshot; the database refuses changes to old ones.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly systems: IndicatorSystemsService,
    private readonly districtInputs: DistrictInputsService,
    private readonly projectInputs: ProjectInputsService,
    private readonly satisfaction: SatisfactionService,
  ) {}

  /**
   * The period, the indicator system in force and the band settings a report of it uses, read on
   * `db` (a generation's transaction).
   */
  private async settings(kind: SystemKind, periodCode: string, db?: SqlRunner) {
    const period = parsePeriod(kind, periodCode);
    if (!period) {
      throw FormInvalidException.field('period', '请选择报表期间');
    }
    return { period, ...(await this.systems.inForce(kind, db)) };
  }

  /** Scores, ranks and bands the subjects with the system. */
  private score(
    definition: IndicatorSystemDefinition,
    bandConfig: BandConfig,
    subjects: SubjectInput[],
  ) {
    if (subjects.length === 0) {
      throw FormInvalidException.field('period', '没有可排名的对象（重大项目须先确认下发作战图）');
    }
    const results = scoreUnits(
      definition,
      subjects.map((subject, index) => ({
        unit: String(index),
        values: subject.values,
        deductionAmounts: subject.deductionAmounts,
        nothingDue: subject.nothingDue,
      })),
    );
    const bands = assignBands(
      results.map((result) => result.total),
      results.map((result) => result.rank),
      bandConfig,
    );
    return { results, bands };
  }

  /**
   * Scores a period over the approved data as it is now, without storing anything: what a report
   * of the period would say. Generation freezes it; the 期中预览 of a period still running shows it.
   */
  async compute(kind: SystemKind, periodCode: string, options: { preview?: boolean } = {}) {
    const { period, system, bandConfig } = await this.settings(kind, periodCode);
    // A running quarter has no satisfaction scores yet: its preview reads the latest approved ones.
    const satisfactionQuarter =
      options.preview && kind === 'district'
        ? await this.satisfaction.latestApprovedQuarter(period.code)
        : undefined;
    const subjects: SubjectInput[] =
      kind === 'district'
        ? await this.districtInputs.gather(system.definition, period, { satisfactionQuarter })
        : await this.projectInputs.gather(system.definition, period);
    return {
      period,
      system,
      bandConfig,
      subjects,
      ...this.score(system.definition, bandConfig, subjects),
      /** Set when a preview read an earlier quarter's satisfaction scores. */
      satisfactionQuarter:
        satisfactionQuarter && satisfactionQuarter !== period.code
          ? satisfactionQuarter
          : undefined,
    };
  }

  /**
   * Generates and freezes a period's report. `user` null: the scheduler's automatic generation
   * (generated by 系统自动生成; the database keeps at most one automatic report per period).
   *
   * A district report (41 districts, thousands of records behind its numbers at city scale) is
   * made in one transaction of two statements: one that inserts the report row and reads every
   * district's raw values while PostgreSQL writes the records behind them into
   * report_evidence_refs (they never travel to the app and back); then the scored rows and the
   * audit row. A project report, small, is computed first and stored in one statement.
   */
  async generate(kind: SystemKind, periodCode: string, user: AuthUser | null): Promise<string> {
    const id = randomUUID();
    if (kind !== 'district') {
      const computed = await this.compute(kind, periodCode);
      const report = this.reportInsert(
        id,
        kind,
        { ...computed, subjectCount: computed.subjects.length },
        user,
        1,
      );
      const rows = this.rowsInsert(id, computed, user, report.params.length + 1);
      await this.dataSource.query(`WITH report AS (${report.sql}), ${rows.sql} SELECT 1`, [
        ...report.params,
        ...rows.params,
      ]);
      return id;
    }
    await this.dataSource.transaction(async (manager) => {
      // The app's connections plan every statement generically (data-source-options.ts): the
      // reading statement's date ranges need a plan that knows their selectivity (a generic plan
      // took 20 ms instead of 11 at 100k records).
      await manager.query(`SET LOCAL plan_cache_mode = force_custom_plan`);
      const { period, system, bandConfig } = await this.settings(kind, periodCode, manager);
      const subjects = await this.districtInputs.gatherStoringEvidence(
        manager,
        system.definition,
        period,
        (first) =>
          this.reportInsert(
            id,
            kind,
            { period, system, bandConfig, subjectCount: '(SELECT count(*) FROM districts)' },
            user,
            first,
          ),
      );
      const scored = {
        period,
        system,
        subjects,
        ...this.score(system.definition, bandConfig, subjects),
      };
      const rows = this.rowsInsert(id, scored, user, 1);
      // Back to generic plans: the rows' 82 foreign key checks and the audit triggers run cached
      // plans; planned afresh for each call they would add half the statement's time.
      await manager.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      await manager.query(`WITH ${rows.sql} SELECT 1`, rows.params);
    });
    return id;
  }

  /** The report row's INSERT … RETURNING id, its parameters numbered from `$first`. */
  private reportInsert(
    id: string,
    kind: SystemKind,
    report: {
      period: ReportPeriod;
      system: IndicatorSystemRow;
      bandConfig: BandConfig;
      /** A number, or SQL for it in the statement the INSERT runs in. */
      subjectCount: number | string;
    },
    user: AuthUser | null,
    first: number,
  ): { sql: string; params: unknown[] } {
    const { period, system, subjectCount } = report;
    const params = [
      id,
      kind,
      period.code,
      period.start,
      period.end,
      system.id,
      system.version,
      JSON.stringify(system.definition),
      JSON.stringify(report.bandConfig),
      user?.id ?? null,
      user?.name ?? AUTOMATIC_GENERATOR_NAME,
      ...(typeof subjectCount === 'number' ? [subjectCount] : []),
    ];
    const $ = (n: number) => `$${first + n - 1}`;
    return {
      sql: `INSERT INTO reports (id, kind, period, period_start, as_of, system_id, system_version, system_definition, band_config,
                              generated_by, generated_by_name, subject_count)
         VALUES (${$(1)}, ${$(2)}, ${$(3)}, ${$(4)}, ${$(5)}, ${$(6)}, ${$(7)}, ${$(8)}::jsonb, ${$(9)}::jsonb, ${$(10)}, ${$(11)},
                 ${typeof subjectCount === 'number' ? $(12) : subjectCount})
         RETURNING id`,
      params,
    };
  }

  /**
   * The scored rows' and the audit row's INSERTs as CTEs (`subject_rows AS (…), audited AS (…)`),
   * their parameters numbered from `$first`: all rows in one go however many subjects. The rows'
   * foreign key to the report is checked at the end of the statement.
   */
  private rowsInsert(
    id: string,
    scored: {
      period: ReportPeriod;
      system: { version: number };
      subjects: SubjectInput[];
      results: ReturnType<typeof scoreUnits>;
      bands: number[];
    },
    user: AuthUser | null,
    first: number,
  ): { sql: string; params: unknown[] } {
    const { period, system, subjects, results, bands } = scored;
    const rows = results.map((result, position) => {
      const subject = subjects[position];
      return {
        position,
        unit_id: subject.unitId ?? null,
        project_id: subject.projectId ?? null,
        subject_name: subject.name,
        raw_values: storeAll(subject.values),
        deduction_amounts: storeAll(subject.deductionAmounts),
        indicator_scores: storeAll(result.indicators),
        first_level_scores: storeAll(result.firstLevels),
        deductions: result.deductions.toString(),
        total: result.total.toString(),
        total_display: result.total.toFixed(4),
        rank: result.rank,
        band: bands[position],
        evidence: subject.evidence,
        nothing_due: subject.nothingDue ?? [],
      };
    });
    const audit = auditInsert(
      {
        action: 'report_generated',
        actor: user ?? undefined,
        target: { type: 'report', id, label: `${period.label} 第${system.version}版指标体系` },
      },
      first + 2,
    );
    return {
      sql: `subject_rows AS (
         INSERT INTO report_rows (report_id, position, unit_id, project_id, subject_name, raw_values, deduction_amounts,
                                  indicator_scores, first_level_scores, deductions, total, total_display, rank, band, evidence, nothing_due)
         SELECT $${first}, r.position, r.unit_id, r.project_id, r.subject_name, r.raw_values, r.deduction_amounts,
                r.indicator_scores, r.first_level_scores, r.deductions, r.total, r.total_display, r.rank, r.band, r.evidence,
                r.nothing_due
           FROM jsonb_to_recordset($${first + 1}::jsonb) AS r(position int, unit_id int, project_id uuid, subject_name text,
                raw_values jsonb, deduction_amounts jsonb, indicator_scores jsonb, first_level_scores jsonb,
                deductions text, total text, total_display numeric, rank int, band int, evidence jsonb, nothing_due text[])
       ), audited AS (${audit.sql})`,
      params: [id, JSON.stringify(rows), ...audit.params],
    };
  }

  /**
   * 报表生成 by hand: only for a period that has ended before `today` (China date); the running
   * one is refused with the reason (it can be looked at as a 期中预览).
   */
  async generateClosed(
    kind: SystemKind,
    periodCode: string,
    user: AuthUser,
    today: string,
  ): Promise<string> {
    const period = parsePeriod(kind, periodCode);
    if (period && !isClosed(period, today)) {
      throw FormInvalidException.field(
        'period',
        `${period.label}尚未结束（至 ${period.end}），不能生成正式报表；期末后次日起可生成，期间可查看“期中预览”（不保存、不计入历次排名和驾驶舱）`,
      );
    }
    return this.generate(kind, periodCode, user);
  }

  /**
   * 期中预览: the running period (or the one named, while it runs) scored over today's approved
   * data, computed and not stored. A period that has ended is refused: it gets a real report.
   */
  async preview(kind: SystemKind, periodCode: string, today: string) {
    const period = parsePeriod(kind, periodCode) ?? recentPeriods(kind, today, 1)[0];
    if (isClosed(period, today)) {
      throw FormInvalidException.field(
        'preview',
        `${period.label}已结束，请生成正式报表；期中预览只用于尚未结束的本期`,
      );
    }
    return this.compute(kind, period.code, { preview: true });
  }

  /** Whether any report of the period exists (the scheduler never makes a second one). */
  async existsFor(kind: SystemKind, period: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM reports WHERE kind = $1 AND period = $2 LIMIT 1`,
      [kind, period],
    );
    return rows.length > 0;
  }

  canReadAll(user: AuthUser): boolean {
    return hasRole(user, 'office', 'leader');
  }

  /** A unit reads its own row, and a department the rows of the projects it is responsible for. */
  async canReadRow(user: AuthUser, row: ReportSubjectRow): Promise<boolean> {
    if (this.canReadAll(user) || row.unit_id === user.unitId) {
      return true;
    }
    if (row.project_id === null) {
      return false;
    }
    const owns = await this.dataSource.query<{ ok: boolean }[]>(
      `SELECT true AS ok FROM major_projects WHERE id = $1 AND responsible_unit_id = $2`,
      [row.project_id, user.unitId],
    );
    return owns.length > 0;
  }

  async list(kind: SystemKind, limit = 50): Promise<ReportRow[]> {
    return this.dataSource.query<ReportRow[]>(
      `SELECT ${REPORT_COLUMNS} FROM reports WHERE kind = $1 ORDER BY period DESC, generated_at DESC LIMIT $2`,
      [kind, limit],
    );
  }

  /** The newest reports of a kind for a chooser: a few columns, whatever their definitions weigh. */
  async summaries(kind: SystemKind, limit: number): Promise<ReportSummary[]> {
    return this.dataSource.query<ReportSummary[]>(
      `SELECT id, kind, period, generated_at, system_version FROM reports WHERE kind = $1
        ORDER BY period DESC, generated_at DESC LIMIT $2`,
      [kind, limit],
    );
  }

  /** The latest generated report of a kind (optionally of one period). */
  async latest(kind: SystemKind, period?: string): Promise<ReportRow | undefined> {
    const rows = await this.dataSource.query<ReportRow[]>(
      `SELECT ${REPORT_COLUMNS} FROM reports WHERE kind = $1 AND ($2::text IS NULL OR period = $2)
        ORDER BY period DESC, generated_at DESC LIMIT 1`,
      [kind, period ?? null],
    );
    return rows[0];
  }

  async find(id: string): Promise<ReportRow> {
    const rows = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.dataSource.query<ReportRow[]>(
          `SELECT ${REPORT_COLUMNS} FROM reports WHERE id = $1`,
          [id],
        )
      : [];
    if (!rows[0]) {
      throw new NotFoundException();
    }
    return rows[0];
  }

  /**
   * Every row of a report, by rank. The records behind the numbers (evidence) run to megabytes at
   * city scale: rankings and cockpits leave them out (`evidence: false` gives empty lists).
   */
  async rows(reportId: string, options: { evidence?: boolean } = {}): Promise<ReportSubjectRow[]> {
    return this.dataSource.query<ReportSubjectRow[]>(
      options.evidence === false
        ? `SELECT ${ROW_COLUMNS}, '{}'::jsonb AS evidence FROM report_rows rr WHERE rr.report_id = $1 ORDER BY rank, position`
        : `SELECT ${ROW_COLUMNS}, ${ROW_EVIDENCE} WHERE rr.report_id = $1 ORDER BY rank, position`,
      [reportId],
    );
  }

  /** A unit's row of a report, with the records behind its numbers. */
  async rowOfUnit(reportId: string, unitId: number): Promise<ReportSubjectRow | undefined> {
    const rows = await this.dataSource.query<ReportSubjectRow[]>(
      `SELECT ${ROW_COLUMNS}, ${ROW_EVIDENCE} WHERE rr.report_id = $1 AND rr.unit_id = $2`,
      [reportId, Number.isInteger(unitId) ? unitId : 0],
    );
    return rows[0];
  }

  async row(reportId: string, position: number): Promise<ReportSubjectRow> {
    const rows = Number.isInteger(position)
      ? await this.dataSource.query<ReportSubjectRow[]>(
          `SELECT ${ROW_COLUMNS}, ${ROW_EVIDENCE} WHERE rr.report_id = $1 AND rr.position = $2`,
          [reportId, position],
        )
      : [];
    if (!rows[0]) {
      throw new NotFoundException();
    }
    return rows[0];
  }

  /**
   * Whether every subject of a report has the same total (two or more subjects): with rank
   * quintiles the report then shows no bands (bandsUndivided), on the one-row pages too.
   */
  async totalsAllEqual(reportId: string): Promise<boolean> {
    const rows = await this.dataSource.query<{ equal: boolean }[]>(
      `SELECT count(*) >= 2 AND count(DISTINCT total) = 1 AS equal FROM report_rows WHERE report_id = $1`,
      [reportId],
    );
    return rows[0]?.equal ?? false;
  }

  /** A unit's (or project's) rank and total in every report of the kind, oldest first. */
  async history(
    kind: SystemKind,
    subject: { unitId?: number | null; projectId?: string | null },
  ): Promise<(RankHistoryRow & { periodLabel: string })[]> {
    const rows = await this.dataSource.query<
      (Omit<RankHistoryRow, 'total_display'> & { total: string })[]
    >(
      `SELECT DISTINCT ON (r.period) r.id AS report_id, r.period, r.generated_at, rr.rank, rr.total, r.subject_count
         FROM report_rows rr JOIN reports r ON r.id = rr.report_id
        WHERE r.kind = $1 AND (rr.unit_id = $2 OR rr.project_id = $3)
        ORDER BY r.period, r.generated_at DESC`,
      [kind, subject.unitId ?? null, subject.projectId ?? null],
    );
    // The period as pages show it (2026年第三季度); the code stays for links and sorting.
    // The total to 2 decimals from the exact value, as the ranking shows it (rounding the stored
    // 4-decimal text again could differ in the last digit).
    return rows.map(({ total, ...row }) => ({
      ...row,
      total_display: storedFraction(total).toFixed(2),
      periodLabel: periodLabel(kind, row.period),
    }));
  }
}
