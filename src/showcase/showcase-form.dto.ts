import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { ToBoolean, ToInteger, ToStringArray, Trim } from '../common/forms/transforms.js';

export const SHOWCASE_CATEGORIES = ['national', 'citywide', 'central_media'] as const;
export type ShowcaseCategory = (typeof SHOWCASE_CATEGORIES)[number];

/** 成效亮点 (表三 of seed 000). */
export class ShowcaseFormDto {
  @Trim()
  @IsString({ message: '请填写改革事项' })
  @IsNotEmpty({ message: '请填写改革事项' })
  @MaxLength(200, { message: '改革事项不能超过 200 字' })
  matter: string;

  @IsIn(SHOWCASE_CATEGORIES, { message: '请选择类别' })
  category: ShowcaseCategory;

  @ToInteger()
  @IsInt({ message: '请选择具体情形' })
  subKindId: number;

  @Trim()
  @IsString({ message: '请填写日期' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '请填写获肯定、推广或报道的日期（年-月-日）' })
  happenedOn: string;

  @Trim()
  @IsString({ message: '请填写解决问题' })
  @IsNotEmpty({ message: '请填写解决问题' })
  @MaxLength(5000, { message: '解决问题不能超过 5000 字' })
  problemsSolved: string;

  @Trim()
  @IsString({ message: '请填写主要成果' })
  @IsNotEmpty({ message: '请填写主要成果' })
  @MaxLength(10000, { message: '主要成果不能超过 10000 字' })
  results: string;

  /** Central media: the clerk confirms it is a single article (or a single 新闻联播 item). */
  @ToBoolean()
  @IsBoolean()
  singleReport: boolean = false;

  @ToBoolean()
  @IsBoolean()
  evidenceClassified: boolean = false;

  @ToStringArray()
  @IsString({ each: true })
  evidence: string[] = [];

  @IsOptional()
  @ToBoolean()
  submit?: boolean;
}
