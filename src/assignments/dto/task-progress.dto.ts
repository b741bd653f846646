import { IsIn } from 'class-validator';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { OptionalText } from '../../common/forms/transforms.js';
import { FileIds, SubmittableForm } from '../../workflow/record-kit/record-dto.js';
import { TASK_STATUSES, type TaskStatus } from '../task-due-rules.js';

/** A progress filing (推进状态, 已开展工作, 存在问题). Required fields are checked on submit only. */
export class TaskProgressDto extends SubmittableForm {
  @IsIn(TASK_STATUSES, { message: '请选择推进状态' })
  status: TaskStatus;

  @OptionalText('已开展工作', 10000)
  workDone?: string;

  @OptionalText('存在问题', 5000)
  problems?: string;

  @FileIds()
  evidence: string[] = [];
}

/**
 * The rule of a progress filing its DTO cannot express: 已开展工作 is required to submit (a draft
 * may leave it empty). A refused 已开展工作 (`failed`, see validateForm) is not checked again.
 */
export function taskProgressErrors(
  form: TaskProgressDto,
  failed: ReadonlySet<string> = new Set(),
): FieldErrors {
  return !failed.has('workDone') && form.submit && !form.workDone
    ? { workDone: ['上报前请填写已开展工作'] }
    : {};
}
