import { DateField } from '../../workflow/record-kit/record-dto.js';
import { IsIn } from 'class-validator';
import { OptionalText } from '../../common/forms/transforms.js';
import { NEWS_USE_KINDS, type NewsUseKind } from '../news.queries.js';

/** A use the office records on an approved 工作动态. */
export class NewsUseDto {
  @IsIn(NEWS_USE_KINDS, { message: '请选择采用方式' })
  kind: NewsUseKind;

  @DateField('请填写日期（年-月-日）')
  usedOn: string;

  /** 《改革简报》采用: the issue, e.g. 2026年第3期. */
  @OptionalText('期号', 60)
  issueLabel?: string;

  /** 领导批示: who. */
  @OptionalText('批示领导', 100)
  instructedBy?: string;

  /** 领导批示: the text; other uses: a note. */
  @OptionalText('内容', 2000)
  note?: string;
}
