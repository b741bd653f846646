import { ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';

export const STALE_MESSAGE = '该记录已被他人处理，请刷新';

/** Someone else moved the record first (or the page was stale): nothing changed. */
export class WorkflowConflictException extends ConflictException {
  constructor(message = STALE_MESSAGE) {
    super(message);
  }
}

/** The action is not one this user may take on this record now. */
export class WorkflowActionRefusedException extends ConflictException {
  constructor(message = '当前状态下不能执行该操作，请刷新页面') {
    super(message);
  }
}

/** Reject and return need a reason and a detail text: field → Chinese message. */
export class WorkflowReasonMissingException extends UnprocessableEntityException {
  constructor(readonly fieldErrors: Record<string, string[]>) {
    super('请选择驳回理由并填写详细描述');
  }
}

export class WorkflowItemNotFoundException extends NotFoundException {}
