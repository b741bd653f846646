import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AssignmentsService } from '../assignments/assignments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { MeetingsService } from '../meetings/meetings.service.js';
import type { TopicDto } from '../meetings/dto/topic.dto.js';
import type { MeetingDto } from '../meetings/dto/meeting.dto.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { demoUnitId, demoUser } from './demo-users.js';

/** A deadline far enough ahead for the form's rule; some are moved back afterwards (see below). */
const FUTURE = '2099-12-31';

/**
 * 深改委会议 demo data, filed through the services the pages use: a held meeting with its agenda,
 * 审议结果, 纪要 and 议定事项 in every state (已销号, 已完成待销号, 推进中, 待季度更新, 已逾期,
 * 待首次反馈), and a meeting in preparation with an adopted topic and topics at every step. A
 * past deadline or last-quarter feedback cannot be entered through the forms today, so those two
 * decisions get their dates moved back after filing.
 */
@Injectable()
export class DemoMeetingsSeeder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly meetings: MeetingsService,
    private readonly assignments: AssignmentsService,
    private readonly workflow: WorkflowService,
  ) {}

  /** Seeds once: true when it did. */
  async seed(): Promise<boolean> {
    const existing: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM meetings`,
    );
    if (existing[0].count > 0) {
      return false;
    }
    const [yzClerk, yzReviewer, jbClerk, jbReviewer, wzClerk, wzReviewer] = await Promise.all(
      [
        '19900000001',
        '19900000002',
        '19900000003',
        '19900000004',
        '19900000005',
        '19900000006',
      ].map((mobile) => demoUser(this.dataSource, mobile)),
    );
    const [fgClerk, fgReviewer, kjClerk, office] = await Promise.all(
      ['19900000011', '19900000012', '19900000019', '19900000031'].map((mobile) =>
        demoUser(this.dataSource, mobile),
      ),
    );
    const unit = {
      yuzhong: await demoUnitId(this.dataSource, 'yuzhong'),
      jiangbei: await demoUnitId(this.dataSource, 'jiangbei'),
      wanzhou: await demoUnitId(this.dataSource, 'wanzhou'),
      liangjiang: await demoUnitId(this.dataSource, 'liangjiang'),
      fagai: await demoUnitId(this.dataSource, 'dept-fagai'),
      keji: await demoUnitId(this.dataSource, 'dept-keji'),
    };
    const reason: { id: number }[] = await this.dataSource.query(
      `SELECT id FROM dictionary_items WHERE kind = 'reject_reason' AND active ORDER BY sort_order, id LIMIT 1`,
    );
    const act = (id: string, user: AuthUser, action: 'pass' | 'confirm' | 'return' | 'reject') =>
      this.workflow.transition(
        id,
        action === 'return' || action === 'reject'
          ? { action, reasonId: reason[0].id, detail: '请补充议题的调研论证材料' }
          : { action },
        user,
      );
    const meeting = (name: string, heldOn: string, status: 'preparing' | 'held'): MeetingDto => ({
      name,
      kind: 'plenary',
      heldOn,
      place: '市委常委会议室',
      host: '市委书记、市委深改委主任',
      status,
      attendUnitIds: [unit.fagai, unit.keji, unit.yuzhong, unit.jiangbei],
      observeUnitIds: [unit.wanzhou, unit.liangjiang],
    });
    const topic = (
      title: string,
      reportingUnitId: number,
      topicKind: TopicDto['topicKind'],
      submit: boolean,
      meetingId?: string,
    ): TopicDto => ({
      title,
      reportingUnitId,
      topicKind,
      summary: `${title}：背景、主要内容和需要会议研究的事项。`,
      documentsClassified: topicKind === 'review_document',
      classifiedNote:
        topicKind === 'review_document' ? '送审稿涉密，已通过电子政务内网报送市委改革办' : '',
      documents: [],
      meetingId,
      submit,
    });
    /** A unit's topic, passed by its reviewer and adopted onto the meeting's agenda. */
    const adopted = async (
      title: string,
      reportingUnitId: number,
      topicKind: TopicDto['topicKind'],
      people: [clerk: AuthUser, reviewer: AuthUser],
      meetingId: string,
    ) => {
      const id = await this.meetings.createTopic(
        topic(title, reportingUnitId, topicKind, true),
        people[0],
      );
      await act(id, people[1], 'pass');
      await this.meetings.adopt(id, meetingId, office);
      return id;
    };

    // The held meeting: its agenda was set while in preparation.
    const held = await this.meetings.saveMeeting(
      meeting('六届市委第三次深改会', '2026-09-18', 'preparing'),
      office,
    );
    const fgTopic = await adopted(
      '关于深化营商环境创新试点的实施方案',
      unit.fagai,
      'review_document',
      [fgClerk, fgReviewer],
      held,
    );
    const yzTopic = await adopted(
      '渝中区基层治理体系改革情况汇报',
      unit.yuzhong,
      'hear_report',
      [yzClerk, yzReviewer],
      held,
    );
    const officeTopic = await this.meetings.createTopic(
      topic('研究2027年度重点改革任务安排', unit.fagai, 'study_matter', true, held),
      office,
    );
    await this.meetings.saveMeeting(
      meeting('六届市委第三次深改会', '2026-09-18', 'held'),
      office,
      undefined,
      held,
    );
    await this.meetings.setResult(fgTopic, { result: 'passed' }, office);
    await this.meetings.setResult(yzTopic, { result: 'passed_in_principle' }, office);
    await this.meetings.setResult(officeTopic, { result: 'revise_resubmit' }, office);
    await this.meetings.saveMinutes(
      held,
      {
        minutesClassified: true,
        minutesNote: '会议纪要已通过电子政务内网印发各出席单位',
        minutesFile: [],
      },
      office,
    );

    // 议定事项 in every state.
    const decision = async (
      title: string,
      topicId: string,
      lead: number,
      assist: number[] = [],
    ) => {
      await this.meetings.createDecision(
        held,
        {
          title,
          topicId,
          requirement: '明确责任分工、时间节点和工作举措，按时反馈落实情况。',
          leadUnitId: lead,
          assistUnitIds: assist,
          deadline: FUTURE,
        },
        office,
      );
      const rows: { assignment_id: string; task_id: string; unit_id: number }[] =
        await this.dataSource.query(
          `SELECT a.id AS assignment_id, t.id AS task_id, t.unit_id FROM assignments a
             JOIN assignment_tasks t ON t.assignment_id = a.id
            WHERE a.kind = 'meeting_decision' AND a.title = $1`,
          [title],
        );
      return {
        assignmentId: rows[0].assignment_id,
        task: (unitId: number) => rows.find((row) => row.unit_id === unitId)!.task_id,
      };
    };
    const feedback = async (
      taskId: string,
      clerk: AuthUser,
      reviewer: AuthUser,
      status: 'in_progress' | 'completed',
    ) => {
      const id = await this.assignments.saveProgress(
        taskId,
        {
          status,
          workDone: '1.制定落实方案并明确责任分工。\n2.召开专题会议推进落实。',
          problems: '无',
          evidence: [],
          submit: true,
        },
        clerk,
      );
      await act(id, reviewer, 'pass');
      await act(id, office, 'confirm');
    };

    const closed = await decision('出台营商环境创新试点配套政策', fgTopic, unit.fagai);
    await feedback(closed.task(unit.fagai), fgClerk, fgReviewer, 'completed');
    await this.meetings.closeTask(closed.task(unit.fagai), office);

    const awaitingClose = await decision('建立基层治理网格化工作机制', yzTopic, unit.yuzhong);
    await feedback(awaitingClose.task(unit.yuzhong), yzClerk, yzReviewer, 'completed');

    const inProgress = await decision('推进政务服务“一网通办”', fgTopic, unit.jiangbei);
    await feedback(inProgress.task(unit.jiangbei), jbClerk, jbReviewer, 'in_progress');

    // 待季度更新: fed back (approved) last quarter, nothing since.
    const quarterly = await decision('深化国资国企改革试点', fgTopic, unit.wanzhou);
    await feedback(quarterly.task(unit.wanzhou), wzClerk, wzReviewer, 'in_progress');
    await this.dataSource.query(`UPDATE assignments SET deadline = '2026-09-30' WHERE id = $1`, [
      quarterly.assignmentId,
    ]);
    await this.dataSource.query(
      `UPDATE assignment_tasks SET first_approved_at = '2026-09-28T10:00:00+08:00', latest_approved_at = '2026-09-28T10:00:00+08:00' WHERE id = $1`,
      [quarterly.task(unit.wanzhou)],
    );

    // 已逾期: the deadline passed with no feedback.
    const overdue = await decision('建立科技成果转化容错机制', officeTopic, unit.keji);
    await this.dataSource.query(`UPDATE assignments SET deadline = '2026-10-31' WHERE id = $1`, [
      overdue.assignmentId,
    ]);

    // 待首次反馈: a lead and an assisting unit, neither has fed back yet.
    await decision('完善重点改革任务台账管理', officeTopic, unit.liangjiang, [unit.yuzhong]);

    // The meeting in preparation: one topic adopted, others at each step.
    const next = await this.meetings.saveMeeting(
      meeting('六届市委第四次深改会', '2027-01-15', 'preparing'),
      office,
    );
    await adopted(
      '江北区数字化城市治理改革情况汇报',
      unit.jiangbei,
      'hear_report',
      [jbClerk, jbReviewer],
      next,
    );
    const atOffice = await this.meetings.createTopic(
      topic('关于推进科技人才评价改革的意见', unit.keji, 'study_matter', true),
      kjClerk,
    );
    const kjReviewer = await demoUser(this.dataSource, '19900000020');
    await act(atOffice, kjReviewer, 'pass');
    const returned = await this.meetings.createTopic(
      topic('渝中区城市更新改革方案', unit.yuzhong, 'study_matter', true),
      yzClerk,
    );
    await act(returned, yzReviewer, 'pass');
    await act(returned, office, 'return');
    await this.meetings.createTopic(
      topic('渝中区老旧小区改造机制创新', unit.yuzhong, 'hear_report', true),
      yzClerk,
    );
    await this.meetings.createTopic(
      topic('万州区三峡库区生态补偿机制改革', unit.wanzhou, 'study_matter', false),
      wzClerk,
    );
    return true;
  }
}
