import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { isRateCode } from '../calculation/indicator-system.js';
import { RATE_RULE } from '../calculation/score-csv.js';
import { IndicatorSystemsService } from '../systems/indicator-systems.service.js';
import { whatIfSubjects } from './what-if.queries.js';
import {
  addChoices,
  addDropdown,
  addNumberRange,
  columnCells,
} from '../../exports/template-validation.js';

/**
 * 指标测算 template: the first sheet has 区县 (or 项目) and one column per indicator of the chosen
 * system version, named as the indicators are, with one row per district (the 41) or project; a
 * second sheet says how to fill it. Filled in, it is uploaded back as it is.
 */
@Injectable()
export class WhatIfTemplateService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly systems: IndicatorSystemsService,
  ) {}

  /**
   * The template of the system version `systemId` (the active district system when none is
   * given), or undefined when there is no such version.
   */
  async build(systemId?: number): Promise<{ fileName: string; content: Buffer } | undefined> {
    const [district, project] = await Promise.all([
      this.systems.list('district'),
      this.systems.list('major_project'),
    ]);
    const system = [...district, ...project].find((choice) =>
      systemId === undefined
        ? choice.kind === 'district' && choice.status === 'active'
        : choice.id === systemId,
    );
    if (!system) {
      return undefined;
    }
    const subjectLabel = system.kind === 'district' ? '区县' : '项目';
    const indicators = system.definition.indicators;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('测算数据', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = [
      { header: subjectLabel, key: 'unit', width: 28 },
      ...indicators.map((indicator) => ({
        header: indicator.name,
        key: indicator.code,
        width: Math.max(14, [...indicator.name].length * 2 + 2),
      })),
    ];
    sheet.getRow(1).font = { bold: true };
    const subjects = await whatIfSubjects(this.dataSource, system.kind);
    for (const name of subjects) {
      sheet.addRow({ unit: name });
    }
    const help = workbook.addWorksheet('填写说明');
    help.columns = [
      { header: '指标', key: 'name', width: 32 },
      { header: '怎么填', key: 'rule', width: 80 },
    ];
    help.getRow(1).font = { bold: true };
    for (const indicator of indicators) {
      help.addRow({
        name: indicator.name,
        rule:
          indicator.method.kind === 'deduction'
            ? '事件起数（非负整数），没有事件填 0'
            : isRateCode(indicator.code)
              ? '百分数，0–100，如 91.2 或 91.2%'
              : '数值，不带 %',
      });
    }
    help.addRow({});
    help.addRow({ name: '比率的规则', rule: RATE_RULE });
    help.addRow({
      name: '其他',
      rule: `第一张表的表头不要改动；不参与测算的指标可整列删除。只读取第一张表。`,
    });
    // The subject from a dropdown; rates 0–100 (a typed 91.2% is 0.912, also in range); event
    // counts whole numbers from 0.
    const [names] = addChoices(help, [{ header: subjectLabel, values: subjects }]);
    const rows = Math.max(subjects.length, 1);
    addDropdown(sheet, columnCells(sheet, 1, rows), names, {
      title: subjectLabel,
      text: `请从下拉列表中选择${subjectLabel}`,
      strict: true,
    });
    indicators.forEach((indicator, index) => {
      const cells = columnCells(sheet, index + 2, rows);
      if (indicator.method.kind === 'deduction') {
        addNumberRange(sheet, cells, {
          min: 0,
          whole: true,
          title: indicator.name,
          text: '事件起数：0 或正整数',
        });
      } else if (isRateCode(indicator.code)) {
        addNumberRange(sheet, cells, {
          min: 0,
          max: 100,
          title: indicator.name,
          text: '百分数：0–100，如 91.2 或 91.2%',
        });
      }
    });
    return {
      fileName: `指标测算模板-${system.kind === 'district' ? '区县' : '重大改革项目'}-第${system.version}版.xlsx`,
      content: Buffer.from(await workbook.xlsx.writeBuffer()),
    };
  }
}
