import type { FieldErrors } from '../common/forms/form-validation.js';
import { parseChinaDate } from '../common/time/china-time.js';

/**
 * The dates of a pilot: real dates, 应验收时间 not before 部署时间. Fields the DTO refused
 * (`failed`) are not checked.
 */
export function pilotDateErrors(
  dates: { deployedOn: string; acceptanceDue: string },
  failed: ReadonlySet<string> = new Set(),
): FieldErrors {
  const errors: FieldErrors = {};
  const deployedOn = failed.has('deployedOn') ? undefined : parseChinaDate(dates.deployedOn);
  if (!failed.has('deployedOn') && !deployedOn) {
    errors.deployedOn = ['请填写有效的部署时间'];
  }
  if (!failed.has('acceptanceDue')) {
    if (!parseChinaDate(dates.acceptanceDue)) {
      errors.acceptanceDue = ['请填写有效的应验收时间'];
    } else if (deployedOn && dates.acceptanceDue < dates.deployedOn) {
      errors.acceptanceDue = ['应验收时间不能早于部署时间'];
    }
  }
  return errors;
}
