import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ToBoolean, ToStringArray, Trim } from '../../common/forms/transforms.js';
import { TASK_STATUSES, type TaskStatus } from '../task-due-rules.js';

/** A progress filing (推进状态, 已开展工作, 存在问题). Required fields are checked on submit only. */
export class TaskProgressDto {
  @IsIn(TASK_STATUSES, { message: '请选择推进状态' })
  status: TaskStatus;

  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(10000, { message: '已开展工作不能超过 10000 字' })
  workDone?: string;

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
