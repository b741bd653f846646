import { Checkbox, ChosenId, FileIds } from '../../workflow/record-kit/record-dto.js';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { OptionalText, RequiredText } from '../../common/forms/transforms.js';
import {
  TOPIC_KINDS,
  TOPIC_RESULTS,
  type TopicKind,
  type TopicResult,
} from '../meetings.view-model.js';
import { SubmittableForm } from '../../workflow/record-kit/record-dto.js';

/** 议题申报: title, 汇报单位, 议题类型, summary, 拟审议文件 (PDF/Word) or a 涉密 note, 领域. */
export class TopicDto extends SubmittableForm {
  @RequiredText('议题名称', 200)
  title: string;

  @ChosenId('请选择汇报单位')
  reportingUnitId: number;

  @IsIn(TOPIC_KINDS.codes, { message: '请选择议题类型' })
  topicKind: TopicKind;

  @OptionalText('议题简介', 5000)
  summary?: string;

  @IsOptional()
  @ChosenId('请选择领域')
  domainId?: number;

  @Checkbox()
  documentsClassified: boolean = false;

  @OptionalText('涉密说明', 1000)
  classifiedNote?: string;

  @FileIds()
  documents: string[] = [];

  /** Office-added topics: the meeting it goes on (required there). */
  @IsOptional()
  @IsString()
  meetingId?: string;
}

/** 采纳: the meeting whose agenda takes the topic. */
export class AdoptTopicDto {
  @IsString({ message: '请选择会议' })
  meetingId: string;
}

/** 审议结果 of a topic on a held meeting. */
export class TopicResultDto {
  @IsIn(TOPIC_RESULTS.codes, { message: '请选择审议结果' })
  result: TopicResult;
}
