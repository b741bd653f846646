import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { ToInteger, Trim } from '../../common/forms/transforms.js';
import { ChosenId } from '../record-kit/record-dto.js';
import { WORKFLOW_ACTIONS, type WorkflowAction } from '../workflow-rules.js';

export class TransitionDto {
  @IsIn(WORKFLOW_ACTIONS.filter((action) => action !== 'revise'), { message: '未知的操作' })
  action: Exclude<WorkflowAction, 'revise'>;

  @IsOptional()
  @ToInteger()
  @IsInt({ message: '页面已过期，请刷新' })
  @Min(1)
  version?: number;

  @IsOptional()
  @ChosenId('请选择驳回理由')
  reasonId?: number;

  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2000, { message: '详细描述不能超过 2000 字' })
  detail?: string;
}
