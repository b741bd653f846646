import { DEMO_PASSWORD } from '../../src/database/seed/seed-demo-data.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('Demo data: 深改委会议 with decisions in every state (real PostgreSQL)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    // Demo users and records are loaded by createApp, as `npm start` does.
    testApp = await createTestApp({ seedDemo: true });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should load a held meeting with results and decisions in every state, and one in preparation', async () => {
    const office = await login(testApp.server, '19900000031', DEMO_PASSWORD);
    const ledger = await office.agent.get('/meetings');
    expect(ledger.text).toContain('六届市委第三次深改会');
    expect(ledger.text).toContain('六届市委第四次深改会');
    expect(ledger.text).toContain('筹备中');
    expect(ledger.text).toContain('已召开');
    const decisions = await office.agent.get('/meetings/decisions');
    for (const state of [
      '已销号',
      '已完成待销号',
      '推进中',
      '待季度更新',
      '已逾期',
      '待首次反馈',
    ]) {
      expect(decisions.text).toContain(`>${state}</span>`);
    }
    const topics = await office.agent.get('/meetings/topics');
    for (const result of ['审议通过', '原则通过', '修改完善后再审']) {
      expect(topics.text).toContain(result);
    }
    for (const state of ['已采纳', '审核中', '已退回']) {
      expect(topics.text).toContain(state);
    }
  });
});
