import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { ToInteger, Trim } from '../../common/forms/transforms.js';

export class CreateAssignmentDto {
  @Trim()
  @IsString({ message: '请填写标题' })
  @IsNotEmpty({ message: '请填写标题' })
  @MaxLength(200, { message: '标题不能超过 200 字' })
  title: string;

  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(5000, { message: '描述不能超过 5000 字' })
  description?: string;

  @IsOptional()
  @ToInteger()
  @IsInt({ message: '请选择领域' })
  domainId?: number;

  @Trim()
  @IsString({ message: '请填写反馈时限' })
  @Matches(/^20\d{2}-\d{2}-\d{2}$/, { message: '请填写反馈时限（年-月-日）' })
  deadline: string;

  @Transform(({ value }: { value: unknown }) =>
    (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]).map(
      (item) => Number(item),
    ),
  )
  @ArrayMinSize(1, { message: '请至少选择一个承办单位' })
  @ArrayMaxSize(200)
  @IsInt({ each: true, message: '承办单位有误' })
  unitIds: number[] = [];
}
