import {
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { RequiredText, ToInteger, ToStringArray, Trim } from '../../common/forms/transforms.js';
import { ROLE_CODES, type RoleCode } from '../../auth/roles.js';

export class UserFormDto {
  @IsOptional()
  @Trim()
  @Matches(/^1\d{10}$/, { message: '请填写 11 位手机号' })
  mobile?: string;

  @RequiredText('姓名', 50)
  name: string;

  @ToInteger()
  @IsInt({ message: '请选择所属单位' })
  unitId: number;

  @ToStringArray()
  @ArrayMinSize(1, { message: '请至少选择一个角色' })
  @IsIn(ROLE_CODES, { each: true, message: '角色有误' })
  roles: RoleCode[] = [];
}

export class UnitFormDto {
  @RequiredText('单位名称', 100)
  name: string;

  @Trim()
  @Matches(/^[a-z][a-z0-9-]{1,39}$/, {
    message: '编码须为 2–40 位小写字母、数字或连字符，以字母开头',
  })
  code: string;

  @IsIn(['department', 'district'], { message: '请选择单位类型' })
  kind: 'department' | 'district';

  @IsOptional()
  @Trim()
  @IsIn(['', '区', '县', '自治县', '功能区'], { message: '区县类型有误' })
  districtType?: string;

  @ToStringArray()
  @IsIn(['risk_reporter', 'survey_center'], { each: true, message: '单位职能有误' })
  capabilities: string[] = [];

  @IsOptional()
  @ToInteger()
  @IsInt({ message: '排序须为整数' })
  sortOrder?: number;
}

export class DictionaryItemFormDto {
  @RequiredText('名称', 200)
  label: string;

  @IsOptional()
  @Trim()
  @Matches(/^$|^[a-z][a-z0-9_]{1,59}$/, { message: '编码须为小写字母、数字或下划线，以字母开头' })
  code?: string;

  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2000, { message: '说明不能超过 2000 字' })
  description?: string;

  @IsOptional()
  @ToInteger()
  @IsInt({ message: '请选择所属领域' })
  parentId?: number;

  @IsOptional()
  @ToInteger()
  @IsInt({ message: '排序须为整数' })
  sortOrder?: number;
}
