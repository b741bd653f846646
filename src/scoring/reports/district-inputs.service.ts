import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FormInvalidException } from '../../common/forms/form-validation.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { progressAsOf } from '../../major-projects/updates/project-progress.js';
import { PilotStreamsService } from '../../pilots/pilot-streams.service.js';
import { RiskService } from '../../risk/risk.service.js';
import { SatisfactionService } from '../../satisfaction/satisfaction.service.js';
import { ShowcaseService } from '../../showcase/showcase.service.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { COUNTING_START } from '../../pilots/pilot-counting.js';
import { RISK_TYPE } from '../../risk/risk.queries.js';
import { SHOWCASE_TYPE } from '../../showcase/showcase.queries.js';
import { Fraction } from '../calculation/fraction.js';
import type { IndicatorSystemDefinition } from '../calculation/indicator-system.js';
import {
  districtSourcesStoringEvidence,
  type DistrictSourcesParams,
} from './district-inputs.queries.js';
import { quarterLabel, windowStart, type ReportPeriod } from './report-periods.js';

/** One record behind a raw value, as the report's detail page lists it. */
export interface EvidenceItem {
  title: string;
  href: string;
  note: string;
}

/** A unit's (or project's) raw values for a report, with the records behind each. */
export interface SubjectInput {
  unitId?: number;
  projectId?: string;
  name: string;
  values: Record<string, Fraction>;
  deductionAmounts: Record<string, Fraction>;
  evidence: Record<string, EvidenceItem[]>;
  /** Rate codes with nothing due for this subject (0/0): scored by the system's 0/0 rule. */
  nothingDue?: string[];
}

/** Marks a rate of a subject as having nothing due (0/0); its value is a placeholder of 1. */
export function markNothingDue(subject: SubjectInput, code: string): void {
  subject.values[code] = Fraction.ONE;
  subject.nothingDue = [...(subject.nothingDue ?? []), code];
}

const SHOWCASE_CODES = {
  national_affirmation: 'national',
  citywide_promotion: 'citywide',
  central_media: 'central_media',
} as const;
const LEVEL_LABELS = { national: '国家级', municipal: '市级' } as const;

/** Adds one approved risk event to a subject's deduction of its level code. */
export function addRiskEvent(
  subject: SubjectInput,
  event: {
    id: string;
    levelCode: string;
    levelLabel: string;
    occurredOn: string;
    deduction: string;
  },
): void {
  const code = event.levelCode;
  if (!(code in subject.values)) {
    return;
  }
  subject.values[code] = subject.values[code].add(Fraction.ONE);
  subject.deductionAmounts[code] = (subject.deductionAmounts[code] ?? Fraction.ZERO).add(
    Fraction.parse(event.deduction),
  );
  subject.evidence[code].push({
    title: `${event.levelLabel}（${event.occurredOn}）`,
    href: `/risk/${event.id}`,
    note: `扣 ${event.deduction} 分（审核通过时的标准）`,
  });
}

/** Starts a read now, to be awaited later: a failure before then is not an unhandled rejection. */
function early<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Gathers each district's raw values for the district index from the modules' services, over
 * approved data as of the period's last day, with the records behind every number.
 */
