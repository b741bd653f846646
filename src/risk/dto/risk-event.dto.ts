import { IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { RequiredText, Trim } from '../../common/forms/transforms.js';
import { ChosenId, DateField, SubmittableForm } from '../../workflow/record-kit/record-dto.js';

/** 改革风险事件: date, type and level, the district or major project involved, details. */
export class RiskEventDto extends SubmittableForm {
  @DateField('请填写发生时间（年-月-日）')
  occurredOn: string;

  @Trim()
  @IsString({ message: '请选择类型与等级' })
  @IsNotEmpty({ message: '请选择类型与等级' })
  levelCode: string;

  /** A risk event involves a district or a municipal major reform project. */
  @IsIn(['district', 'project'], { message: '请选择涉及区县或重大改革项目' })
  involvedKind: 'district' | 'project' = 'district';

  @IsOptional()
  @ChosenId('请选择涉及区县')
  involvedUnitId?: number;

  @IsOptional()
  @Trim()
  @IsString()
  involvedProjectId?: string;

  @RequiredText('详情', 5000)
  details: string;
}
