import { IsIn, IsOptional, IsString } from 'class-validator';
import { OptionalText, ToBoolean, ToStringArray } from '../../common/forms/transforms.js';
import { TASK_STATUSES, type TaskStatus } from '../task-due-rules.js';

/** A progress filing (推进状态, 已开展工作, 存在问题). Required fields are checked on submit only. */
export class TaskProgressDto {
  @IsIn(TASK_STATUSES, { message: '请选择推进状态' })
  status: TaskStatus;

  @OptionalText('已开展工作', 10000)
  workDone?: string;

  @OptionalText('存在问题', 5000)
  problems?: string;

  @ToStringArray()
  @IsString({ each: true })
  evidence: string[] = [];

  @IsOptional()
  @ToBoolean()
  submit?: boolean;
}
