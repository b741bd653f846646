import { ChosenId, FileIds } from '../../workflow/record-kit/record-dto.js';
import { IsOptional } from 'class-validator';
import { RequiredText } from '../../common/forms/transforms.js';
import { SubmittableForm } from '../../workflow/record-kit/record-dto.js';

/** 改革需求: 需求标题, 需求描述, 来源渠道, 领域, 跑道, attachments. */
export class DemandFormDto extends SubmittableForm {
  @RequiredText('需求标题', 200)
  title: string;

  @RequiredText('需求描述', 5000)
  description: string;

  @ChosenId('请选择来源渠道')
  channelId: number;

  @ChosenId('请选择领域')
  domainId: number;

  @IsOptional()
  @ChosenId('请选择跑道')
  trackId?: number;

  @FileIds()
  attachments: string[] = [];
}
