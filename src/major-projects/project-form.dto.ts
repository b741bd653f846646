import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { RequiredText, ToBoolean, ToInteger } from '../common/forms/transforms.js';
import { FileIds } from '../workflow/record-kit/record-dto.js';

/** 市级重大改革项目基础信息, entered by the reform office. */
export class ProjectFormDto {
  @RequiredText('项目名称', 200)
  name: string;

  @ToInteger()
  @IsInt({ message: '请选择所属领域' })
  domainId: number;

  @ToInteger()
  @IsInt({ message: '请选择责任单位' })
  responsibleUnitId: number;

  @RequiredText('牵头市领导', 100)
  leadLeader: string;

  @ToInteger()
  @IsInt({ message: '请填写作战图年度' })
  @Min(2017, { message: '年度不早于 2017 年' })
  @Max(2100, { message: '年度有误' })
  planYear: number;

  @ToBoolean()
  @IsBoolean()
  closed: boolean = false;

  @FileIds()
  reformPlan: string[] = [];
}
