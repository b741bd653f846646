import { DateField } from '../../workflow/record-kit/record-dto.js';
import { ArrayNotEmpty, IsArray } from 'class-validator';
import { Transform } from 'class-transformer';
import { OptionalText, RequiredText } from '../../common/forms/transforms.js';
import { uploadedFileIds } from '../../common/forms/uploaded-files.js';

/** 约稿: the office asks chosen units for a piece on a topic by a deadline. */
export class NewsRequestDto {
  @RequiredText('约稿主题', 200)
  topic: string;

  @OptionalText('约稿要求', 2000)
  details?: string;

  @DateField('请填写报送时限（年-月-日）')
  deadline: string;

  @Transform(({ value }: { value: unknown }) =>
    uploadedFileIds(value)
      .map(Number)
      .filter((id) => Number.isInteger(id) && id > 0 && id <= 2147483647),
  )
  @IsArray()
  @ArrayNotEmpty({ message: '请选择约稿单位' })
  unitIds: number[] = [];
}
