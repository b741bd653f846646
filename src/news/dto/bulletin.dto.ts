import { DateField, TextList } from '../../workflow/record-kit/record-dto.js';
import { IsInt, Max, Min } from 'class-validator';
import { OptionalText, ToInteger } from '../../common/forms/transforms.js';

/**
 * A 《改革简报》 issue as composed: 期号, date, 编者按, 报送/抄送 lines, and the adopted items
 * chosen (`items`), each candidate row posting its id, order and title in the issue.
 */
export class BulletinDto {
  @ToInteger()
  @IsInt({ message: '请填写期号（正整数）' })
  @Min(1, { message: '请填写期号（正整数）' })
  @Max(999, { message: '期号不能超过 999' })
  issueNo: number;

  @DateField('请填写印发日期（年-月-日）')
  issuedOn: string;

  @OptionalText('编者按', 2000)
  editorNote?: string;

  @OptionalText('报送', 300)
  submittedTo?: string;

  @OptionalText('抄送', 300)
  copiedTo?: string;

  /** The chosen items' ids. */
  @TextList()
  items: string[] = [];

  /** Every candidate row's id, order and title, in the same order. */
  @TextList()
  candidate: string[] = [];

  @TextList()
  order: string[] = [];

  @TextList()
  itemTitle: string[] = [];
}
