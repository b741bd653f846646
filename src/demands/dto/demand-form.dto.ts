import { IsInt, IsOptional, IsString } from 'class-validator';
import { RequiredText, ToInteger, ToStringArray } from '../../common/forms/transforms.js';
import { SubmittableForm } from '../../workflow/record-kit/record-dto.js';

/** 改革需求: 需求标题, 需求描述, 来源渠道, 领域, 跑道, attachments. */
export class DemandFormDto extends SubmittableForm {
  @RequiredText('需求标题', 200)
  title: string;

  @RequiredText('需求描述', 5000)
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
}
