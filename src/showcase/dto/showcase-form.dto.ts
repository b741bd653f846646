import { Checkbox, ChosenId, FileIds } from '../../workflow/record-kit/record-dto.js';
import { IsIn, IsString, Matches } from 'class-validator';
import { RequiredText, Trim } from '../../common/forms/transforms.js';
import { SubmittableForm } from '../../workflow/record-kit/record-dto.js';

export const SHOWCASE_CATEGORIES = ['national', 'citywide', 'central_media'] as const;
export type ShowcaseCategory = (typeof SHOWCASE_CATEGORIES)[number];

/** 成效亮点 (表三 of seed 000). */
export class ShowcaseFormDto extends SubmittableForm {
  @RequiredText('改革事项', 200)
  matter: string;

  @IsIn(SHOWCASE_CATEGORIES, { message: '请选择类别' })
  category: ShowcaseCategory;

  @ChosenId('请选择具体情形')
  subKindId: number;

  @Trim()
  @IsString({ message: '请填写日期' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '请填写获肯定、推广或报道的日期（年-月-日）' })
  happenedOn: string;

  @RequiredText('解决问题', 5000)
  problemsSolved: string;

  @RequiredText('主要成果', 10000)
  results: string;

  /** Central media: the clerk confirms it is a single article (or a single 新闻联播 item). */
  @Checkbox()
  singleReport: boolean = false;

  @Checkbox()
  evidenceClassified: boolean = false;

  @FileIds()
  evidence: string[] = [];
}
