import { Checkbox } from '../../workflow/record-kit/record-dto.js';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsString, Matches } from 'class-validator';
import { OptionalText, RequiredText, ToStringArray, Trim } from '../../common/forms/transforms.js';
import {
  MEETING_KINDS,
  MEETING_STATUSES,
  type MeetingKind,
  type MeetingStatus,
} from '../meetings.view-model.js';

const toIds = ({ value }: { value: unknown }) =>
  (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]).map((item) =>
    Number(item),
  );

/** A meeting as the office enters it: 名称, 类型, date, place, 主持, units attending, status. */
export class MeetingDto {
  @RequiredText('会议名称', 200)
  name: string;

  @IsIn(MEETING_KINDS.codes, { message: '请选择会议类型' })
  kind: MeetingKind;

  @Trim()
  @IsString({ message: '请填写会议日期' })
  @Matches(/^20\d{2}-\d{2}-\d{2}$/, { message: '请填写会议日期（年-月-日）' })
  heldOn: string;

  @OptionalText('会议地点', 200)
  place?: string;

  @OptionalText('主持人', 100)
  host?: string;

  @IsIn(MEETING_STATUSES.codes, { message: '请选择会议状态' })
  status: MeetingStatus = 'preparing';

  /** 出席单位. */
  @Transform(toIds)
  @ArrayMaxSize(300)
  @IsInt({ each: true, message: '出席单位有误' })
  attendUnitIds: number[] = [];

  /** 列席单位. */
  @Transform(toIds)
  @ArrayMaxSize(300)
  @IsInt({ each: true, message: '列席单位有误' })
  observeUnitIds: number[] = [];
}

/** 会议纪要: a 涉密 note (the minutes go by the 内网 mailbox) or a plain note of where they are. */
export class MinutesDto {
  @OptionalText('会议纪要说明', 2000)
  minutesNote?: string;

  @Checkbox()
  minutesClassified: boolean = false;

  /** The minutes as a PDF or Word file (not when 涉密). */
  @ToStringArray()
  @ArrayMaxSize(1, { message: '会议纪要只需上传一个文件' })
  @IsString({ each: true })
  minutesFile: string[] = [];
}

export { toIds };
