import { IsOptional } from 'class-validator';
import { ToBoolean } from '../../common/forms/transforms.js';

/**
 * What every record's filing form has besides its fields: 保存并上报 sends `submit`, and the record
 * kit's form helpers read it (saved as a draft without it).
 */
export class SubmittableForm {
  @IsOptional()
  @ToBoolean()
  submit?: boolean;
}
