import { Transform } from 'class-transformer';
import { parseChinaDate } from '../../common/time/china-time.js';
import { applyDecorators } from '@nestjs/common';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches } from 'class-validator';
import {
  OptionalText,
  RequiredText,
  ToBoolean,
  ToInteger,
  Trim,
} from '../../common/forms/transforms.js';
import { FileIds, SubmittableForm } from '../../workflow/record-kit/record-dto.js';
import { tokenToKey } from '../battle-map.service.js';
import { BRAND_KIND, PLAN_STATUS, type BrandKind, type PlanStatus } from '../project-labels.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A required date field (YYYY-MM-DD from <input type="date">). */
const RequiredDate = (label: string): PropertyDecorator =>
  applyDecorators(
    Trim(),
    IsString({ message: `请填写${label}` }),
    Matches(DATE, { message: `请填写${label}（年-月-日）` }),
  );

/** An optional date field: empty is undefined. */
const OptionalDate = (label: string): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined,
    ),
    IsOptional(),
    IsString(),
    Matches(DATE, { message: `请填写${label}（年-月-日）` }),
  );

/** Evidence files, or the 涉密 flag instead (the files go by the 内网 mailbox). */
export class UpdateFormFields extends SubmittableForm {
  @ToBoolean()
  @IsBoolean()
  evidenceClassified: boolean = false;

  @FileIds()
  evidence: string[] = [];
}

/** An indicator's input on the 量化目标推进更新 form: `actual-<token>` (see actualField). */
const ACTUAL_FIELD = /^actual-([0-9a-f]{32})$/;

/** 量化目标推进更新 (seed 001 4.2): the month and the actual value typed for each core indicator. */
export class IndicatorReportFormDto extends SubmittableForm {
  /** YYYY-MM; the service checks it against the plan year and the months already filed. */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : ''))
  @IsString()
  month: string = '';

  /**
   * Indicator key → the text typed (the `actual-<token>` inputs, gathered by GatherActuals before
   * the form is read); the service reads those of the version in force.
   */
  @IsObject()
  actuals: Record<string, string> = {};
}

/** The `actual-<token>` inputs of a posted form by indicator key, trimmed (see actualField). */
export function actualInputs(body: Record<string, unknown>): Record<string, string> {
  const actuals: Record<string, string> = {};
  for (const [field, value] of Object.entries(body)) {
    const token = ACTUAL_FIELD.exec(field)?.[1];
    if (token) {
      actuals[tokenToKey(token)] = typeof value === 'string' ? value.trim() : '';
    }
  }
  return actuals;
}

/** 月度计划推进更新 (seed 001 4.3). */
export class PlanUpdateFormDto extends UpdateFormFields {
  @IsIn(PLAN_STATUS.codes, { message: '请选择本次推进状态' })
  status: PlanStatus;

  @RequiredText('已开展工作', 10000)
  workDone: string;

  @RequiredText('存在问题', 5000)
  problems: string;

  @OptionalText('下一步工作计划', 5000)
  nextSteps?: string;

  @OptionalDate('开始日期')
  nextFrom?: string;

  @OptionalDate('结束日期')
  nextTo?: string;
}

/** 经验复制推广推进更新 (seed 001 4.4). */
export class PromotionFormDto extends UpdateFormFields {
  @ToInteger()
  @IsInt({ message: '请选择推广方式' })
  methodId: number;

  @RequiredDate('推广日期')
  promotedOn: string;

  @RequiredText('具体情况简介', 5000)
  description: string;
}

/** 品牌显示度推进更新 (seed 001 4.5). */
export class BrandItemFormDto extends UpdateFormFields {
  @RequiredDate('品牌创建日期')
  happenedOn: string;

  @IsIn(BRAND_KIND.codes, { message: '请选择获肯定方式' })
  kind: BrandKind;

  @RequiredText('具体情形', 2000)
  situation: string;

  @RequiredText('解决问题、主要举措及取得实效', 10000)
  measuresResults: string;

  @RequiredText('获肯定或报道详情', 5000)
  details: string;
}

/** The error next to the evidence field when files are required and missing. */
export function evidenceMissingMessage(lead = '请上传佐证材料'): string {
  return `${lead}；材料涉密的请勾选“材料涉密”，并发送至市委改革办指定的市委党政内网邮箱`;
}

/** The evidence files to link: none when the material is 涉密 (it goes by the 内网 mailbox). */
export function evidenceFiles(form: UpdateFormFields): Record<string, readonly string[]> {
  return { evidence: form.evidenceClassified ? [] : form.evidence };
}

/** The errors of a date that must be a real day no later than `today` (YYYY-MM-DD), if any. */
export function pastDateErrors(value: string, today: string, label: string): string[] | undefined {
  const date = parseChinaDate(value);
  if (!date) {
    return [`请填写有效的${label}`];
  }
  return date > today ? [`${label}不能晚于今天`] : undefined;
}
