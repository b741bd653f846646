import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { BulletinsService } from '../news/bulletins.service.js';
import { NewsRequestsService } from '../news/news-requests.service.js';
import { NewsService } from '../news/news.service.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { demoUser } from './demo-users.js';

const shift = (date: string, days: number): string => {
  const moved = new Date(`${date}T00:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
};

const BODY = [
  '今年以来，我区坚持以群众办事“一件事”为牵引，推动跨部门、跨层级业务流程再造。',
  '一是梳理高频事项清单，整合申请材料，实行“一表申请、一窗受理、一次办结”。',
  '二是打通部门数据壁垒，依托一体化政务服务平台实现材料共享复用，累计减少群众提交材料4万余份。',
  '下一步，我区将持续扩大“一件事一次办”覆盖范围，推动更多事项“免申即享”。',
].join('\n');

/**
 * Demo 工作动态: items in every state (draft, at the unit reviewer, at the office, returned,
 * approved), uses of every kind, an open 约稿 and two published 《改革简报》 issues. Runs once, on a
 * database with demo users and no 工作动态 yet.
 */
@Injectable()
export class DemoNewsSeeder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly news: NewsService,
    private readonly requests: NewsRequestsService,
    private readonly bulletins: BulletinsService,
    private readonly workflow: WorkflowService,
  ) {}

  /** True when it loaded the demo 工作动态. */
  async seed(): Promise<boolean> {
    const ready: { users: number; items: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM users WHERE mobile = '19900000001') AS users,
              (SELECT count(*)::int FROM news_items) AS items`,
    );
    if (ready[0].users === 0 || ready[0].items > 0) {
      return false;
    }
    const [yuzhongClerk, yuzhongReviewer, jiangbeiClerk, jiangbeiReviewer, office] =
      await Promise.all(
        ['19900000001', '19900000002', '19900000003', '19900000004', '19900000031'].map((mobile) =>
          demoUser(this.dataSource, mobile),
        ),
      );
    const today = this.news.today();
    const domains: { id: number }[] = await this.dataSource.query(
      `SELECT id FROM dictionary_items WHERE kind = 'domain' AND active ORDER BY sort_order LIMIT 3`,
    );
    const reason: { id: number }[] = await this.dataSource.query(
      `SELECT id FROM dictionary_items WHERE kind = 'reject_reason' AND active ORDER BY sort_order LIMIT 1`,
    );
    const file = (user: AuthUser, title: string, daysAgo: number, domain = 0, requestId = '') =>
      this.news.create(
        {
          title,
          body: BODY,
          occurredOn: shift(today, -daysAgo),
          domainId: domains[domain % domains.length].id,
          requestId,
          images: [],
          attachments: [],
          submit: true,
        },
        user,
      );
    const approve = async (id: string, reviewer: AuthUser) => {
      await this.workflow.transition(id, { action: 'pass' }, reviewer);
      await this.workflow.transition(id, { action: 'confirm' }, office);
    };

    // Approved, and used in every way.
    const a1 = await file(yuzhongClerk, '渝中区“一件事一次办”改革让群众办事更便捷', 20, 0);
    const a2 = await file(jiangbeiClerk, '江北区探索“园区事园区办”审批服务新模式', 18, 1);
    const a3 = await file(yuzhongClerk, '渝中区深化社区治理积分制改革', 15, 2);
    const a4 = await file(jiangbeiClerk, '江北区推进国有企业混合所有制改革', 12, 0);
    await approve(a1, yuzhongReviewer);
    await approve(a2, jiangbeiReviewer);
    await approve(a3, yuzhongReviewer);
    await approve(a4, jiangbeiReviewer);
    for (const [id, daysAgo] of [
      [a1, 10],
      [a2, 9],
      [a3, 8],
    ] as const) {
      await this.news.recordUse(id, { kind: 'published', usedOn: shift(today, -daysAgo) }, office);
    }
    await this.news.recordUse(a2, { kind: 'superior', usedOn: shift(today, -7) }, office);
    await this.news.recordUse(
      a1,
      {
        kind: 'instruction',
        usedOn: shift(today, -6),
        instructedBy: '市委主要领导',
        note: '渝中区的做法值得肯定，请市委改革办总结经验，在全市推广。',
      },
      office,
    );

    // Under review, returned and a draft.
    await file(yuzhongClerk, '渝中区推进“信用+”监管改革', 3, 1);
    const atOffice = await file(jiangbeiClerk, '江北区深化“放管服”改革优化营商环境', 4, 2);
    await this.workflow.transition(atOffice, { action: 'pass' }, jiangbeiReviewer);
    const returned = await file(yuzhongClerk, '渝中区医疗卫生体制改革进展', 5, 0);
    await this.workflow.transition(
      returned,
      { action: 'reject', reasonId: reason[0].id, detail: '请补充改革成效的具体数据' },
      yuzhongReviewer,
    );
    await this.news.create(
      {
        title: '渝中区教育评价改革工作动态（草稿）',
        body: BODY,
        occurredOn: shift(today, -1),
        domainId: domains[0].id,
        images: [],
        attachments: [],
        submit: false,
      },
      yuzhongClerk,
    );

    // An open 约稿 to 渝中区 and 江北区.
    await this.requests.create(
      {
        topic: '基层治理体制改革典型经验',
        details: '请结合本地区实际，报送一篇 1,500 字以内的经验材料，附 2–3 张现场图片。',
        deadline: shift(today, 14),
        unitIds: [yuzhongClerk.unitId, jiangbeiClerk.unitId],
      },
      office,
    );

    // Two published issues of 《改革简报》.
    const year = Number(today.slice(0, 4));
    const issue = async (
      issueNo: number,
      daysAgo: number,
      items: { id: string; title: string }[],
      editorNote: string,
    ) => {
      const id = await this.bulletins.create(
        {
          issueNo,
          issuedOn: shift(today, -daysAgo),
          editorNote,
          submittedTo: '市委、市人大常委会、市政府、市政协主要领导，市委深改委委员',
          copiedTo: '各区县（自治县）委改革办，市级有关部门',
          items: items.map((item) => item.id),
          candidate: items.map((item) => item.id),
          order: items.map((_, index) => String(index + 1)),
          itemTitle: items.map((item) => item.title),
        },
        office,
      );
      await this.bulletins.publish(id, office);
    };
    const nextNo = await this.bulletins.nextIssueNo(year);
    await issue(
      nextNo,
      8,
      [
        { id: a1, title: '渝中区：“一件事一次办”让群众少跑腿' },
        { id: a2, title: '江北区：“园区事园区办”跑出审批加速度' },
      ],
      '现将渝中区、江北区优化政务服务的做法刊发，供各地各部门学习借鉴。',
    );
    await issue(
      nextNo + 1,
      2,
      [{ id: a3, title: '渝中区：积分制激活社区治理“一池春水”' }],
      '社区治理积分制是推动共建共治共享的有益探索。',
    );
    return true;
  }
}
