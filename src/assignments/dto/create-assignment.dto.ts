import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, IsString, Matches } from 'class-validator';
import { OptionalText, RequiredText, ToIntegerArray, Trim } from '../../common/forms/transforms.js';
import { ChosenId } from '../../workflow/record-kit/record-dto.js';

export class CreateAssignmentDto {
  @RequiredText('标题', 200)
  title: string;

  @OptionalText('描述', 5000)
  description?: string;

  @IsOptional()
  @ChosenId('请选择领域')
  domainId?: number;

  @Trim()
  @IsString({ message: '请填写反馈时限' })
  @Matches(/^20\d{2}-\d{2}-\d{2}$/, { message: '请填写反馈时限（年-月-日）' })
  deadline: string;

  @ToIntegerArray()
  @ArrayMinSize(1, { message: '请至少选择一个承办单位' })
  @ArrayMaxSize(200)
  @IsInt({ each: true, message: '承办单位有误' })
  unitIds: number[] = [];
}
