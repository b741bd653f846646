import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
} from 'class-validator';
import {
  OptionalText,
  RequiredText,
  ToBoolean,
  ToInteger,
  ToIntegerArray,
  ToStringArray,
  Trim,
} from '../../common/forms/transforms.js';

const toIntArray = ToIntegerArray;

/** 试点项目录入 (seed 000 四(二)3.1). */
export class PilotFormDto {
  @RequiredText('试点名称', 200)
  name: string;

  @IsIn(['national', 'municipal'], { message: '请选择试点层级' })
  level: 'national' | 'municipal';

  @RequiredText('部署文件名称', 300)
  documentTitle: string;

  @RequiredText('文号', 100)
  documentNumber: string;

  @RequiredText('部署单位', 100)
  issuer: string;

  @Trim()
  @IsString({ message: '请填写部署时间' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '请填写部署时间（年-月-日）' })
  deployedOn: string;

  @ToInteger()
  @IsInt({ message: '请选择试点主管部门' })
  competentUnitId: number;

  @toIntArray()
  @ArrayMaxSize(41)
  @IsInt({ each: true, message: '涉及区县有误' })
  involvedUnitIds: number[] = [];

  @Trim()
  @IsString({ message: '请填写应验收时间' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '请填写应验收时间（年-月-日）' })
  acceptanceDue: string;

  @ToInteger()
  @IsInt({ message: '请选择领域' })
  domainId: number;

  @IsOptional()
  @ToInteger()
  @IsInt({ message: '请选择跑道' })
  trackId?: number;

  @ToBoolean()
  @IsBoolean()
  citywide: boolean = false;

  @ToBoolean()
  @IsBoolean()
  documentClassified: boolean = false;

  @ToBoolean()
  @IsBoolean()
  finished: boolean = false;

  @ToStringArray()
  @IsString({ each: true })
  document: string[] = [];

  @IsOptional()
  @ToBoolean()
  submit?: boolean;
}

/**
 * The competent department's confirmation: it may complete the involved districts (涉及区县) and
 * correct (予以修正) the 文号, the dates and the 层级; a field left out keeps the district's value.
 */
export class PilotConfirmationDto {
  @toIntArray()
  @ArrayMaxSize(41)
  @IsInt({ each: true, message: '涉及区县有误' })
  involvedUnitIds: number[] = [];

  @IsOptional()
  @IsIn(['national', 'municipal'], { message: '请选择试点层级' })
  level?: 'national' | 'municipal';

  @IsOptional()
  @RequiredText('文号', 100)
  documentNumber?: string;

  @IsOptional()
  @Trim()
  @IsString({ message: '请填写部署时间' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '请填写部署时间（年-月-日）' })
  deployedOn?: string;

  @IsOptional()
  @Trim()
  @IsString({ message: '请填写应验收时间' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '请填写应验收时间（年-月-日）' })
  acceptanceDue?: string;

  @IsOptional()
  @ToInteger()
  @IsInt()
  version?: number;
}

/** A progress filing of one district's stream (推进状态, 已开展工作, 存在问题). */
export class PilotProgressDto {
  @IsIn(['not_started', 'in_progress', 'completed'], { message: '请选择推进状态' })
  status: 'not_started' | 'in_progress' | 'completed';

  @RequiredText('已开展工作', 10000)
  workDone: string;

  @OptionalText('存在问题', 5000)
  problems?: string;

  @ToStringArray()
  @IsString({ each: true })
  evidence: string[] = [];

  @IsOptional()
  @ToBoolean()
  submit?: boolean;
}

/** 试点成果 (seed 000 四(二)3.3). */
export class PilotAchievementDto {
  @RequiredText('成果名称', 200)
  name: string;

  @RequiredText('解决问题', 5000)
  problemsSolved: string;

  @RequiredText('具体成效', 10000)
  effects: string;

  @ToStringArray()
  @IsString({ each: true })
  evidence: string[] = [];

  @IsOptional()
  @ToBoolean()
  submit?: boolean;
}

/** The competent department records a district's acceptance. */
export class PilotAcceptanceDto {
  @Trim()
  @IsString({ message: '请填写通过验收日期' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '请填写通过验收日期（年-月-日）' })
  acceptedOn: string;
}
