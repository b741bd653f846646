import { IsInt, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ToBoolean, ToInteger, ToStringArray, Trim } from '../../common/forms/transforms.js';

/** 改革需求: 需求标题, 需求描述, 来源渠道, 领域, 跑道, attachments. */
export class DemandFormDto {
  @Trim()
  @IsString({ message: '请填写需求标题' })
  @IsNotEmpty({ message: '请填写需求标题' })
  @MaxLength(200, { message: '需求标题不能超过 200 字' })
  title: string;

  @Trim()
  @IsString({ message: '请填写需求描述' })
  @IsNotEmpty({ message: '请填写需求描述' })
  @MaxLength(5000, { message: '需求描述不能超过 5000 字' })
  description: string;

  @ToInteger()
  @IsInt({ message: '请选择来源渠道' })
  channelId: number;

  @ToInteger()
  @IsInt({ message: '请选择领域' })
  domainId: number;

  @IsOptional()
  @ToInteger()
  @IsInt({ message: '请选择跑道' })
  trackId?: number;

  @ToStringArray()
  @IsString({ each: true })
  attachments: string[] = [];

  @IsOptional()
  @ToBoolean()
  submit?: boolean;
}
