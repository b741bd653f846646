import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, Matches } from 'class-validator';
import { RequiredText, ToInteger, ToIntegerArray, Trim } from '../../common/forms/transforms.js';
import {
  Checkbox,
  ChosenId,
  FileIds,
  SubmittableForm,
} from '../../workflow/record-kit/record-dto.js';

// applyDecorators applies in the order given: the innermost (lowest) decorator first.

/** A calendar date typed as 年-月-日 (the rules check that it is a real date). */
const DateText = (label: string): PropertyDecorator =>
  applyDecorators(
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: `请填写${label}（年-月-日）` }),
    IsString({ message: `请填写${label}` }),
    Trim(),
  );

/** 涉及区县: at most every district. */
const InvolvedDistricts = (): PropertyDecorator =>
  applyDecorators(
    IsInt({ each: true, message: '涉及区县有误' }),
    ArrayMaxSize(41),
    ToIntegerArray(),
  );

/** 试点层级. */
const PilotLevel = (): PropertyDecorator =>
  IsIn(['national', 'municipal'], { message: '请选择试点层级' });

/** 试点项目录入 (seed 000 四(二)3.1). */
export class PilotFormDto extends SubmittableForm {
  @RequiredText('试点名称', 200)
  name: string;

  @PilotLevel()
  level: 'national' | 'municipal';

  @RequiredText('部署文件名称', 300)
  documentTitle: string;

  @RequiredText('文号', 100)
  documentNumber: string;

  @RequiredText('部署单位', 100)
  issuer: string;

  @DateText('部署时间')
  deployedOn: string;

  @ChosenId('请选择试点主管部门')
  competentUnitId: number;

  @InvolvedDistricts()
  involvedUnitIds: number[] = [];

  @DateText('应验收时间')
  acceptanceDue: string;

  @ChosenId('请选择领域')
  domainId: number;

  @IsOptional()
  @ChosenId('请选择跑道')
  trackId?: number;

  @Checkbox()
  citywide: boolean = false;

  @Checkbox()
  documentClassified: boolean = false;

  @Checkbox()
  finished: boolean = false;

  @FileIds()
  document: string[] = [];
}

/**
 * The competent department's confirmation: it may complete the involved districts (涉及区县) and
 * correct (予以修正) the 文号, the dates and the 层级; a field left out keeps the district's value.
 */
export class PilotConfirmationDto {
  @InvolvedDistricts()
  involvedUnitIds: number[] = [];

  @IsOptional()
  @PilotLevel()
  level?: 'national' | 'municipal';

  @IsOptional()
  @RequiredText('文号', 100)
  documentNumber?: string;

  @IsOptional()
  @DateText('部署时间')
  deployedOn?: string;

  @IsOptional()
  @DateText('应验收时间')
  acceptanceDue?: string;

  @IsOptional()
  @ToInteger()
  @IsInt()
  version?: number;
}

/** 试点成果 (seed 000 四(二)3.3). */
export class PilotAchievementDto extends SubmittableForm {
  @RequiredText('成果名称', 200)
  name: string;

  @RequiredText('解决问题', 5000)
  problemsSolved: string;

  @RequiredText('具体成效', 10000)
  effects: string;

  @FileIds()
  evidence: string[] = [];
}

/** The competent department records a district's acceptance. */
export class PilotAcceptanceDto {
  @DateText('通过验收日期')
  acceptedOn: string;
}
