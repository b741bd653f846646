import { ChosenId, DateField, FileIds } from '../../workflow/record-kit/record-dto.js';
import { IsOptional, Matches } from 'class-validator';
import { RequiredText, Trim } from '../../common/forms/transforms.js';
import { SubmittableForm } from '../../workflow/record-kit/record-dto.js';

/** The longest 正文 a 工作动态 may have (the form shows a live counter). */
export const NEWS_BODY_MAX = 5000;
/** At most this many images per 工作动态. */
export const NEWS_IMAGES_MAX = 9;

/** 工作动态: 标题, 正文, 发生日期, 领域, images, attachments, and the 约稿 it answers. */
export class NewsFormDto extends SubmittableForm {
  @RequiredText('标题', 200)
  title: string;

  @RequiredText('正文', NEWS_BODY_MAX)
  body: string;

  @DateField('请填写发生日期（年-月-日）')
  occurredOn: string;

  @ChosenId('请选择领域')
  domainId: number;

  @IsOptional()
  @Trim()
  @Matches(/^$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: '请选择约稿',
  })
  requestId?: string;

  @FileIds()
  images: string[] = [];

  @FileIds()
  attachments: string[] = [];
}
