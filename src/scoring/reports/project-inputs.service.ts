import { Inject, Injectable } from '@nestjs/common';
import { FormInvalidException } from '../../common/forms/form-validation.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ProjectStatsService } from '../../major-projects/updates/project-stats.service.js';
import { RiskService } from '../../risk/risk.service.js';
import { Fraction } from '../calculation/fraction.js';
import type { IndicatorSystemDefinition } from '../calculation/indicator-system.js';
import { addRiskEvent, markNothingDue, type SubjectInput } from './district-inputs.service.js';
import { windowStart, type ReportPeriod } from './report-periods.js';

/**
 * Gathers each major project's raw values (projects with an issued battle map) from the
 * major-project statistics and the risk module, as of the period's last day.
 */
@Injectable()
export class ProjectInputsService {
  constructor(
    private readonly stats: ProjectStatsService,
    private readonly risk: RiskService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async gather(system: IndicatorSystemDefinition, period: ReportPeriod): Promise<SubjectInput[]> {
    const asOf = period.end;
    const projects = await this.stats.statsForProjects(asOf);
    const subjects = new Map<string, SubjectInput>();
    for (const project of projects) {
      const subject: SubjectInput = {
        projectId: project.projectId,
        name: project.name,
        values: {},
        deductionAmounts: {},
        evidence: {},
      };
      const href = `/major-projects/${project.projectId}`;
      for (const indicator of system.indicators) {
        const code = indicator.code;
        subject.evidence[code] = [];
        switch (code) {
          case 'monthly_target_rate':
            // None due (0/0): scored by the system's 0/0 rule, as for pilots.
            if (project.monthlyTargets.due === 0) {
              markNothingDue(subject, code);
            } else {
              subject.values[code] = Fraction.of(
                project.monthlyTargets.met,
                project.monthlyTargets.due,
              );
            }
            subject.evidence[code] = [
              {
                title: '核心指标月度目标',
                href,
                note: `完成 ${project.monthlyTargets.met} / 应完成 ${project.monthlyTargets.due} 个指标月（截至 ${project.asOf}，未结束的月份不计）`,
              },
            ];
            break;
          case 'annual_target_rate':
            subject.values[code] = project.annualRate;
            subject.evidence[code] = project.annualTargets.map((target) => ({
              title: target.name,
              href,
              note: `年度进度值 ${target.value} / 年度目标 ${target.target}`,
            }));
            break;
          case 'plan_on_time_rate':
            if (project.plans.due === 0) {
              markNothingDue(subject, code);
            } else {
              subject.values[code] = Fraction.of(project.plans.onTime, project.plans.due);
            }
            subject.evidence[code] = [
              {
                title: '月度推进计划',
                href,
                note: `按期完成 ${project.plans.onTime} / 应完成 ${project.plans.due} 项（截至 ${project.asOf}，未结束月份的计划不计）`,
              },
            ];
            break;
          case 'promotion_count':
            subject.values[code] = Fraction.of(project.promotions);
            break;
          case 'national_affirmation':
            subject.values[code] = Fraction.of(project.brand.national);
            break;
          case 'central_media':
            subject.values[code] = Fraction.of(project.brand.centralMedia);
            break;
          default:
            if (indicator.method.kind !== 'deduction') {
              throw FormInvalidException.field(
                'period',
                `指标“${indicator.name}”（${code}）没有数据来源，不能生成报表`,
              );
            }
            subject.values[code] = Fraction.ZERO;
        }
      }
      subjects.set(project.projectId, subject);
    }
    const deductions = system.indicators.filter((i) => i.method.kind === 'deduction');
    if (deductions.length > 0) {
      const from = windowStart(deductions[0].window, period, this.config.evaluationYearStart);
      for (const event of await this.risk.approvedEvents('project', from, asOf)) {
        const subject = subjects.get(event.projectId!);
        if (subject) {
          addRiskEvent(subject, event);
        }
      }
    }
    return [...subjects.values()];
  }
}