@Injectable()
export class DistrictInputsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pilots: PilotStreamsService,
    private readonly showcase: ShowcaseService,
    private readonly satisfaction: SatisfactionService,
    private readonly risk: RiskService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `options.satisfactionQuarter`: read the satisfaction scores of that quarter instead of the
   * period's own (the 期中预览 of a running quarter, whose scores come after it).
   */
  async gather(
    system: IndicatorSystemDefinition,
    period: ReportPeriod,
    options: { satisfactionQuarter?: string } = {},
  ): Promise<SubjectInput[]> {
    // A period still running is measured at today: a pilot whose acceptance date has not come
    // is not due yet (DESIGN §4: what is still to come never counts as missed).
    const asOf = progressAsOf(period.end, chinaDate(this.clock.now()));
    const codes = new Set(system.indicators.map((indicator) => indicator.code));
    const windowOf = (indicator: (typeof system.indicators)[number]) =>
      windowStart(indicator.window, period, this.config.evaluationYearStart);
    // Every source is read once per report, whichever indicators share it, and all at once: the
    // pilots as of the day, the approved highlights of each window (their count is the number of
    // records behind it), the quarter's satisfaction scores and the year's risk events.
    const pilotCounts =
      codes.has('pilot_count') || codes.has('pilot_acceptance_rate')
        ? early(this.pilots.countsByDistrict(asOf))
        : undefined;
    const highlights = new Map<string, ReturnType<ShowcaseService['approvedHighlights']>>();
    for (const indicator of system.indicators) {
      const from = windowOf(indicator);
      if (indicator.code in SHOWCASE_CODES && !highlights.has(from)) {
        highlights.set(from, early(this.showcase.approvedHighlights(from, asOf)));
      }
    }
    const quarter =
      options.satisfactionQuarter ??
      `${period.year}-Q${Math.floor((Number(period.end.slice(5, 7)) - 1) / 3) + 1}`;
    const satisfactionScores = codes.has('satisfaction')
      ? early(this.satisfaction.scoresForQuarter(quarter))
      : undefined;
    const deductionCodes = system.indicators.filter((i) => i.method.kind === 'deduction');
    const riskEvents =
      deductionCodes.length > 0
        ? early(this.risk.approvedEvents('district', windowOf(deductionCodes[0]), asOf))
        : undefined;

    const districts = await this.dataSource.query<{ id: number; name: string }[]>(
      `SELECT id, name FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
    );
    const subjects = new Map<number, SubjectInput>(
      districts.map((district) => [
        district.id,
        {
          unitId: district.id,
          name: district.name,
          values: {},
          deductionAmounts: {},
          evidence: {},
        },
      ]),
    );
    const each = (fn: (subject: SubjectInput) => void) => subjects.forEach(fn);

    for (const indicator of system.indicators) {
      const code = indicator.code;
      const from = windowOf(indicator);
      each((subject) => {
        subject.values[code] = Fraction.ZERO;
        subject.evidence[code] = [];
      });
      if (code === 'pilot_count' || code === 'pilot_acceptance_rate') {
        for (const counts of (await pilotCounts) ?? []) {
          const subject = subjects.get(counts.unitId);
          if (!subject) {
            continue;
          }
          if (code === 'pilot_count') {
            subject.values[code] = Fraction.of(counts.national + counts.municipal);
            subject.evidence[code] = counts.pilots.map((pilot) => ({
              title: pilot.name,
              href: `/pilots/${pilot.id}`,
              note: `${LEVEL_LABELS[pilot.level]}，应验收 ${pilot.acceptanceDue}`,
            }));
          } else {
            // None due (0/0): scored by the system's 0/0 rule (DESIGN §4).
            if (counts.due === 0) {
              markNothingDue(subject, code);
            } else {
              subject.values[code] = Fraction.of(counts.acceptedOnTime, counts.due);
            }
            subject.evidence[code] = counts.pilots
              .filter((pilot) => pilot.acceptanceDue <= asOf)
              .map((pilot) => {
                const onTime =
                  pilot.acceptedOn !== null &&
                  pilot.acceptedOn <= pilot.acceptanceDue &&
                  pilot.acceptedOn <= asOf;
                return {
                  title: pilot.name,
                  href: `/pilots/${pilot.id}`,
                  note: `应验收 ${pilot.acceptanceDue}，${onTime ? `已按时验收（${pilot.acceptedOn}）` : pilot.acceptedOn ? `逾期验收（${pilot.acceptedOn}）` : '未验收'}`,
                };
              });
          }
        }
      } else if (code in SHOWCASE_CODES) {
        // The count is the number of approved highlights behind it (as brandCountsByDistrict counts).
        const category = SHOWCASE_CODES[code as keyof typeof SHOWCASE_CODES];
        for (const highlight of (await highlights.get(from)) ?? []) {
          if (highlight.category === category) {
            subjects.get(highlight.unitId)?.evidence[code].push({
              title: highlight.matter,
              href: `/showcase/${highlight.id}`,
              note: highlight.happenedOn,
            });
          }
        }
        each((subject) => {
          subject.values[code] = Fraction.of(subject.evidence[code].length);
        });
      } else if (code === 'satisfaction') {
        const scores = (await satisfactionScores) ?? [];
        if (scores.length === 0) {
          throw FormInvalidException.field(
            'period',
            `${quarterLabel(quarter)}的改革满意度尚未审核通过，不能生成区县报表`,
          );
        }
        for (const score of scores) {
          const subject = subjects.get(score.unitId);
          if (subject) {
            subject.values[code] = Fraction.parse(score.score);
            subject.evidence[code] = [
              {
                title: `${quarterLabel(quarter)}社情民意电话调查`,
                href: `/satisfaction/${score.returnId}`,
                note: `${score.score} 分`,
              },
            ];
          }
        }
      } else if (indicator.method.kind !== 'deduction') {
        throw FormInvalidException.field(
          'period',
          `指标“${indicator.name}”（${code}）没有数据来源，不能生成报表`,
        );
      }
    }
    if (riskEvents) {
      for (const event of await riskEvents) {
        const subject = subjects.get(event.unitId!);
        if (subject) {
          addRiskEvent(subject, event);
        }
      }
    }
    return [...subjects.values()];
  }

  /**
   * What gather() reads, for a report being generated: the raw values come back, while the same
   * statement inserts the report row (`report`, see DistrictSourcesParams) and PostgreSQL writes
   * the records behind the values into report_evidence_refs under its id — the subjects'
   * evidence stays empty.
   */
  async gatherStoringEvidence(
    db: SqlRunner,
    system: IndicatorSystemDefinition,
    period: ReportPeriod,
    report: DistrictSourcesParams['report'],
  ): Promise<SubjectInput[]> {
    const asOf = progressAsOf(period.end, chinaDate(this.clock.now()));
    const codes = system.indicators.map((indicator) => indicator.code);
    const windowOf = (code: string) => {
      const indicator = system.indicators.find((candidate) => candidate.code === code);
      return indicator
        ? windowStart(indicator.window, period, this.config.evaluationYearStart)
        : asOf;
    };
    for (const indicator of system.indicators) {
      const code = indicator.code;
      if (
        !SOURCED_CODES.includes(code) &&
        !(code in SHOWCASE_CODES) &&
        indicator.method.kind !== 'deduction'
      ) {
        throw FormInvalidException.field(
          'period',
          `指标“${indicator.name}”（${code}）没有数据来源，不能生成报表`,
        );
      }
    }
    const deductions = system.indicators.filter((i) => i.method.kind === 'deduction');
    const quarter = `${period.year}-Q${Math.floor((Number(period.end.slice(5, 7)) - 1) / 3) + 1}`;
    const { rows, satisfactionScores } = await districtSourcesStoringEvidence(db, {
      report,
      asOf,
      countingStart: COUNTING_START,
      showcaseType: SHOWCASE_TYPE,
      showcaseFrom: {
        national: windowOf('national_affirmation'),
        citywide: windowOf('citywide_promotion'),
        central_media: windowOf('central_media'),
      },
      riskType: RISK_TYPE,
      riskFrom: deductions.length > 0 ? windowOf(deductions[0].code) : asOf,
      riskCodes: deductions.length > 0 ? codes : [],
      quarter,
      satisfactionTitle: `${quarterLabel(quarter)}社情民意电话调查`,
      codes,
    });
    if (codes.includes('satisfaction') && satisfactionScores === 0) {
      throw FormInvalidException.field(
        'period',
        `${quarterLabel(quarter)}的改革满意度尚未审核通过，不能生成区县报表`,
      );
    }
    const deductionCodes = new Set(deductions.map((indicator) => indicator.code));
    return rows.map((row) => {
      const subject: SubjectInput = {
        unitId: row.unit_id,
        name: row.name,
        values: Object.fromEntries(codes.map((code) => [code, Fraction.ZERO])),
        deductionAmounts: {},
        evidence: {},
      };
      for (const code of codes) {
        const [records, measure] = row.sources[code] ?? [0, null];
        if (code === 'pilot_acceptance_rate') {
          if (records === 0) {
            markNothingDue(subject, code);
          } else {
            subject.values[code] = Fraction.of(Number(measure), records);
          }
        } else if (code === 'satisfaction') {
          if (measure !== null) {
            subject.values[code] = Fraction.parse(measure);
          }
        } else {
          subject.values[code] = Fraction.of(records);
          if (deductionCodes.has(code) && measure !== null) {
            subject.deductionAmounts[code] = Fraction.parse(measure);
          }
        }
      }
      return subject;
    });
  }
}

/** Codes with a source of their own besides the highlights' (the showcase codes) and deductions. */
const SOURCED_CODES = ['pilot_count', 'pilot_acceptance_rate', 'satisfaction'];
