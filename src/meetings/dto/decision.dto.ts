import { ChosenId } from '../../workflow/record-kit/record-dto.js';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, IsString, Matches } from 'class-validator';
import { OptionalText, RequiredText, Trim } from '../../common/forms/transforms.js';
import { toIds } from './meeting.dto.js';

/** 议定事项: the decision, 牵头单位, 配合单位, requirement and deadline. */
export class DecisionDto {
  @RequiredText('议定事项', 200)
  title: string;

  @OptionalText('工作要求', 5000)
  requirement?: string;

  @ChosenId('请选择牵头单位')
  leadUnitId: number;

  @Transform(toIds)
  @ArrayMaxSize(100)
  @IsInt({ each: true, message: '配合单位有误' })
  assistUnitIds: number[] = [];

  @Trim()
  @IsString({ message: '请填写完成时限' })
  @Matches(/^20\d{2}-\d{2}-\d{2}$/, { message: '请填写完成时限（年-月-日）' })
  deadline: string;

  @IsOptional()
  @IsString()
  topicId?: string;
}
