import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { ToBoolean, ToInteger, ToStringArray, Trim } from '../../common/forms/transforms.js';

const toIntArray = () =>
  Transform(({ value }: { value: unknown }) =>
    (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]).map(
      (item) => Number(item),
    ),
  );

/** 试点项目录入 (seed 000 四(二)3.1). */
export class PilotFormDto {
  @Trim()
  @IsString({ message: '请填写试点名称' })
  @IsNotEmpty({ message: '请填写试点名称' })
  @MaxLength(200, { message: '试点名称不能超过 200 字' })
  name: string;

  @IsIn(['national', 'municipal'], { message: '请选择试点层级' })
  level: 'national' | 'municipal';

  @Trim()
  @IsString({ message: '请填写部署文件名称' })
  @IsNotEmpty({ message: '请填写部署文件名称' })
  @MaxLength(300, { message: '部署文件名称不能超过 300 字' })
  documentTitle: string;

  @Trim()
  @IsString({ message: '请填写文号' })
  @IsNotEmpty({ message: '请填写文号' })
  @MaxLength(100, { message: '文号不能超过 100 字' })
  documentNumber: string;

  @Trim()
  @IsString({ message: '请填写部署单位' })
  @IsNotEmpty({ message: '请填写部署单位' })
  @MaxLength(100, { message: '部署单位不能超过 100 字' })
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

/** The competent department's confirmation: it may complete the involved districts (涉及区县). */
export class PilotConfirmationDto {
  @toIntArray()
  @ArrayMaxSize(41)
  @IsInt({ each: true, message: '涉及区县有误' })
  involvedUnitIds: number[] = [];

  @IsOptional()
  @ToInteger()
  @IsInt()
  version?: number;
}

/** A progress filing of one district's stream (推进状态, 已开展工作, 存在问题). */
export class PilotProgressDto {
  @IsIn(['not_started', 'in_progress', 'completed'], { message: '请选择推进状态' })
  status: 'not_started' | 'in_progress' | 'completed';

  @Trim()
  @IsString({ message: '请填写已开展工作' })
  @IsNotEmpty({ message: '请填写已开展工作' })
  @MaxLength(10000, { message: '已开展工作不能超过 10000 字' })
  workDone: string;

  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(5000, { message: '存在问题不能超过 5000 字' })
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
  @Trim()
  @IsString({ message: '请填写成果名称' })
  @IsNotEmpty({ message: '请填写成果名称' })
  @MaxLength(200, { message: '成果名称不能超过 200 字' })
  name: string;

  @Trim()
  @IsString({ message: '请填写解决问题' })
  @IsNotEmpty({ message: '请填写解决问题' })
  @MaxLength(5000, { message: '解决问题不能超过 5000 字' })
  problemsSolved: string;

  @Trim()
  @IsString({ message: '请填写具体成效' })
  @IsNotEmpty({ message: '请填写具体成效' })
  @MaxLength(10000, { message: '具体成效不能超过 10000 字' })
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
